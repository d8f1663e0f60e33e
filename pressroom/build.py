"""Run the stages: gather and validate everything, render every PDF to bytes, then write.

Nothing is written unless every document rendered, so a bad edit never costs the last
good build.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import model as m
from .content import load_content
from .errors import ContentError, Interrupted, Problem, Problems, warning
from .fonts import FontError, FontSet, load_fontset
from .layout import Layout, LayoutSpec, load_layouts, resolve_layout
from .inputs import list_tree
from .output import (STAGING, OutputLock, Staging, check_out_folder, interrupted, manifest_bytes,
                     output_name_problem, read_manifest, recover, removable)
from .jargon import jargon_warnings
from .parallel import render_jobs
from .readability import assess_all, over_target
from .report import report_html
from .state import GENERATOR, MANIFEST, REPORT, Hasher, Trees, inputs_of, output_intact, tree_hash
from .jobs import Job
from .render import brochure, guide, leaflet
from .render.common import Context
from .strings import check_glyphs, check_placeholders, load_strings

FIGURES = frozenset({"incision", "spine", "advantages"})
JOB_MAKERS = {"leaflet": leaflet.jobs, "brochure": brochure.jobs, "guide": guide.jobs}


@dataclass(frozen=True)
class Paths:
    content: Path
    layouts: Path
    fonts: Path
    out: Path
    shown_content: str = "content"
    shown_layouts: str = "layouts"
    shown_fonts: str = "fonts"
    shown_out: str = "brochures"


@dataclass
class Result:
    built: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    readings: list = field(default_factory=list)
    reading_target: float = 8.0
    manifest: Path | None = None
    recovered: str | None = None   # what was done about a build killed while writing
    plan: "Plan | None" = None     # what was loaded (the print desk keeps it to personalise and search)


@dataclass(frozen=True)
class Plan:
    jobs: list[Job]
    warnings: list[Problem]
    catalogues: list[m.Catalogue]
    trees: Trees


def plan(paths: Paths) -> Plan:
    """Load and validate all inputs; return the jobs, or raise ContentError with every problem."""
    problems = Problems()
    warnings: list[Problem] = []
    trees = _trees(paths)
    for name in ("layouts", "fonts"):
        problems.extend(list(trees.listings[name].problems))
    specs = load_layouts(paths.layouts, paths.shown_layouts, problems)
    fontsets: dict[str, FontSet] = {}
    for spec in specs.values():
        faces = spec.data.get("fonts") or {}
        try:
            fontsets[spec.name] = load_fontset(paths.fonts, faces)
        except (FontError, KeyError, TypeError) as exc:
            problems.add(*spec.where("fonts"), str(exc).strip("'"), "fonts")
    problems.raise_if_any()
    concrete = [s for s in specs.values() if not s.data.get("abstract")]
    if not concrete:
        problems.add(paths.shown_layouts, 0, "no layouts to build with (need *.yaml files that are "
                     "not `abstract: true`)")
        problems.raise_if_any()
    charset = frozenset.intersection(*(fontsets[s.name].charset for s in concrete)) if concrete else frozenset()
    catalogues, content_warnings = load_content(trees.listings["content"], paths.shown_content,
                                                charset, FIGURES)
    warnings.extend(content_warnings)
    warnings.extend(jargon_warnings(catalogues))
    strings = load_strings(paths.layouts / "strings", f"{paths.shown_layouts}/strings",
                           [c.lang for c in catalogues], problems, warnings)
    check_glyphs(strings, f"{paths.shown_layouts}/strings", charset, problems)
    check_placeholders(strings, f"{paths.shown_layouts}/strings", problems)
    problems.raise_if_any()
    jobs: list[Job] = []
    for cat in catalogues:
        for spec in sorted(concrete, key=lambda s: s.name):
            layout = resolve_layout(spec, cat.clinic.brand, problems)
            if layout is None:
                continue
            if layout.kind not in JOB_MAKERS:
                problems.add(*spec.where("kind"),
                             f"unknown kind {layout.kind!r}; use one of {', '.join(JOB_MAKERS)}", "kind")
                continue
            ctx = Context(layout, fontsets[spec.name], strings[cat.lang], cat.clinic)
            try:
                jobs.extend(_jobs_for(cat, layout, ctx, paths))
            except ContentError as exc:  # a layout a renderer refuses: report it with the rest
                problems.extend(exc.problems)
    problems.raise_if_any()
    _check_outputs(jobs, paths.out)
    if not jobs:
        warnings.append(warning(paths.shown_content, 0, "nothing to build: add procedures/*.yaml, "
                                "guide.yaml or brochure.yaml"))
    return Plan(jobs, warnings, catalogues, trees)


def _jobs_for(cat: m.Catalogue, layout: Layout, ctx: Context, paths: Paths) -> list[Job]:
    inputs = tuple(cat.files["clinic"]) + layout.sources + ctx.fonts.files + (
        paths.layouts / "strings" / "en.yaml", paths.layouts / "strings" / f"{cat.lang}.yaml")
    return list(JOB_MAKERS[layout.kind](cat, layout, ctx, inputs))


def _check_outputs(jobs: list[Job], out: Path) -> None:
    """Every output name legal and used once, checked before anything is written."""
    seen: dict[str, Job] = {}
    problems = Problems()
    for job in jobs:
        if job.path in seen:
            problems.add(job.layout.sources[-1].name, 0,
                         f"two documents would be written to {job.path} (also from layout "
                         f"{seen[job.path].layout.name}); give the layouts different paper or edition")
        seen[job.path] = job
        wrong = output_name_problem(out, job.path)
        if wrong:
            problems.add(job.source.path, job.source.line, wrong)
    problems.raise_if_any()


def check(paths: Paths) -> list[tuple[Path, str]]:
    """Every stale, missing or extra PDF (content errors raise ContentError first). Writes nothing."""
    the_plan = plan(paths)
    jobs, trees, hasher = the_plan.jobs, the_plan.trees, Hasher()
    out = []
    if interrupted(paths.out):
        out.append((paths.out / STAGING, "a build was interrupted while switching in its files; "
                    "run python generate.py to complete it"))
    entries = {e["path"]: e for e in read_manifest(paths.out / MANIFEST).manifest.get("documents", [])}
    for job in jobs:
        if not (paths.out / job.path).is_file():
            out.append((paths.out / job.path, "missing"))
        elif not _current(entries.get(job.path), inputs_of(job.inputs, trees, hasher), paths.out, hasher):
            out.append((paths.out / job.path, "stale (its inputs changed since it was built)"))
    planned = {job.path for job in jobs}
    for rel in list_tree(paths.out, str(paths.out)).files:
        if rel.endswith(".pdf") and rel not in planned:
            out.append((paths.out / rel, "extra (no content or layout makes it any more)"))
    return out


def _current(entry: dict | None, record: dict, out: Path, hasher: Hasher) -> bool:
    """Built from exactly these inputs, and the file is still what was written."""
    return entry is not None and entry.get("inputs") == record and output_intact(out, entry, hasher)


def _entry(job: Job, pdf, record: dict, paths: Paths) -> dict:
    """The manifest's line for one PDF."""
    return {"path": job.path, "kind": job.kind, "language": job.lang, "paper": job.layout.paper,
            "edition": job.layout.edition, "layout": job.layout.name, "title": job.title,
            "pages": pdf.pages, "sha256": hashlib.sha256(pdf.data).hexdigest(),
            "source": _source_label(job, paths), "inputs": record}


def _reading_target(catalogues: list[m.Catalogue]) -> float:
    return catalogues[0].clinic.reading_grade if catalogues else 8.0


def _source_label(job: Job, paths: Paths) -> str:
    """The document's source file as `content/...`, the same from any working folder."""
    shown = job.source.path
    prefix = paths.shown_content.rstrip("/") + "/"
    return "content/" + shown[len(prefix):] if shown.startswith(prefix) else shown


def _trees(paths: Paths) -> Trees:
    return Trees(paths.content, paths.layouts, paths.fonts,
                 (paths.shown_content, paths.shown_layouts, paths.shown_fonts))



def build(paths: Paths, force: bool = False, workers: int = 1, strict: bool = False,
          on_event: Callable[[str, dict], None] | None = None) -> Result:
    """Rebuild what changed (everything with force), remove what is gone, write the manifest,
    all switched in as one commit (see `output`).

    Events: ("planned", {"count"}) once, ("rendered", {"path"}) as each render finishes,
    then, once the new files are in place, ("built" | "skipped" | "removed", entry) per PDF.
    """
    emit = on_event or (lambda kind, entry: None)
    check_out_folder(paths.out, [paths.content, paths.layouts, paths.fonts])
    with OutputLock(paths.out):
        recovered = recover(paths.out)
        the_plan = plan(paths)
        jobs, warnings = the_plan.jobs, list(the_plan.warnings)
        trees, hasher = the_plan.trees, Hasher()
        last = read_manifest(paths.out / MANIFEST)
        if last.problem:
            warnings.append(warning(f"{paths.shown_out}/{MANIFEST}", 0, last.problem))
        old = {e["path"]: e for e in last.manifest.get("documents", [])}
        records = {job.path: inputs_of(job.inputs, trees, hasher) for job in jobs}
        todo = [job for job in jobs
                if force or not _current(old.get(job.path), records[job.path], paths.out, hasher)]
        emit("planned", {"count": len(todo)})
        rendered, readings = render_jobs(todo, workers, lambda job: emit("rendered", {"path": job.path}),
                                         side=lambda: assess_all(the_plan.catalogues))
        for path in sorted(rendered):
            warnings.extend(w for w in rendered[path].warnings if w not in warnings)
        target = _reading_target(the_plan.catalogues)
        warnings.extend(over_target(readings, target))
        planned = {job.path for job in jobs}
        gone = {path: entry for path, entry in sorted(old.items()) if path not in planned}
        remove = [path for path, entry in gone.items()
                  if removable(paths.out, path, entry["sha256"], hasher.file)]
        for path in sorted(set(gone) - set(remove)):
            if (paths.out / path).exists():
                warnings.append(warning(f"{paths.shown_out}/{path}", 0, "no longer built, but left in "
                                        "place: it changed since pressroom wrote it"))
        if strict and warnings:
            raise ContentError(warnings)
        by_source = {r.source: r.numbers() for r in readings}
        result = Result(warnings=warnings, readings=readings, reading_target=target, recovered=recovered,
                        plan=the_plan)
        entries, events = [], []
        for job in jobs:
            if job.path in rendered:
                entry = _entry(job, rendered[job.path], records[job.path], paths)
                result.built.append(entry)
                events.append(("built", entry))
            else:
                entry = dict(old[job.path])
                result.skipped.append(entry)
                events.append(("skipped", entry))
            if job.source.path in by_source:  # reassessed every build: the target may change
                entry["reading"] = by_source[job.source.path]
            entries.append(entry)
        pdfs: dict[str, list[str]] = {}
        for job in jobs:
            pdfs.setdefault(job.source.path, []).append(job.path)
        manifest = {"generator": GENERATOR, "tree": tree_hash(trees, hasher),
                    "documents": sorted(entries, key=lambda e: e["path"])}
        with Staging(paths.out) as staging:
            for job in jobs:
                if job.path in rendered:
                    staging.add(job.path, rendered[job.path].data)
            staging.add(REPORT, report_html(readings, target, pdfs))
            staging.add(MANIFEST, manifest_bytes(manifest))
            try:
                staging.commit(remove)
            except KeyboardInterrupt:  # held until the switch was done: the new build is whole
                raise Interrupted("interrupted, but only after the new PDFs were all in place; "
                                  "the build is complete") from None
        result.removed = [gone[path] for path in remove]
        result.manifest = paths.out / MANIFEST
        for kind, entry in events + [("removed", e) for e in result.removed]:
            emit(kind, entry)
    return result
