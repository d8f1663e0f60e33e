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
from .errors import ContentError, Problem, Problems, warning
from .fonts import FontError, FontSet, load_fontset
from .layout import Layout, LayoutSpec, load_layouts, resolve_layout
from .output import (OutputLock, manifest_bytes, read_manifest, remove_output, sweep_temp_files,
                     write_atomic)
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


@dataclass
class Result:
    built: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    readings: list = field(default_factory=list)
    reading_target: float = 8.0
    manifest: Path | None = None


@dataclass(frozen=True)
class Plan:
    jobs: list[Job]
    warnings: list[Problem]
    catalogues: list[m.Catalogue]


def plan(paths: Paths) -> Plan:
    """Load and validate all inputs; return the jobs, or raise ContentError with every problem."""
    problems = Problems()
    warnings: list[Problem] = []
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
    catalogues, content_warnings = load_content(paths.content, paths.shown_content, charset, FIGURES)
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
    _refuse_duplicates(jobs)
    if not jobs:
        warnings.append(warning(paths.shown_content, 0, "nothing to build: add procedures/*.yaml, "
                                "guide.yaml or brochure.yaml"))
    return Plan(jobs, warnings, catalogues)


def _jobs_for(cat: m.Catalogue, layout: Layout, ctx: Context, paths: Paths) -> list[Job]:
    inputs = tuple(cat.files["clinic"]) + layout.sources + ctx.fonts.files + (
        paths.layouts / "strings" / "en.yaml", paths.layouts / "strings" / f"{cat.lang}.yaml")
    return list(JOB_MAKERS[layout.kind](cat, layout, ctx, inputs))


def _refuse_duplicates(jobs: list[Job]) -> None:
    seen: dict[str, Job] = {}
    problems = Problems()
    for job in jobs:
        if job.path in seen:
            problems.add(job.layout.sources[-1].name, 0,
                         f"two documents would be written to {job.path} (also from layout "
                         f"{seen[job.path].layout.name}); give the layouts different paper or edition")
        seen[job.path] = job
    problems.raise_if_any()


def check(paths: Paths) -> list[tuple[Path, str]]:
    """Every stale, missing or extra PDF (content errors raise ContentError first). Writes nothing."""
    jobs = plan(paths).jobs
    trees, hasher = _trees(paths), Hasher()
    entries = {e["path"]: e for e in read_manifest(paths.out / MANIFEST).get("documents", [])}
    out = []
    for job in jobs:
        if not (paths.out / job.path).is_file():
            out.append((paths.out / job.path, "missing"))
        elif not _current(entries.get(job.path), inputs_of(job.inputs, trees, hasher), paths.out, hasher):
            out.append((paths.out / job.path, "stale (its inputs changed since it was built)"))
    planned = {job.path for job in jobs}
    if paths.out.is_dir():
        for pdf in sorted(paths.out.rglob("*.pdf")):
            rel = pdf.relative_to(paths.out).as_posix()
            if rel not in planned:
                out.append((pdf, "extra (no content or layout makes it any more)"))
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
    return Trees(paths.content, paths.layouts, paths.fonts)


def build(paths: Paths, force: bool = False, workers: int = 1, strict: bool = False,
          on_event: Callable[[str, dict], None] | None = None) -> Result:
    """Rebuild what changed (everything with force), remove what is gone, write the manifest.

    Events: ("planned", {"count"}) once, ("rendered", {"path"}) as each render finishes,
    then ("built" | "skipped" | "removed", entry) per PDF.
    """
    emit = on_event or (lambda kind, entry: None)
    with OutputLock(paths.out):
        sweep_temp_files(paths.out)
        the_plan = plan(paths)
        jobs, warnings = the_plan.jobs, list(the_plan.warnings)
        trees, hasher = _trees(paths), Hasher()
        old = {e["path"]: e for e in read_manifest(paths.out / MANIFEST).get("documents", [])}
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
        if strict and warnings:
            raise ContentError(warnings)
        by_source = {r.source: r.numbers() for r in readings}
        result = Result(warnings=warnings, readings=readings, reading_target=target)
        entries = []
        for job in jobs:
            if job.path in rendered:
                write_atomic(paths.out / job.path, rendered[job.path].data)
                entry = _entry(job, rendered[job.path], records[job.path], paths)
                result.built.append(entry)
                emit("built", entry)
            else:
                entry = dict(old[job.path])
                result.skipped.append(entry)
                emit("skipped", entry)
            if job.source.path in by_source:  # reassessed every build: the target may change
                entry["reading"] = by_source[job.source.path]
            entries.append(entry)
        planned = {job.path for job in jobs}
        for path, entry in sorted(old.items()):
            if path not in planned:
                remove_output(paths.out, path)
                result.removed.append(entry)
                emit("removed", entry)
        pdfs: dict[str, list[str]] = {}
        for job in jobs:
            pdfs.setdefault(job.source.path, []).append(job.path)
        write_atomic(paths.out / REPORT, report_html(readings, target, pdfs))
        result.manifest = paths.out / MANIFEST
        manifest = {"generator": GENERATOR, "tree": tree_hash(trees, hasher),
                    "documents": sorted(entries, key=lambda e: e["path"])}
        write_atomic(result.manifest, manifest_bytes(manifest))
    return result
