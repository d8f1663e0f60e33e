"""Run the stages: gather and validate everything, render every PDF to bytes, then write.

Nothing is written unless every document rendered, so a bad edit never costs the last
good build.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import __version__
from . import model as m
from .content import load_content
from .errors import ContentError, Problem, Problems
from .fonts import FontError, FontSet, load_fontset
from .layout import Layout, LayoutSpec, load_layouts, resolve_layout
from .output import manifest_bytes, write_atomic
from .jobs import Job, Rendered
from .render import leaflet
from .render.common import Context, RenderError
from .strings import load_strings

FIGURES = frozenset({"incision", "spine", "advantages"})
JOB_MAKERS = {"leaflet": leaflet.jobs}


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
    written: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    manifest: Path | None = None


def plan(paths: Paths) -> tuple[list[Job], list[str]]:
    """Load and validate all inputs; return the jobs, or raise ContentError with every problem."""
    problems = Problems()
    warnings: list[str] = []
    specs = load_layouts(paths.layouts, paths.shown_layouts, problems)
    fontsets: dict[str, FontSet] = {}
    for spec in specs.values():
        faces = spec.data.get("fonts") or {}
        try:
            fontsets[spec.name] = load_fontset(paths.fonts, faces)
        except (FontError, KeyError, TypeError) as exc:
            problems.add(spec.shown, spec.lines.get("fonts", 1), str(exc).strip("'"), "fonts")
    problems.raise_if_any()
    concrete = [s for s in specs.values() if not s.data.get("abstract")]
    charset = frozenset.intersection(*(fontsets[s.name].charset for s in concrete)) if concrete else frozenset()
    catalogues, content_warnings = load_content(paths.content, paths.shown_content, charset, FIGURES)
    warnings.extend(content_warnings)
    strings = load_strings(paths.layouts / "strings", f"{paths.shown_layouts}/strings",
                           [c.lang for c in catalogues], problems, warnings)
    problems.raise_if_any()
    jobs: list[Job] = []
    for cat in catalogues:
        for spec in sorted(concrete, key=lambda s: s.name):
            layout = resolve_layout(spec, cat.clinic.brand, problems)
            if layout is None:
                continue
            if layout.kind not in JOB_MAKERS:
                problems.add(spec.shown, spec.lines.get("kind", 1),
                             f"unknown kind {layout.kind!r}; use one of {', '.join(JOB_MAKERS)}", "kind")
                continue
            ctx = Context(layout, fontsets[spec.name], strings[cat.lang], cat.clinic)
            jobs.extend(_jobs_for(cat, layout, ctx, paths))
    problems.raise_if_any()
    _refuse_duplicates(jobs)
    return jobs, warnings


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


def hash_inputs(paths: tuple[Path, ...]) -> str:
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(set(paths)):
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"-")
    return digest.hexdigest()


def render_all(jobs: list[Job]) -> dict[str, Rendered]:
    """Render every job; collect every failure before giving up."""
    problems: list[Problem] = []
    out: dict[str, Rendered] = {}
    for job in jobs:
        try:
            out[job.path] = job.render()
        except RenderError as exc:
            problems.append(Problem(job.source.path, job.source.line, str(exc)))
    if problems:
        raise ContentError(problems)
    return out


def build(paths: Paths, on_written: Callable[[dict], None] | None = None) -> Result:
    jobs, warnings = plan(paths)
    rendered = render_all(jobs)
    result = Result(warnings=warnings)
    for job in jobs:
        pdf = rendered[job.path]
        write_atomic(paths.out / job.path, pdf.data)
        entry = {
            "path": job.path, "kind": job.kind, "language": job.lang, "paper": job.layout.paper,
            "edition": job.layout.edition, "layout": job.layout.name, "title": job.title,
            "pages": pdf.pages, "sha256": hashlib.sha256(pdf.data).hexdigest(),
            "source": job.source.path, "inputs": hash_inputs(job.inputs),
        }
        result.written.append(entry)
        if on_written:
            on_written(entry)
    result.manifest = paths.out / "manifest.json"
    write_atomic(result.manifest, manifest_bytes(result.written, f"pressroom {__version__}"))
    return result
