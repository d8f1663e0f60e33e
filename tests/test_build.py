"""Builds CI can trust: incremental, checked, atomic, locked, parallel, watched."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import time

from conftest import REPO, snapshot
from pressroom.build.output import STAGING, OutputLock
from pressroom.build.stamp import STAMP, current
from pressroom.build.state import DIGESTS
from pressroom.build.watch import watch


def built_paths(out: str) -> set[str]:
    return {line.split()[1] for line in out.splitlines() if line.startswith("built ")}


def test_no_change_rebuild_does_nothing(previous, run):
    before = snapshot(previous)
    result = run("--out", previous)
    assert result.code == 0 and result.out.startswith("nothing to do")
    assert snapshot(previous) == before


def test_an_edit_keeping_size_and_mtime_is_noticed_though_digests_are_cached(small, tmp_path):
    """The no-change check reuses the digests of files whose status is unchanged; a same-size
    edit with its mtime put back (cp -p, rsync -t) still moves the ctime, so it rebuilds.
    (In a process of its own: an edited font registered here would replace the real one.)"""
    fonts, out = tmp_path / "fonts", tmp_path / "out"
    shutil.copytree(REPO / "fonts", fonts)
    argv = ["--content", small.content, "--layouts", small.layouts, "--fonts", fonts, "--out", out, "--jobs", "1"]
    code = ("import sys; from pathlib import Path; from pressroom.cli import main; "
            "from pressroom.build.state import DigestCache; "
            "DigestCache.SETTLE_NS = 0; "  # trust files at once, as once they are old
            f"sys.exit(main(sys.argv[1:], root=Path({str(REPO)!r})))")

    def build() -> str:
        result = subprocess.run([sys.executable, "-c", code, *map(str, argv)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return result.stdout

    build()
    assert build().startswith("nothing to do")
    font = fonts / "AtkinsonHyperlegible-Regular.ttf"
    procedure = small.content / "procedures/discectomy.yaml"
    cached = json.loads((out / DIGESTS).read_text())["files"]
    assert {str(font), str(procedure)} <= set(cached)
    for path, old, new in ((procedure, b"title: Discectomy", b"title: DISCECTOMY"),
                           (font, "Copyright".encode("utf-16-be"), "COPYRIGHT".encode("utf-16-be"))):
        before = path.stat()
        data = path.read_bytes()
        path.write_bytes(data.replace(old, new, 1))
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
        assert path.read_bytes() != data
        output = build()
        assert "built" in output and "discectomy" in output, output
        assert build().startswith("nothing to do")


def test_digests_of_files_changed_moments_ago_are_not_kept(small, tmp_path):
    """A file changed within the last seconds may change again within the same timestamp
    tick, unseen: its digest is read again until it has settled."""
    assert small.run("--quiet").code == 0
    assert small.run().out.startswith("nothing to do")
    cached = json.loads((tmp_path / "out" / DIGESTS).read_text())["files"]
    assert str(REPO / "fonts/AtkinsonHyperlegible-Regular.ttf") in cached  # settled long ago
    assert not [key for key in cached if key.startswith(str(tmp_path))]  # copied and built just now


def test_no_change_run_imports_no_renderer(previous):
    """"Nothing to do" is answered before ReportLab and the renderers are imported."""
    code = ("import sys; from pathlib import Path; from pressroom.cli import main; "
            f"code = main(['--out', {str(previous)!r}], root=Path({str(REPO)!r})); "
            "print(code, sorted(m for m in sys.modules if m.split('.')[0] in ('reportlab', 'yaml', 'pypdf') "
            "or m in ('pressroom.build.pipeline', 'pressroom.render')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines()[-1] == "0 []", result.stdout


def test_a_build_imports_no_network_code(small_layouts, tmp_path):
    """A leaflet build (load, render, write) never loads urllib.request, http.client or ssl:
    pressroom needs no network, and xml.sax.saxutils alone pulled them in (20 ms a start)."""
    from conftest import make_small_content
    content = make_small_content(tmp_path / "content")
    code = ("import sys; from pathlib import Path; from pressroom.cli import main; "
            f"code = main(['--content', {str(content)!r}, '--layouts', {str(small_layouts)!r}, '--out', "
            f"{str(tmp_path / 'out')!r}, '--jobs', '1', '-q'], root=Path({str(REPO)!r})); "
            "print(code, sorted(m for m in ('urllib.request', 'http.client', 'ssl', 'xml.sax') "
            "if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines()[-1] == "0 []", result.stdout + result.stderr
    assert len(list((tmp_path / "out").rglob("*.pdf"))) == 2


def _settle() -> None:
    """A file is trusted by its status only once it is a clock tick old (build/stamp.py)."""
    time.sleep(0.05)


def test_nothing_to_do_is_answered_from_the_stamp_before_argparse(previous):
    """The second no-change run answers from the stamp the first one wrote: no argparse, no
    hashing, no manifest parsing; the same words as the full check."""
    _settle()
    code = ("import sys; from pathlib import Path; from pressroom.cli import main; "
            f"code = main(sys.argv[1:], root=Path({str(REPO)!r})); "
            "print(code, sorted(m for m in ('argparse', 'hashlib', 'json', 'pressroom.build.state', "
            "'pressroom.errors') if m in sys.modules))")

    def answer(*args) -> list[str]:
        result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
        return result.stdout.splitlines()

    first = answer("--out", str(previous))
    assert first[0] == f"nothing to do: 96 PDFs up to date in {previous}" and first[1].startswith("0 ['argparse'")
    assert (previous / STAMP).is_file()
    for args in (["--out", str(previous)], [f"--out={previous}", "--jobs", "2"], ["-q", "--out", str(previous)]):
        lines = answer(*args)
        assert lines[-1] == "0 []", (args, lines)
        assert lines[:-1] == ([] if "-q" in args else first[:1])


def test_the_stamp_sees_every_kind_of_change(small, tmp_path):
    """Whatever moves: an edit that keeps size and mtime, a new file, a removed PDF, a build
    killed after its commit point (its staging area appears), another output folder."""
    out = tmp_path / "out"
    roots = [small.content, small.layouts, REPO / "fonts"]
    assert small.run("--quiet").code == 0
    _settle()
    assert small.run().out.startswith("nothing to do") and current(roots, out) == 2
    assert current([str(r) for r in roots], str(out)) == 2  # however the folders are spelled
    assert current(roots, tmp_path / "elsewhere") is None and current(roots[::-1], out) is None
    procedure = small.content / "procedures/discectomy.yaml"
    before, data = procedure.stat(), procedure.read_bytes()
    procedure.write_bytes(data.replace(b"title: Discectomy", b"title: DISCECTOMY", 1))
    os.utime(procedure, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert procedure.stat().st_size == before.st_size and current(roots, out) is None
    procedure.write_bytes(data)

    def restamped() -> None:
        _settle()
        small.run("--quiet")
        _settle()
        assert small.run().out.startswith("nothing to do") and current(roots, out) == 2

    changes = [lambda: (small.content / "procedures/notes.txt").write_text("a note\n"),
               lambda: (out / "en/letter/leaflet-kyphoplasty.pdf").unlink(),
               lambda: (out / STAGING).mkdir()]
    for change in changes:
        restamped()
        change()
        assert current(roots, out) is None, change
    shutil.rmtree(out / STAGING)  # gone again: every status is as recorded
    assert current(roots, out) == 2


def test_no_stamp_is_written_for_what_could_change_unseen(small, tmp_path):
    """A link's status says nothing of its target, and a file changed less than a clock
    tick ago may change again within that tick: the full check answers instead."""
    out = tmp_path / "out"
    assert small.run("--quiet").code == 0
    _settle()
    (small.content / "procedures/linked.yaml").symlink_to(small.content / "procedures/kyphoplasty.yaml")
    small.run("--quiet")
    _settle()
    assert small.run().out.startswith("nothing to do") and not (out / STAMP).exists()
    (small.content / "procedures/linked.yaml").unlink()
    small.run("--quiet")
    _settle()
    assert small.run().out.startswith("nothing to do") and (out / STAMP).exists()
    (small.content / "glossary.yaml").touch()  # fresh: no stamp, and the stale one goes
    assert small.run().out.startswith("nothing to do") and not (out / STAMP).exists()


def test_options_the_stamp_does_not_know_go_to_argparse(previous, run):
    _settle()
    assert run("--out", previous).out.startswith("nothing to do") and (previous / STAMP).is_file()
    assert run("--out", previous, "--jobs", "0").code == 2  # refused, as without a stamp
    assert run("--out", previous, "--check").out.startswith("ok: every PDF")
    assert run("--out", previous, "--version").out.startswith("pressroom ")


def test_touching_one_procedure_rebuilds_only_what_uses_it(content, previous, run, tmp_path):
    assert run("--content", content, "--out", previous, "--quiet").code == 0
    path = content / "procedures/kyphoplasty.yaml"
    path.write_text(path.read_text().replace("title: Kyphoplasty", "title: Kyphoplasty (balloon)"))
    result = run("--content", content, "--out", previous, "--jobs", "1")
    assert result.code == 0, result.err
    rebuilt = built_paths(result.out)
    assert any("leaflet-kyphoplasty" in p for p in rebuilt)
    for p in rebuilt:
        name = p.rsplit("/", 1)[-1]
        assert "kyphoplasty" in name or name.startswith("guide"), p
    assert "up to date" in result.out


def test_removed_source_removes_its_pdfs(content, previous, run):
    assert run("--content", content, "--out", previous, "--quiet").code == 0
    for path in content.rglob("procedures/decompression.yaml"):  # every language
        path.unlink()
    for guide in content.rglob("guide.yaml"):  # the guides name it too
        guide.write_text(guide.read_text().replace(", decompression", ""))
    result = run("--content", content, "--out", previous)
    assert result.code == 0, result.err
    assert "removed" in result.out
    assert not list(previous.rglob("leaflet-decompression*.pdf"))
    manifest = json.loads((previous / "manifest.json").read_text())
    assert not [e for e in manifest["documents"] if "decompression" in e["path"]]


def test_force_rebuilds_everything(previous, run):
    result = run("--out", previous, "--force", "--jobs", "1")
    count = len(json.loads((previous / "manifest.json").read_text())["documents"])
    assert result.code == 0 and len(built_paths(result.out)) == count


def test_check_fails_on_stale_missing_extra_and_passes_after_build(content, previous, run):
    assert run("--content", content, "--out", previous, "--quiet").code == 0
    assert run("--content", content, "--out", previous, "--check").code == 0
    path = content / "procedures/discectomy.yaml"
    path.write_text(path.read_text() + "\n# edited\n")
    (previous / "en/a4/leaflet-kyphoplasty.pdf").unlink()
    (previous / "en/a4/leaflet-old.pdf").write_bytes(b"%PDF-1.4 stray")
    before = snapshot(previous)
    result = run("--content", content, "--out", previous, "--check")
    assert result.code == 1
    assert "leaflet-discectomy.pdf: stale" in result.err
    assert "leaflet-kyphoplasty.pdf: missing" in result.err
    assert "leaflet-old.pdf: extra" in result.err
    assert snapshot(previous) == before, "--check wrote something"
    (previous / "en/a4/leaflet-old.pdf").unlink()
    assert run("--content", content, "--out", previous, "--quiet").code == 0
    assert run("--content", content, "--out", previous, "--check").code == 0


def test_check_reports_content_errors(content, previous, run):
    path = content / "procedures/discectomy.yaml"
    path.write_text(path.read_text().replace("summary:", "sumary:"))
    result = run("--content", content, "--out", previous, "--check")
    assert result.code == 1 and "did you mean 'summary'" in result.err


def test_parallel_output_equals_serial(run, tmp_path):
    assert run("--out", tmp_path / "one", "--jobs", "1", "--quiet").code == 0
    assert run("--out", tmp_path / "two", "--jobs", "2", "--quiet").code == 0
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")


def _generate(cwd, *args, **kwargs):
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    return subprocess.Popen([sys.executable, str(REPO / "generate.py"), *map(str, args)], cwd=cwd,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def test_two_working_directories_give_the_same_bytes(tmp_path):
    outs = []
    for name in ("a", "b"):
        work = tmp_path / name / "deeper" / name
        work.mkdir(parents=True)
        shutil.copytree(REPO / "content", work / "content")
        proc = _generate(work, "--content", "content", "--out", "out", "--quiet", "--jobs", "1")
        assert proc.wait(timeout=120) == 0, proc.stderr.read()
        outs.append(snapshot(work / "out"))
    assert outs[0] == outs[1]
    for data in outs[0].values():
        assert str(tmp_path).encode() not in data


def _wait_until_locked(folder, proc, timeout=60):
    lock = folder / OutputLock.NAME
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            return False
        if lock.exists():
            with open(lock, "a+") as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    fcntl.flock(handle, fcntl.LOCK_UN)
                except BlockingIOError:
                    return True
        time.sleep(0.005)
    return False


def test_killed_build_leaves_previous_outputs_intact(content, previous, run):
    before = snapshot(previous)
    for path in (content / "procedures").glob("*.yaml"):
        path.write_text(path.read_text().replace("  version: 1\n", "  version: 2\n", 1))  # same fit, new bytes
    proc = _generate(REPO, "--content", content, "--out", previous, "--force", "--jobs", "1")
    assert _wait_until_locked(previous, proc), "the build never took the lock"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert snapshot(previous) == {k: v for k, v in snapshot(previous).items()}  # readable
    after = {k: v for k, v in snapshot(previous).items() if not k.startswith(".pressroom-staging/")}
    assert after == before
    # the next build sweeps what the kill left and completes
    assert run("--content", content, "--out", previous, "--quiet").code == 0
    assert not (previous / ".pressroom-staging").exists()


def test_second_build_on_a_locked_folder_is_refused(previous, run):
    before = snapshot(previous)
    with OutputLock(previous):
        result = run("--out", previous, "--force")
    assert result.code == 1 and "another build is writing" in result.err
    assert snapshot(previous) == before


def test_watch_rebuilds_after_a_change(tmp_path, capsys):
    watched = tmp_path / "content"
    watched.mkdir()
    (watched / "a.yaml").write_text("x: 1\n")
    calls = []

    def build_once():
        calls.append(1)
        if len(calls) == 1:
            time.sleep(0.02)
            (watched / "a.yaml").write_text("x: 22\n")
        return 1 if len(calls) == 1 else 0  # an error first: watching goes on

    assert watch(build_once, [watched], interval=0.05, rounds=4) == 0
    assert len(calls) == 2
    assert "changed:" in capsys.readouterr().out


def test_quiet_prints_nothing_and_ci_prints_a_line_per_pdf(run, tmp_path):
    quiet = run("--out", tmp_path / "q", "--quiet")
    assert quiet.code == 0 and quiet.out == ""
    loud = run("--out", tmp_path / "l")
    count = len(json.loads((tmp_path / "l/manifest.json").read_text())["documents"])
    assert len(built_paths(loud.out)) == count


def test_terminal_gets_a_progress_bar():
    import io
    from pathlib import Path

    from pressroom.cli import Reporter

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    screen = Terminal()
    reporter = Reporter(quiet=False, out=Path("out"), stream=screen)
    reporter("planned", {"count": 2})
    reporter("rendered", {"path": "en/letter/leaflet-a.pdf"})
    reporter("rendered", {"path": "en/letter/leaflet-b.pdf"})
    reporter("built", {"path": "en/letter/leaflet-a.pdf", "pages": 2})
    shown = screen.getvalue()
    assert "\r[" in shown and "] 1/2" in shown and "] 2/2" in shown
    assert shown.rstrip().endswith("built out/en/letter/leaflet-a.pdf (2 pages)")
