"""Render jobs in worker processes; results come back in job order, so output is the same
for any number of workers. One side task (the reading-level assessment, slow on its first
use) may run beside the renders."""

from __future__ import annotations

import multiprocessing
from typing import Callable

from .errors import ContentError, Problem
from .jobs import Job, Rendered
from .layout import MissingLayoutValue
from .render.common import RenderError
from .render.misfit import Misfits, told

# Inherited by forked workers: jobs hold closures that cannot be pickled.
_JOBS: list[Job] = []
_SIDE: Callable | None = None


def _render(index: int) -> tuple[int, Rendered | None, tuple]:
    """(index, the PDF or None, what went wrong: Misfits' misfits, or Problems)."""
    job = _JOBS[index]
    try:
        return index, job.render(), ()
    except Misfits as exc:
        return index, None, exc.misfits
    except RenderError as exc:
        where = exc.origin or job.source
        return index, None, (Problem(where.path, where.line, str(exc), where.field),)
    except MissingLayoutValue as exc:  # ReportLab may prefix where it was: keep our sentence
        text = str(exc.args[0] if exc.args else exc)
        return index, None, (Problem(job.source.path, job.source.line, text[text.find("layout "):].strip()),)


def _render_group(indices: tuple[int, ...]) -> list[tuple[int, Rendered | None, tuple]]:
    return [_render(i) for i in indices]


def _groups(jobs: list[Job]) -> list[tuple[int, ...]]:
    """Job indices, with jobs of one group together so a shared render happens once."""
    order: dict[object, list[int]] = {}
    for index, job in enumerate(jobs):
        order.setdefault(job.group or ("job", index), []).append(index)
    # Longest first (shared renders, then books), so no worker is left with a guide at the end.
    return sorted((tuple(g) for g in order.values()),
                  key=lambda g: (-len(g), not jobs[g[0]].kind.startswith("guide"), g[0]))


def _side():
    return _SIDE()


def shared(items: list, run: Callable[[object], object], workers: int, least: int = 24) -> list:
    """[run(item) for item in items], made by this process from the front and, at the same
    time, by a forked one from the back until the two meet (work of the plan, before any
    render worker exists): a forked process that gets no core costs only its fork, this one
    then takes every item. `run` returns something picklable and must not count on changes
    it makes to shared state outliving it in the other process. All here with one worker,
    few items or no fork; the forked process's items are made here after all if it cannot
    give its results."""
    if workers <= 1 or len(items) < least or "fork" not in multiprocessing.get_all_start_methods():
        return [run(item) for item in items]
    context = multiprocessing.get_context("fork")
    ends = context.Array("i", [0, len(items)])  # the next item from the front; the last one taken from the back
    receive, send = context.Pipe(duplex=False)

    def take(front: bool) -> int | None:
        with ends.get_lock():
            if ends[0] >= ends[1]:
                return None
            if front:
                ends[0] += 1
                return ends[0] - 1
            ends[1] -= 1
            return ends[1]

    def other() -> None:
        try:
            made: dict | str = {}
            try:
                while (index := take(front=False)) is not None:
                    made[index] = run(items[index])
            except BaseException:  # told as "no result": this process makes them again, sees why
                made = _NONE
            try:
                send.send(made)
            except Exception:  # unpicklable: the same
                send.send(_NONE)
        except BaseException:  # this process stopped listening (it failed): nothing to tell
            pass
    process = context.Process(target=other, daemon=True)
    process.start()
    send.close()
    try:
        mine = []
        while (index := take(front=True)) is not None:
            mine.append(run(items[index]))
        try:
            theirs = receive.recv()
        except (EOFError, OSError):
            theirs = _NONE
    finally:
        receive.close()
        process.join()
    rest = range(len(mine), len(items))  # what the other process took
    if not isinstance(theirs, dict) or set(theirs) != set(rest):
        theirs = {index: run(items[index]) for index in rest}
    return mine + [theirs[index] for index in rest]


_NONE = "pressroom: no result"


def render_jobs(jobs: list[Job], workers: int, on_done: Callable[[Job, Rendered | None], None] | None = None,
                side: Callable | None = None) -> tuple[dict[str, Rendered], object]:
    """Render every job (collecting every failure before raising ContentError) and run `side`;
    `on_done(job, its PDF or None)` as each finishes, in the order they finish."""
    global _JOBS, _SIDE
    _JOBS, _SIDE = list(jobs), side
    results: dict[int, tuple] = {}

    def record(outcome) -> None:
        results[outcome[0]] = outcome
        if on_done:
            on_done(jobs[outcome[0]], outcome[1])

    groups = _groups(jobs)
    tasks = len(groups) + (side is not None)
    try:
        if workers <= 1 or tasks <= 1 or "fork" not in multiprocessing.get_all_start_methods():
            for group in groups:
                for outcome in _render_group(group):
                    record(outcome)
            side_result = side() if side else None
        else:
            with multiprocessing.get_context("fork").Pool(min(workers, tasks)) as pool:
                pending = pool.apply_async(_side) if side else None
                for outcomes in pool.imap_unordered(_render_group, groups):
                    for outcome in outcomes:
                        record(outcome)
                side_result = pending.get() if pending else None
    finally:
        _JOBS, _SIDE = [], None
    failures = [failure for _, (_, _, errors) in sorted(results.items()) for failure in errors]
    if failures:  # misfits merged: one message per cause, however many documents and layouts
        raise ContentError([f for f in failures if isinstance(f, Problem)]
                           + told(f for f in failures if not isinstance(f, Problem)))
    return {jobs[i].path: result for i, (_, result, _) in sorted(results.items())}, side_result
