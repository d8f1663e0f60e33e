"""Run the stages: gather and validate everything, render every PDF to bytes, then write.

Nothing is written unless every document rendered, so a bad edit never costs the last
good build.
"""

from __future__ import annotations

import hashlib
import importlib
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from ..source import model as m
from ..source.content import load_content
from .. import limits
from ..errors import ContentError, Interrupted, OutputError, Problem, Problems, did_you_mean, warning
from ..layout.fonts import FontError, Fonts, load_fonts
from ..layout.layouts import Layout, LayoutSpec, load_layouts, press_edition, resolve_layout
from ..inputs import Refused, list_tree, read_bytes
from .output import (STAGING, OutputLock, Staging, check_out_folder, interrupted, manifest_bytes,
                     output_name_problem, read_manifest, recover, removable, valid_preflight)
from ..source.jargon import jargon_warnings
from .parallel import Early, render_jobs
from ..source.readability import assess_all, over_target
from .report import report_html
from .state import (DIGESTS, GENERATOR, MANIFEST, REPORT, DigestCache, Hasher, Trees, inputs_of, output_intact,
                    tree_hash)
from .jobs import Job, Rendered, edition_name
from ..render.common import Context
from ..layout.strings import FALLBACK, check_clinic_phrases, check_glyphs, check_placeholders, load_strings
from ..layout.artwork import figure_names, load_artworks

JOB_MAKERS = ("leaflet", "brochure", "guide")  # the kinds; each is made by render.<kind>.jobs


def _job_maker(kind: str) -> Callable:
    """render.<kind>.jobs, its module imported when a layout first asks for it: a build of
    leaflets alone imports no guide or brochure code (nor the QR and figure code they use)."""
    return importlib.import_module(f"..render.{kind}", __package__).jobs


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
    proofs: int = 0                # documents whose proofs were rendered
    comparison: object = None      # compare.Comparison, when asked for
    plan: "Plan | None" = None     # what was loaded (the print desk keeps it to personalise and search)


@dataclass(frozen=True)
class Plan:
    jobs: list[Job]
    warnings: list[Problem]
    catalogues: list[m.Catalogue]
    trees: Trees
    strings: dict = field(default_factory=dict)   # language -> Strings


@dataclass(frozen=True)
class Extras:
    """What a build makes besides the PDFs, on request (see `proofs` and `compare`)."""

    proofs: bool = False               # page PNGs and a contact sheet per PDF
    proof_dpi: int | None = None       # their resolution for every layout (else each layout's)
    compare: bool = False              # write the change report
    baseline: Path | None = None       # compared with this manifest or build folder (else the
                                       # build this one replaces)


def plan(paths: Paths, loaded: Callable[[list[m.Catalogue]], None] | None = None, workers: int = 1) -> Plan:
    """Load and validate all inputs; return the jobs, or raise ContentError with every problem.
    `loaded(catalogues)` is called as soon as the content is loaded and valid (a build starts
    its reading-level assessment there); with `workers` > 1 many procedure files are loaded
    by two processes."""
    problems = Problems()
    warnings: list[Problem] = []
    trees = _trees(paths)
    for name in ("layouts", "fonts"):
        problems.extend(list(trees.listings[name].problems))
    specs = load_layouts(paths.layouts, paths.shown_layouts, problems)
    fontsets: dict[str, Fonts] = {}
    for spec in specs.values():
        faces = spec.data.get("fonts") or {}
        try:
            fontsets[spec.name] = load_fonts(paths.fonts, faces)
        except (FontError, KeyError, TypeError) as exc:
            problems.add(*spec.where("fonts"), str(exc).strip("'"), "fonts")
    problems.raise_if_any()
    concrete = [s for s in specs.values() if not s.data.get("abstract")]
    if not concrete:
        problems.add(paths.shown_layouts, 0, "no layouts to build with (need *.yaml files that are "
                     "not `abstract: true`)")
        problems.raise_if_any()
    charset = Coverage(tuple(fontsets[s.name] for s in concrete))
    figures = figure_names(trees.listings["layouts"])  # the known figures are the files present
    draws = any(str(s.data.get("kind")) in ("guide", "brochure") for s in concrete)
    profiles = _Profiles(trees.listings["layouts"], paths.shown_layouts, problems)
    catalogues, content_warnings = load_content(trees.listings["content"], paths.shown_content,
                                                charset, figures if draws else None,
                                                profiles.first(sorted(concrete, key=lambda s: s.name)),
                                                (lambda task: Early(task, workers)) if workers > 1 else None)
    if loaded:
        loaded(catalogues)
    warnings.extend(content_warnings)
    warnings.extend(jargon_warnings(catalogues))
    strings = load_strings(paths.layouts / "strings", f"{paths.shown_layouts}/strings",
                           [c.lang for c in catalogues], problems, warnings, trees.listings["content"],
                           paths.shown_content, catalogues[0].lang if catalogues else FALLBACK)
    check_glyphs(strings, f"{paths.shown_layouts}/strings", charset, problems)
    check_placeholders(strings, f"{paths.shown_layouts}/strings", problems)
    warnings.extend(w for w in check_clinic_phrases(strings, catalogues) if w not in warnings)
    problems.raise_if_any()
    needed = _figures_used(catalogues) if draws else set()  # leaflets draw no figures
    for spec in concrete:
        placed = spec.data.get("figures")
        for place, name in (placed.items() if isinstance(placed, dict) else ()):
            if isinstance(name, str) and name not in figures:
                problems.add(*spec.where("figures"), f"no figure {name!r}: there is no "
                             f"{paths.shown_layouts}/figures/{name}.svg{did_you_mean(name, figures)}",
                             f"figures.{place}")
            elif isinstance(name, str):
                needed.add(name)  # the cover's art, or a variant drawn for a content figure
    artworks = load_artworks(trees.listings["layouts"], paths.shown_layouts, needed, charset,
                             strings[FALLBACK].words if FALLBACK in strings else {}, problems)
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
            for edition in (layout, press_edition(layout)) if layout.press else (layout,):
                if edition.color_mode == "cmyk" and edition.pdfx and edition.pdfx.get("profile"):
                    edition = replace(edition, profile=profiles.read(spec, edition.pdfx["profile"]))
                base = fontsets[spec.name].base(cat.lang, strings[cat.lang].own_text())
                ctx = Context(edition, base, strings[cat.lang], cat.clinic, artworks, fontsets[spec.name],
                              _help_lines(cat, catalogues, strings, fontsets[spec.name]))
                try:
                    jobs.extend(_jobs_for(cat, edition, ctx, paths, spec.where("preflight")))
                except ContentError as exc:  # a layout a renderer refuses: report it with the rest
                    problems.extend(exc.problems)
    problems.raise_if_any()
    _check_outputs(jobs, paths.out)
    if not jobs:
        warnings.append(warning(paths.shown_content, 0, "nothing to build: add procedures/*.yaml, "
                                "guide.yaml or brochure.yaml"))
    return Plan(jobs, warnings, catalogues, trees, strings)


class _Profiles:
    """The CMYK output profiles press layouts name (`pdfx.profile`, a file in the layouts
    folder), each read and checked once; a missing or unreadable one is the layout's error."""

    def __init__(self, listing, shown_root: str, problems: Problems):
        self.listing, self.shown_root, self.problems = listing, shown_root, problems
        self._read: dict[str, bytes | str] = {}

    def _load(self, rel: str) -> bytes | str:
        if rel not in self._read:
            from ..layout.inks import profile_check
            if not isinstance(rel, str) or not self.listing.has(rel):
                self._read[rel] = f"no file {rel!r} in {self.shown_root} (put the CMYK profile there)"
            else:
                try:
                    data = read_bytes(self.listing.path(rel), self.listing.root, limits.MAX_PROFILE_BYTES)
                    fault = profile_check(data)
                    self._read[rel] = f"{self.shown_root}/{rel} {fault}" if fault else data
                except Refused as exc:
                    self._read[rel] = f"{self.shown_root}/{rel} {exc}"
        return self._read[rel]

    def read(self, spec: LayoutSpec, rel: str) -> bytes | None:
        data = self._load(rel)
        if isinstance(data, str):
            self.problems.add(*spec.where("pdfx"), data, "pdfx.profile")
            return None
        return data

    def first(self, specs: list[LayoutSpec]) -> bytes | None:
        """The profile of the first press layout that names a readable one: it turns a
        brand colour given only in CMYK into the RGB office files use."""
        for spec in specs:
            pdfx = spec.data.get("pdfx")
            if spec.data.get("color_mode") == "cmyk" or spec.data.get("press"):
                rel = pdfx.get("profile") if isinstance(pdfx, dict) else None
                if rel and isinstance(self._load(rel), bytes):
                    return self._read[rel]
        return None


def _help_lines(cat: m.Catalogue, catalogues: list[m.Catalogue], strings: dict, fonts: Fonts) -> tuple:
    """(lang, markup, font) of "Free language help is available. Call …" in each language
    the content offers whose fixed words say it, with that language's number; only when the
    clinic asks for them (clinic.yaml language_help: true)."""
    if not cat.clinic.language_help:
        return ()
    return tuple((c.lang, strings[c.lang].phrase("language_help", c.clinic.phone),
                  fonts.base(c.lang, strings[c.lang].own_text()))
                 for c in catalogues if c.lang in strings and "language_help" in strings[c.lang].own)


@dataclass(frozen=True)
class Coverage:
    """The characters every layout's fonts draw (some family of each): a character is
    looked up family by family, so a fallback is read only when text needs it."""

    layouts: tuple[Fonts, ...]
    _known: dict = field(default_factory=dict, compare=False, repr=False)  # code -> drawn
    _drawn: set = field(default_factory=set, compare=False, repr=False)    # the codes found drawn

    def __contains__(self, code: int) -> bool:
        known = self._known.get(code)
        if known is None:  # each character looked up once per build, not once per use
            known = self._known[code] = bool(self.layouts) and all(code in fonts for fonts in self.layouts)
            if known:
                self._drawn.add(code)
        return known

    def issuperset(self, codes) -> bool:
        """Every one of `codes` drawn (as frozenset.issuperset): one set operation when
        all are known already."""
        codes = set(codes)
        return codes <= self._drawn or all(code in self for code in codes)


def _figures_used(catalogues: list[m.Catalogue]) -> set[str]:
    """Every figure the content draws."""
    used = set()
    for cat in catalogues:
        sections = [s for p in cat.procedures for s in p.sections]
        sections += list(cat.guide.sections) if cat.guide else []
        sections += list(cat.brochure.panels) if cat.brochure else []
        used |= {b.name for s in sections for b in s.body if isinstance(b, m.Figure)}
    return used


def _jobs_for(cat: m.Catalogue, layout: Layout, ctx: Context, paths: Paths,
              at: tuple[str, int] = ("", 0)) -> list[Job]:
    inputs = tuple(cat.files["clinic"]) + layout.sources + ctx.fonts.all_files + (
        paths.layouts / "strings" / "en.yaml", paths.layouts / "strings" / f"{cat.lang}.yaml",
        paths.content / "strings.yaml", paths.content / cat.lang / "strings.yaml")  # the content's own words
    if layout.kind in ("guide", "brochure"):  # they draw figures; a changed SVG rebuilds them
        inputs += tuple(art.path for _, art in sorted(ctx.figures.items()))
    if layout.profile is not None:  # a press file's inks come from its profile
        inputs += (paths.layouts / layout.pdfx["profile"],)
    jobs = list(_job_maker(layout.kind)(cat, layout, ctx, inputs))
    return [_preflighted(job, ctx, at) if job.layout.color_mode == "cmyk" else job for job in jobs]


def _preflighted(job: Job, ctx: Context, at: tuple[str, int]) -> Job:
    """A press job whose result carries its preflight summary and warnings."""
    from .preflight import preflight
    from .prepress import inks_for
    render = job.render

    def checked() -> Rendered:
        done = render()
        summary, problems = preflight(done.data, job.layout, ctx.clinic, at,
                                      inks_for(job.layout, ctx.clinic.brand).estimated)
        seen = {(w.path, w.message.split(" is only ")[0]) for w in done.warnings}
        extra = tuple(p for p in problems if (p.path, p.message.split(" is only ")[0]) not in seen)
        return replace(done, warnings=done.warnings + extra, preflight=summary)
    return replace(job, render=checked)


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
    jobs, trees, hasher = the_plan.jobs, the_plan.trees, Hasher(DigestCache(paths.out / DIGESTS))  # never saved
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


def _current(entry: dict | None, record: dict, out: Path, hasher: Hasher, press: bool = False) -> bool:
    """Built from exactly these inputs, and the file is still what was written (a press
    file's entry with its preflight summary)."""
    return entry is not None and entry.get("inputs") == record and output_intact(out, entry, hasher) \
        and (not press or valid_preflight(entry.get("preflight")))


def _entry(job: Job, pdf, sha256: str, record: dict, paths: Paths) -> dict:
    """The manifest's line for one PDF (`sha256`: of its bytes)."""
    return {"path": job.path, "kind": job.kind, "language": job.lang, "paper": job.layout.paper,
            "edition": edition_name(job.layout), "layout": job.layout.name, "title": job.title,
            "pages": pdf.pages, "sha256": sha256,
            "source": _source_label(job, paths), "inputs": record,
            **({"preflight": pdf.preflight} if pdf.preflight is not None else {})}


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
          on_event: Callable[[str, dict], None] | None = None, extras: Extras = Extras()) -> Result:
    """Rebuild what changed (everything with force), remove what is gone, write the manifest,
    all switched in as one commit (see `output`).

    Events: ("planned", {"count"}) once, ("rendered", {"path"}) as each render finishes,
    then, once the new files are in place, ("built" | "skipped" | "removed", entry) per PDF.
    """
    emit = on_event or (lambda kind, entry: None)
    check_out_folder(paths.out, [paths.content, paths.layouts, paths.fonts])
    side: list[Early] = []  # the reading-level assessment, started once the content is loaded
    with OutputLock(paths.out), _closing(side):
        recovered = recover(paths.out)
        the_plan = plan(paths, lambda catalogues: side.append(Early(lambda: assess_all(catalogues), workers)),
                        workers)
        jobs, warnings = the_plan.jobs, list(the_plan.warnings)
        trees, hasher = the_plan.trees, Hasher(DigestCache(paths.out / DIGESTS))
        last = read_manifest(paths.out / MANIFEST)
        if last.problem:
            warnings.append(warning(f"{paths.shown_out}/{MANIFEST}", 0, last.problem))
        old = {e["path"]: e for e in last.manifest.get("documents", [])}
        records: dict[str, dict] = {}

        def record_of(job: Job) -> dict:
            """Its input record, made when first needed: a PDF the last build did not make is
            rendered whatever its inputs, so its record is made while the workers render."""
            if job.path not in records:
                records[job.path] = inputs_of(job.inputs, trees, hasher)
            return records[job.path]
        todo = [job for job in jobs
                if force or job.path not in old or not _current(old[job.path], record_of(job), paths.out,
                                                                hasher, job.layout.color_mode == "cmyk")]
        # The text files the plan read are hashed now, so a file saved again during the render
        # (a watch, an editor) is recorded as it was read and the next build sees the change;
        # the font files (33 MB, loaded by the plan too) wait for their PDFs.
        for path in sorted({p for job in todo for p in job.inputs if not p.is_relative_to(paths.fonts)}):
            hasher.file(path)
        emit("planned", {"count": len(todo)})
        with Staging(paths.out) as staging:  # dropped whole if anything below fails
            digests: dict[str, str] = {}

            def stage(job: Job, pdf: Rendered | None) -> None:
                """Each PDF written and hashed as it comes, while the workers render the rest."""
                if pdf is not None:
                    staging.add(job.path, pdf.data)
                    digests[job.path] = hashlib.sha256(pdf.data).hexdigest()
                    record_of(job)
                emit("rendered", {"path": job.path})
            rendered = render_jobs(todo, workers, stage)
            readings = side[0].result()
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
                    entry = _entry(job, rendered[job.path], digests[job.path], record_of(job), paths)
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
            read_new = _reader(paths.out, rendered)
            put, result.proofs = _proofs(jobs, entries, extras, paths.out, read_new, hasher, workers)
            if extras.compare:
                result.comparison = _compare(paths, the_plan, old, entries, extras, read_new, workers)
                report = compare_files(result.comparison)
                put.update(report)
                files = {rel: hashlib.sha256(data).hexdigest() for rel, data in report.items()}
            else:  # the last report stays only while it still describes the PDFs in the folder
                files = last.manifest.get("files", {}) if not (rendered or gone) else {}
            remove += _stale_files(last.manifest, entries, files, paths.out, hasher)
            manifest = {"generator": GENERATOR, "tree": tree_hash(trees, hasher),
                        "documents": sorted(entries, key=lambda e: e["path"])}
            if files:
                manifest["files"] = dict(sorted(files.items()))
            for rel in sorted(put):
                staging.add(rel, put[rel])
            staging.add(REPORT, report_html(readings, target, pdfs,
                                            {e["path"]: e["preflight"] for e in entries if "preflight" in e}))
            staging.add(MANIFEST, manifest_bytes(manifest))
            try:
                staging.commit(remove)
            except KeyboardInterrupt:  # held until the switch was done: the new build is whole
                raise Interrupted("interrupted, but only after the new PDFs were all in place; "
                                  "the build is complete") from None
        hasher.save()
        result.removed = [gone[path] for path in remove if path in gone]
        result.manifest = paths.out / MANIFEST
        for kind, entry in events + [("removed", e) for e in result.removed]:
            emit(kind, entry)
    return result


@contextmanager
def _closing(early: list[Early]):
    """Ends an early task whose result the build never asked for (it failed first), before
    the output lock is let go."""
    try:
        yield
    finally:
        for task in early:
            task.close()


# -- proofs and the change report -------------------------------------------------------

def _reader(out: Path, rendered: dict) -> Callable[[str], bytes]:
    """A PDF of this build: just rendered, or the unchanged file already in the folder."""
    def read(path: str) -> bytes:
        if path in rendered:
            return rendered[path].data
        return read_bytes(out / path, out, limits.MAX_OUTPUT_BYTES)
    return read


def _proofs(jobs: list[Job], entries: list[dict], extras: Extras, out: Path, read, hasher: Hasher,
            workers: int) -> tuple[dict[str, bytes], int]:
    """(files to stage, documents rendered): proofs of every
    PDF whose recorded proofs are missing or show another PDF or resolution; an entry keeps
    proofs that are still current, even when this build was not asked for them."""
    from . import proofs as pf

    def intact(rel: str, sha: str) -> bool:
        return (out / rel).is_file() and hasher.file(out / rel) == sha

    tasks = []
    by_path = {e["path"]: e for e in entries}
    for job in jobs:
        entry = by_path[job.path]
        dpi = extras.proof_dpi or job.layout.proof_dpi
        if extras.proofs and not pf.current(entry, dpi, intact):
            tasks.append((job.path, (lambda p=job.path: read(p)), dpi))
        elif not pf.current(entry, None, intact):
            entry.pop("proofs", None)
    made = pf.make_all(tasks, workers) if tasks else {}
    put: dict[str, bytes] = {}
    for path, proofs in made.items():
        by_path[path]["proofs"] = proofs.record()
        put.update(proofs.files)
    return put, len(made)


def _compare(paths: Paths, the_plan: Plan, old: dict, entries: list[dict], extras: Extras, read,
             workers: int):
    from . import compare as cmp
    now = cmp.Build(f"this build ({paths.shown_out})", {e["path"]: e for e in entries}, read)
    if extras.baseline is None:
        before = cmp.Build(f"the build it replaced ({paths.shown_out})", old,
                           lambda path: read_bytes(paths.out / path, paths.out, limits.MAX_OUTPUT_BYTES))
    else:
        manifest_path = cmp.baseline_manifest(extras.baseline)
        folder = manifest_path.parent
        last = read_manifest(manifest_path)
        if not manifest_path.is_file() or last.problem and not last.manifest.get("documents"):
            raise OutputError(f"--compare {extras.baseline}: no pressroom manifest there (give a build "
                              "folder or its manifest.json)")
        before = cmp.Build(str(extras.baseline), {e["path"]: e for e in last.manifest["documents"]},
                           lambda path: read_bytes(folder / path, folder, limits.MAX_OUTPUT_BYTES))
    labels = {lang: table.words.get("page_of", "") for lang, table in the_plan.strings.items()}
    try:
        return cmp.compare_builds(before, now, labels, workers)
    except Refused as exc:
        raise OutputError(f"--compare: a PDF of the earlier build cannot be read: {exc}") from None


def compare_files(comparison) -> dict[str, bytes]:
    from .compare import report_files
    return report_files(comparison)


def _stale_files(last: dict, entries: list[dict], files: dict, out: Path, hasher: Hasher) -> list[str]:
    """Proof and report files the last build wrote that nothing in this one refers to, if
    they are still exactly what it wrote."""
    from .proofs import recorded
    wanted = set(files)
    for entry in entries:
        wanted.update(recorded(entry).get("files", {}))
    written = dict(last.get("files", {}))
    for entry in last.get("documents", []):
        written.update(recorded(entry).get("files", {}))
    return [rel for rel, sha in sorted(written.items())
            if rel not in wanted and removable(out, rel, sha, hasher.file)]
