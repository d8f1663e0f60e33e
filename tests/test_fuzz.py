"""Property: whatever content tree arrives, the build ends in exit 0 or 1 with no traceback
and no "internal error", within bounded time and memory, prints nothing from outside the
tree, and leaves the last good build untouched when it fails.

Hypothesis generates the trees: random structure, sizes, Unicode, file names, template
snippets, symbolic links and file types. Builds run in one long-lived worker process with
a memory limit (`resource.setrlimit`); each build's time is measured there. Set
PRESSROOM_FUZZ_EXAMPLES to try more trees than the default.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import REPO, make_small_content, snapshot

pytestmark = pytest.mark.fuzz

SECRET = "QQZX-NOT-IN-THE-TREE"
EXAMPLES = int(os.environ.get("PRESSROOM_FUZZ_EXAMPLES", "40"))
TIME_LIMIT = 10.0                  # seconds one build may take
MEMORY_LIMIT = 500 * 1024 * 1024   # bytes of address space for the worker

WORKER = textwrap.dedent("""
    import contextlib, io, json, resource, sys, time
    resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]), int(sys.argv[1])))
    from pressroom.cli import main
    for line in sys.stdin:
        args = json.loads(line)
        out, err = io.StringIO(), io.StringIO()
        started = time.perf_counter()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(args)
        except BaseException as exc:  # the property is that this never happens
            code = f"escaped: {type(exc).__name__}: {exc}"
        print(json.dumps({"code": code, "out": out.getvalue(), "err": err.getvalue(),
                          "seconds": time.perf_counter() - started}), flush=True)
""")


class Worker:
    def __init__(self):
        self.proc = subprocess.Popen([sys.executable, "-c", WORKER, str(MEMORY_LIMIT)], cwd=REPO,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def build(self, args: list) -> dict:
        self.proc.stdin.write(json.dumps([str(a) for a in args]) + "\n")
        self.proc.stdin.flush()
        ready, _, _ = select.select([self.proc.stdout], [], [], TIME_LIMIT * 3)
        if not ready:
            self.proc.kill()
            raise AssertionError(f"a build hung (over {TIME_LIMIT * 3:.0f} s): {args}")
        line = self.proc.stdout.readline()
        if not line:
            raise AssertionError(f"the worker died (memory limit?) on {args}")
        return json.loads(line)

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def world(tmp_path_factory, small_layouts):
    """The worker, an outside folder full of tempting files, and a last good build."""
    root = tmp_path_factory.mktemp("fuzz")
    outside = root / "outside"
    (outside / "procedures").mkdir(parents=True)
    secret_proc = (REPO / "content/procedures/discectomy.yaml").read_text().replace(
        "title: Discectomy", f"title: {SECRET}", 1)
    (outside / "procedures/secret.yaml").write_text(secret_proc)
    (outside / "secret.yaml").write_text(secret_proc)
    (outside / "clinic.yaml").write_text(f'name: "{SECRET}"\nphone: "555-0100"\n')
    (outside / "secret.svg").write_text(f'<svg xmlns="http://www.w3.org/2000/svg"><text>{SECRET}</text></svg>')
    worker = Worker()
    good = root / "good"
    args = ["--layouts", small_layouts, "--fonts", REPO / "fonts", "--jobs", "1", "--quiet"]
    result = worker.build(["--content", make_small_content(root / "good-content"), "--out", good, *args])
    assert result["code"] == 0, result
    yield {"worker": worker, "outside": outside, "good": good, "before": snapshot(good),
           "args": args, "root": root, "count": [0]}
    worker.close()


# -- the trees ---------------------------------------------------------------------

NAME_CHARS = st.characters(codec="utf-8", exclude_characters="/\0")
names = st.one_of(
    st.sampled_from(["clinic.yaml", "guide.yaml", "brochure.yaml", "glossary.yaml", "x.yaml",
                     ".hidden.yaml", "a.yml", "UPPER.yaml", "with space.yaml", "-.yaml", "logo.png",
                     "logo.svg", "a" * 250 + ".yaml", "é.yaml", "x.tmp"]),
    st.text(NAME_CHARS, min_size=1, max_size=40).filter(lambda n: n not in (".", "..")).map(lambda n: n + ".yaml"),
)
folders = st.sampled_from(["", "procedures", "es", "es/procedures", "fr", "Fr", "en", "zz-x", "procedures/sub",
                           "a/b/c/d", "es\n"])
snippets = st.sampled_from([
    "{{ clinic.phone }}", "{{ clinic.nope }}", "{{ 'x' * 100000 }}", "{{ 'x'|center(2*10**10) }}",
    "{{ 'x'|indent(10**9) }}", "{% for i in range(999) %}{% for j in range(999) %}xy{% endfor %}{% endfor %}",
    "{{ clinic.__class__ }}", "{{ range(10**9)|list }}", "{{ '%s'|format('x'*10**6) }}", "{%", "}}",
    "**a " * 50, "*x* **y** [l](https://e.example.org)", "[x](javascript:alert(1))", "<b>&amp;</b>",
    "\u202e\u200b\ufeff", "\U0001F600", "ẞ Ω ğ ñ", "a" * 30_000])
texts = st.one_of(st.text(max_size=200), snippets, st.lists(snippets, min_size=1, max_size=4).map(" ".join))


def procedure(title, summary, heading, body, extra):
    data = {"title": title, "summary": summary,
            "sections": [{"heading": heading, "body": body}]}
    data.update(extra)
    return yaml.safe_dump(data, allow_unicode=True)


blocks = st.one_of(texts, st.fixed_dictionaries({"bullets": st.lists(texts, max_size=5)}),
                   st.fixed_dictionaries({"note": texts}), st.fixed_dictionaries({"steps": st.lists(texts, max_size=3)}),
                   st.dictionaries(st.text(max_size=8), texts, max_size=2))
extras = st.dictionaries(st.sampled_from(["treats", "when_to_call", "review", "bogus"]),
                         st.one_of(st.lists(texts, max_size=3), texts, st.fixed_dictionaries(
                             {"version": st.one_of(st.floats(allow_nan=True), st.text(max_size=5)),
                              "reviewed_on": st.one_of(st.dates(), st.text(max_size=10))})), max_size=3)
yaml_procedure = st.builds(procedure, texts, texts, texts, st.lists(blocks, min_size=0, max_size=4), extras)
clinic_yaml = st.builds(lambda name, phone, website, logo, brand: yaml.safe_dump(
    {k: v for k, v in {"name": name, "phone": phone, "website": website, "logo": logo,
                       "brand": brand}.items() if v is not None}, allow_unicode=True),
    texts, st.one_of(texts, st.integers()), st.one_of(st.none(), texts, st.just("javascript:alert(1)")),
    st.one_of(st.none(), st.sampled_from(["logo.png", "logo.svg", "../outside/secret.svg", "/etc/passwd",
                                          "procedures", "logo.jpg"])),
    st.one_of(st.none(), st.fixed_dictionaries({"primary": st.one_of(st.none(), st.text(max_size=8))})))
garbage = st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode),
                    st.integers(1, 1200).map(lambda n: ("[" * n + "]" * n).encode()),
                    st.integers(1, 1200).map(lambda n: "".join("  " * i + "- \n" for i in range(n)).encode()),
                    st.just(b"a: &a [1,2]\nb: [*a,*a,*a]\n"), st.just(b"x: !!python/object:os.system ls\n"))
svg_bodies = st.sampled_from([
    '<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><rect width="9" height="9"/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><use xlink:href="../outside/secret.svg#a"/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><text font-family="/etc/fonts">Hi</text></svg>',
    '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>'])

files = st.tuples(folders, names, st.one_of(yaml_procedure, clinic_yaml, garbage, svg_bodies))
specials = st.tuples(folders, names, st.sampled_from(
    ["link-outside-file", "link-outside-folder", "link-root", "link-dev-zero", "link-inside", "link-dangling",
     "fifo", "folder", "sparse-huge", "link-loop"]))


@st.composite
def trees(draw):
    return {"base": draw(st.booleans()), "files": draw(st.lists(files, max_size=6)),
            "specials": draw(st.lists(specials, max_size=3))}


def lay_out(tree: dict, content: Path, outside: Path) -> None:
    if tree["base"]:
        make_small_content(content)
    content.mkdir(parents=True, exist_ok=True)
    for folder, name, data in tree["files"]:
        path = content / folder / name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        except OSError:
            pass  # a name the file system refuses is not content anyone could send
    for folder, name, kind in tree["specials"]:
        path = content / folder / name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists() or path.is_symlink():
                continue
            target = {"link-outside-file": outside / "secret.yaml", "link-outside-folder": outside,
                      "link-root": Path("/"), "link-dev-zero": Path("/dev/zero"),
                      "link-inside": content / "clinic.yaml", "link-dangling": content / "nowhere",
                      "link-loop": path}.get(kind)
            if target is not None:
                path.symlink_to(target)
            elif kind == "fifo":
                os.mkfifo(path)
            elif kind == "folder":
                path.mkdir()
            elif kind == "sparse-huge":
                with open(path, "wb") as handle:
                    handle.truncate(3 * 1024 ** 3)
        except OSError:
            pass


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(tree=trees())
def test_any_content_tree_builds_or_fails_cleanly(world, tree):
    world["count"][0] += 1
    case = world["root"] / f"case{world['count'][0]}"
    content, out = case / "content", case / "out"
    lay_out(tree, content, world["outside"])
    shutil.copytree(world["good"], out)
    try:
        result = world["worker"].build(["--content", content, "--out", out, *world["args"][:-1]])
        shown = result["out"] + result["err"]
        assert result["code"] in (0, 1), f"{result['code']}\n{shown}\n{tree}"
        assert "Traceback" not in shown and "internal error" not in shown, f"{shown}\n{tree}"
        assert result["seconds"] < TIME_LIMIT, f"{result['seconds']:.1f} s for {tree}"
        assert SECRET not in shown
        assert all(SECRET.encode() not in p.read_bytes() for p in out.rglob("*") if p.is_file())
        if result["code"] == 1:
            assert snapshot(out) == world["before"], f"a failed build changed the output\n{shown}\n{tree}"
    finally:
        shutil.rmtree(case, ignore_errors=True)
