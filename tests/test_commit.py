"""A build's writes are one commit: killed or interrupted at any point of the write phase,
the output folder ends up all old or all new, never a mix."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import REPO, make_small_content, snapshot
from pressroom.build.output import STAGING, recover

# Runs a build that signals itself at the Nth file operation (write or rename) in --out.
DRIVER = textwrap.dedent("""
    import atexit, os, signal, sys
    import pressroom.build.output as output
    target, how, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    count = 0
    def hit(path):
        global count
        if out in str(path):
            count += 1
            if count == target:
                os.kill(os.getpid(), signal.SIGKILL if how == "kill" else signal.SIGINT)
    real_write, real_replace = output._write, os.replace
    def write(path, *a, **k):
        hit(path)
        return real_write(path, *a, **k)
    def replace(src, dst, *a, **k):
        hit(dst)
        return real_replace(src, dst, *a, **k)
    output._write, os.replace = write, replace
    atexit.register(lambda: print(f"operations: {count}", file=sys.stderr))
    from pressroom.cli import main
    sys.exit(main(sys.argv[4:]))
""")


@pytest.fixture(scope="module")
def states(tmp_path_factory, small_layouts):
    """The old build, the new content, and what a clean build of the new content gives."""
    root = tmp_path_factory.mktemp("commit")
    content = make_small_content(root / "content")
    args = ["--layouts", small_layouts, "--fonts", REPO / "fonts", "--jobs", "1", "--quiet"]
    old_out = root / "old"
    assert _build(content, old_out, args).returncode == 0
    disc = content / "procedures/discectomy.yaml"
    disc.write_text(disc.read_text().replace("title: Discectomy", "title: Discectomy, new edition"))
    (content / "procedures/kyphoplasty.yaml").unlink()  # its PDF is removed by the new build
    shutil.copy(REPO / "content/procedures/spinal-fusion.yaml", content / "procedures/spinal-fusion.yaml")
    new_out = root / "new"
    shutil.copytree(old_out, new_out)
    done = _build(content, new_out, args)
    assert done.returncode == 0, done.stderr
    total = int(done.stderr.split("operations: ")[1].split()[0])
    return content, args, old_out, snapshot(old_out), snapshot(new_out), total, root


def _build(content: Path, out: Path, args: list, target: int = 10**9, how: str = "kill"):
    argv = [sys.executable, "-c", DRIVER, str(target), how, str(out), "--content", str(content),
            "--out", str(out), *map(str, args)]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=REPO)


def test_a_kill_at_any_point_of_the_write_phase_leaves_all_old_or_all_new(states, tmp_path):
    content, args, old_out, old, new, total, _ = states
    assert total >= 8  # staged files, the journal, and the switch
    outcomes = []
    for target in range(1, total + 1):
        out = tmp_path / f"out{target}"
        shutil.copytree(old_out, out)
        killed = _build(content, out, args, target)
        assert killed.returncode == -9, killed.stderr
        recover(out)  # what the next run of any command does first
        after = snapshot(out)
        assert after in (old, new), f"a mix after a kill at operation {target}"
        assert not (out / STAGING).exists()
        outcomes.append("new" if after == new else "old")
    # before the journal: old; once the journal is written: new
    assert outcomes[0] == "old" and outcomes[-1] == "new"
    assert outcomes == sorted(outcomes, key=lambda o: o == "new")


def test_the_next_build_completes_a_half_switched_folder(states, tmp_path, capsys):
    content, args, old_out, old, new, total, _ = states
    out = tmp_path / "out"
    shutil.copytree(old_out, out)
    assert _build(content, out, args, total - 1).returncode == -9  # mid-switch
    check = _build(content, out, [a for a in args if a != "--quiet"] + ["--check"])
    assert check.returncode == 1 and "interrupted while switching" in check.stderr
    done = _build(content, out, [a for a in args if a != "--quiet"])
    assert done.returncode == 0, done.stderr
    assert "completed the switch" in done.stdout
    assert snapshot(out) == new


@pytest.mark.parametrize("when", ["staging", "switch"])
def test_ctrl_c_says_truthfully_what_state_it_left(when, states, tmp_path):
    content, args, old_out, old, new, total, _ = states
    out = tmp_path / "out"
    shutil.copytree(old_out, out)
    target = 2 if when == "staging" else total - 2
    result = _build(content, out, args, target, how="int")
    assert result.returncode == 130, result.stderr
    assert "Traceback" not in result.stderr
    if when == "staging":
        assert "untouched" in result.stderr and snapshot(out) == old
    else:
        assert "the build is complete" in result.stderr and snapshot(out) == new
