"""Render jobs in worker processes; results come back in job order, so output is the same
for any number of workers. One side task (the reading-level assessment, slow on its first
use) may run beside them, started early (`Early`) on the core the serial plan leaves idle."""

from __future__ import annotations

import gc
import multiprocessing
import signal
import sys
from contextlib import contextmanager
from typing import Callable

from ..errors import ContentError, Problem
from .jobs import Job, Rendered
from ..layout.layouts import MissingLayoutValue
from ..render.common import RenderError
from ..render.misfit import Misfits, told

# Inherited by forked workers: jobs hold closures that cannot be pickled.
_JOBS: list[Job] = []


_LOST = object()  # what Early.result gets when its process sent nothing


def _forks(workers: int) -> bool:
    return workers > 1 and "fork" in multiprocessing.get_all_start_methods()


class Early:
    """`task` run in a forked process from now on when there are workers to spare, its result
    asked for later: the reading-level assessment starts as soon as the content is loaded and
    overlaps the rest of the plan and the pool's start instead of a render worker's time.
    With one worker (or no fork) it runs in this process when asked, as before. `close()`
    ends the process if its result was never asked for (the build failed first)."""

    def __init__(self, task: Callable[[], object], workers: int):
        self.task, self.process, self.pipe = task, None, None
        if _forks(workers):
            context = multiprocessing.get_context("fork")
            self.pipe, sending = context.Pipe(duplex=False)
            self.process = context.Process(target=_run_early, args=(task, sending), daemon=True)
            self.process.start()
            sending.close()

    def result(self):
        if self.process is None:
            return self.task()
        collecting = gc.isenabled()
        gc.disable()  # every object unpickled lives on: a collection midway (over the whole
        try:          # heap the plan made) cost 6x the unpickling itself
            value = self.pipe.recv()
        except EOFError:  # the process died (killed, out of memory): the same answer, here
            value = _LOST
        finally:
            if collecting:
                gc.enable()
        value = self.task() if value is _LOST else value
        self.close()
        return value

    def close(self) -> None:
        if self.process is not None:
            if self.process.is_alive():
                self.process.terminate()
            self.process.join()
            self.pipe.close()
            self.process = None
            self.task = lambda: None


def _run_early(task: Callable[[], object], sending) -> None:
    """Ctrl-C is the parent's to handle (it ends this process); any failure is told by the
    parent, which runs the task itself when no result comes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        sending.send(task())
    except Exception:
        sys.exit(1)


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
    with _fewer_collections():
        return [_render(i) for i in indices]


@contextmanager
def _fewer_collections():
    """Rendering makes objects by the hundred thousand that live to the end of their document
    (flowables, lines, PDF objects) and few cycles; at Python's default (a collection every
    700 new objects) the garbage collector took an eighth of a catalogue's CPU, for no
    memory saved (catalogue --jobs 1: collector 1.06 -> 0.40 s, peak 179 -> 186 MB)."""
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], 10_000), *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


def _groups(jobs: list[Job]) -> list[tuple[int, ...]]:
    """Job indices, with jobs of one group together so a shared render happens once."""
    order: dict[object, list[int]] = {}
    for index, job in enumerate(jobs):
        order.setdefault(job.group or ("job", index), []).append(index)
    # Longest first (shared renders, then books), so no worker is left with a guide at the end.
    return sorted((tuple(g) for g in order.values()),
                  key=lambda g: (-len(g), not jobs[g[0]].kind.startswith("guide"), g[0]))


def render_jobs(jobs: list[Job], workers: int,
                on_done: Callable[[Job, Rendered | None], None] | None = None) -> dict[str, Rendered]:
    """Render every job (collecting every failure before raising ContentError);
    `on_done(job, its PDF or None)` as each finishes, in the order they finish."""
    global _JOBS
    _JOBS = list(jobs)
    results: dict[int, tuple] = {}

    def record(outcome) -> None:
        results[outcome[0]] = outcome
        if on_done:
            on_done(jobs[outcome[0]], outcome[1])

    groups = _groups(jobs)
    try:
        if len(groups) <= 1 or not _forks(workers):
            for group in groups:
                for outcome in _render_group(group):
                    record(outcome)
        else:
            with multiprocessing.get_context("fork").Pool(min(workers, len(groups))) as pool:
                for outcomes in pool.imap_unordered(_render_group, groups):
                    for outcome in outcomes:
                        record(outcome)
    finally:
        _JOBS = []
    failures = [failure for _, (_, _, errors) in sorted(results.items()) for failure in errors]
    if failures:  # misfits merged: one message per cause, however many documents and layouts
        raise ContentError([f for f in failures if isinstance(f, Problem)]
                           + told(f for f in failures if not isinstance(f, Problem)))
    return {jobs[i].path: result for i, (_, result, _) in sorted(results.items())}
