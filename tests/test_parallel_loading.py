"""Many procedure files are loaded by two processes with --jobs 2, and the reading level is
assessed in a process of its own (build.parallel.Early): the PDFs, manifest, report and
every message must be exactly those of one process."""
from __future__ import annotations

import os
import shutil
import time

import pytest

from pressroom.build import parallel, pipeline
from pressroom.cli import main
from pressroom.errors import ContentError
from pressroom.inputs import list_tree
from pressroom.source import content as loading

from conftest import REPO, Run, make_small_content, snapshot

FILES = 8  # procedure files; the split is lowered to 4 so that the test builds in seconds


@pytest.fixture
def many(tmp_path, small_layouts, capsys, monkeypatch):
    """Eight procedure files (copies of two shipped ones), a way to build them with any
    --jobs, and the count of early tasks that really ran in another process."""
    monkeypatch.setattr(loading, "SPLIT_FROM", 4)
    forked = []

    class Counted(parallel.Early):
        def __init__(self, task, workers):
            super().__init__(task, workers)
            forked.append(self.process is not None)
    monkeypatch.setattr(pipeline, "Early", Counted)
    content = make_small_content(tmp_path / "content")
    for i in range(FILES - 2):
        source = ("discectomy", "kyphoplasty")[i % 2]
        shutil.copy(content / f"procedures/{source}.yaml", content / f"procedures/copy-{i}.yaml")

    class Many:
        def __init__(self):
            self.content, self.forked = content, forked

        def run(self, jobs: int, out: str) -> Run:
            argv = ["--content", content, "--layouts", small_layouts, "--fonts", REPO / "fonts",
                    "--out", tmp_path / out, "--jobs", jobs]
            code = main([str(a) for a in argv], root=REPO)
            captured = capsys.readouterr()
            return Run(code, captured.out.replace(str(tmp_path / out), "OUT"),
                       captured.err.replace(str(tmp_path / out), "OUT"))
    return Many()


def test_two_processes_build_exactly_what_one_does(many, tmp_path):
    one = many.run(1, "one")
    assert one.code == 0 and many.forked == [False]  # the reading level, when asked, here
    many.forked.clear()
    two = many.run(2, "two")
    assert two.code == 0
    assert many.forked == [True, True]  # half the procedures, then the reading level
    assert (two.out, two.err) == (one.out, one.err)
    assert one.out.count(".pdf") == FILES and "reading level" in one.out
    assert snapshot(tmp_path / "two") == snapshot(tmp_path / "one")  # PDFs, manifest (readings), report


def _spoil(path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_bad_files_in_either_half_are_told_once_each_in_file_order(many):
    procedures = many.content / "procedures"
    _spoil(procedures / "copy-1.yaml", "sections:", "sectoins:")            # first half
    _spoil(procedures / "copy-2.yaml", "title: Discectomy", "title: الجراحة")  # right-to-left: first half
    _spoil(procedures / "copy-5.yaml", "title: Kyphoplasty", "title: [1, 2]")  # second half
    _spoil(procedures / "copy-4.yaml", "title: Discectomy", "title: עברית")    # right-to-left, later: not told
    shutil.copy(procedures / "copy-0.yaml", procedures / "copy-3.yml")
    one = many.run(1, "one")
    many.forked.clear()
    two = many.run(2, "two")
    assert one.code == two.code == 1 and many.forked == [True]  # content refused: no reading level
    assert two.err == one.err and two.out == one.out
    assert [line.split("/content/")[-1] for line in one.err.splitlines()] == [
        "procedures/copy-1.yaml:1: sections: required but missing",
        "procedures/copy-1.yaml:9: sectoins: unknown key; did you mean 'sections'?",
        "procedures/copy-2.yaml:1: title: text in a right-to-left script (Arabic) cannot be printed correctly "
        "yet (letters would not join and words would run left to right); this content cannot be built",
        "procedures/copy-3.yml: use the .yaml extension",
        "procedures/copy-5.yaml:1: title: expected text, found a list",
        "error: 5 problem(s); nothing was written"]  # the Hebrew of copy-4, later, is not told
    # Before the command line sorts them: the same problems in the same order.
    told = []
    for early in (None, lambda task: parallel.Early(task, 2)):
        with pytest.raises(ContentError) as refused:
            loading.load_content(list_tree(many.content, "content"), "content", frozenset(range(0x30000)),
                                 None, None, early)
        told.append(refused.value.problems)
    assert told[0] == told[1] and len(told[0]) == 5
    assert not list((many.content.parent / "two").rglob("*.pdf"))  # nothing written


def _dies_in_another_process(parent: int):
    if os.getpid() != parent:
        os._exit(3)
    return {"answer": 42}


def test_an_early_task_whose_process_dies_is_answered_here():
    early = parallel.Early(lambda: _dies_in_another_process(os.getpid()), 2)
    assert early.process is not None
    assert early.result() == {"answer": 42}
    assert early.process is None


def test_an_early_task_never_asked_for_is_ended():
    early = parallel.Early(lambda: time.sleep(60), 2)
    process = early.process
    started = time.monotonic()
    early.close()
    assert time.monotonic() - started < 10 and not process.is_alive()


def test_one_worker_runs_the_task_when_asked():
    ran = []
    early = parallel.Early(lambda: ran.append(os.getpid()) or "done", 1)
    assert early.process is None and ran == []
    assert early.result() == "done" and ran == [os.getpid()]
