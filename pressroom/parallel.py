"""Render jobs in worker processes; results come back in job order, so output is the same
for any number of workers."""

from __future__ import annotations

import multiprocessing
from typing import Callable

from .errors import ContentError, Problem
from .jobs import Job, Rendered
from .render.common import RenderError

_JOBS: list[Job] = []  # inherited by forked workers: jobs hold closures that cannot be pickled


def _render(index: int) -> tuple[int, bytes | None, int, str | None]:
    job = _JOBS[index]
    try:
        result = job.render()
    except RenderError as exc:
        return index, None, 0, str(exc)
    return index, result.data, result.pages, None


def render_jobs(jobs: list[Job], workers: int,
                on_done: Callable[[Job], None] | None = None) -> dict[str, Rendered]:
    """Render every job; collect every failure before raising ContentError."""
    global _JOBS
    _JOBS = list(jobs)
    results: dict[int, tuple] = {}
    try:
        if workers <= 1 or len(jobs) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
            outcomes = map(_render, range(len(jobs)))
            for outcome in outcomes:
                results[outcome[0]] = outcome
                if on_done:
                    on_done(jobs[outcome[0]])
        else:
            with multiprocessing.get_context("fork").Pool(min(workers, len(jobs))) as pool:
                for outcome in pool.imap_unordered(_render, range(len(jobs))):
                    results[outcome[0]] = outcome
                    if on_done:
                        on_done(jobs[outcome[0]])
    finally:
        _JOBS = []
    problems = [Problem(jobs[i].source.path, jobs[i].source.line, error)
                for i, (_, _, _, error) in sorted(results.items()) if error]
    if problems:
        raise ContentError(problems)
    return {jobs[i].path: Rendered(data, pages) for i, (_, data, pages, _) in sorted(results.items())}
