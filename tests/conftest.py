"""Shared fixtures: the repo's own trees, a built default catalogue, a CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pressroom.cli import main
from pressroom.build.state import DIGESTS
from pressroom.build.stamp import STAMP

REPO = Path(__file__).resolve().parents[1]


class Run:
    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err


@pytest.fixture
def run(capsys):
    """Run the command line in-process; defaults point at the repo's trees."""
    def _run(*args) -> Run:
        code = main([str(a) for a in args], root=REPO)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)
    return _run


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The default content built once for the whole session."""
    out = tmp_path_factory.mktemp("built") / "brochures"
    assert main(["--out", str(out), "--quiet"], root=REPO) == 0
    return out


@pytest.fixture
def content(tmp_path) -> Path:
    """A private copy of the shipped content tree, to edit."""
    target = tmp_path / "content"
    shutil.copytree(REPO / "content", target)
    return target


@pytest.fixture
def previous(built, tmp_path) -> Path:
    """A copy of a good build, standing in for the last good output folder."""
    target = tmp_path / "out"
    shutil.copytree(built, target)
    return target


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file a build leaves, but the caches any run may refresh (state.DigestCache, stamp)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in (DIGESTS, STAMP)}


SMALL_LAYOUTS = ("base.yaml", "leaflet-letter.yaml")


def copy_layouts(target: Path, names) -> Path:
    """A layouts folder holding only the named layout files (e.g. "base.yaml"), with every
    language's fixed words, the figures and the colour profile they may need."""
    (target / "strings").mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(REPO / "layouts" / name, target / name)
    for path in (REPO / "layouts/strings").glob("*.yaml"):
        shutil.copy(path, target / "strings" / path.name)
    for sub in ("figures", "profiles"):
        shutil.copytree(REPO / "layouts" / sub, target / sub, dirs_exist_ok=True)
    return target


@pytest.fixture(scope="session")
def small_layouts(tmp_path_factory) -> Path:
    """Only the Letter leaflet layout: hostile-input cases build in a fraction of a second."""
    target = tmp_path_factory.mktemp("small") / "layouts"
    (target / "strings").mkdir(parents=True)
    for name in SMALL_LAYOUTS:
        shutil.copy(REPO / "layouts" / name, target / name)
    shutil.copy(REPO / "layouts/strings/en.yaml", target / "strings/en.yaml")
    return target


def make_small_content(target: Path) -> Path:
    """The shipped clinic and glossary with two procedures."""
    (target / "procedures").mkdir(parents=True)
    for name in ("clinic.yaml", "glossary.yaml", "procedures/discectomy.yaml", "procedures/kyphoplasty.yaml"):
        shutil.copy(REPO / "content" / name, target / name)
    return target


@pytest.fixture
def small(tmp_path, small_layouts, capsys):
    """A small content tree in tmp_path/content and a way to build it (in-process)."""
    class Small:
        content = make_small_content(tmp_path / "content")
        layouts = small_layouts

        def run(self, *args, content=None, out=None) -> Run:
            argv = ["--content", content or self.content, "--layouts", self.layouts,
                    "--fonts", REPO / "fonts", "--out", out or tmp_path / "out", "--jobs", "1", *args]
            code = main([str(a) for a in argv], root=REPO)
            captured = capsys.readouterr()
            return Run(code, captured.out, captured.err)
    return Small()


# -- the print desk --------------------------------------------------------------------------

DESK_LAYOUTS = ("base.yaml", "leaflet-letter.yaml", "leaflet-letter-large.yaml")


class DeskTree:
    """A content tree, layouts and fonts, and the folder they were built into."""

    def __init__(self, root: Path):
        self.root = root
        self.content, self.layouts, self.fonts, self.out = root / "content", root / "layouts", REPO / "fonts", root / "out"

    def paths(self, out: Path | None = None):
        from pressroom.build.pipeline import Paths
        return Paths(self.content, self.layouts, self.fonts, out or self.out)

    def copy(self, target: Path) -> "DeskTree":
        shutil.copytree(self.root, target)
        return DeskTree(target)


def make_desk_tree(root: Path) -> DeskTree:
    """Two procedures in English, one of them also in Spanish; Letter in standard and large
    print: six leaflets, built in about a second."""
    tree = DeskTree(root)
    (tree.content / "procedures").mkdir(parents=True)
    (tree.content / "es" / "procedures").mkdir(parents=True)
    for name in ("clinic.yaml", "glossary.yaml", "procedures/discectomy.yaml", "procedures/spinal-fusion.yaml",
                 "es/clinic.yaml", "es/glossary.yaml", "es/procedures/spinal-fusion.yaml"):
        shutil.copy(REPO / "content" / name, tree.content / name)
    (tree.layouts / "strings").mkdir(parents=True)
    for name in DESK_LAYOUTS:
        shutil.copy(REPO / "layouts" / name, tree.layouts / name)
    for lang in ("en", "es"):
        shutil.copy(REPO / f"layouts/strings/{lang}.yaml", tree.layouts / f"strings/{lang}.yaml")
    assert main(["--content", str(tree.content), "--layouts", str(tree.layouts), "--fonts", str(tree.fonts),
                 "--out", str(tree.out), "--jobs", "1", "--quiet"], root=REPO) == 0
    return tree


@pytest.fixture(scope="session")
def desk_tree(tmp_path_factory) -> DeskTree:
    """The print desk's small tree, built once for the session (do not change it: copy it)."""
    return make_desk_tree(tmp_path_factory.mktemp("desk") / "tree")
