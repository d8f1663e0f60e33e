#!/usr/bin/env python3
"""Measure build speed: a cold full build as a new process, and warm per-document renders;
then page proofs per page and the change report for the whole catalogue.

Usage: python bench/bench.py [--repeat N] [--only-proofs-and-report] [--only-languages]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def cold_build(out: Path, extra: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "generate.py"), "--out", str(out), "--quiet", *extra],
                   check=True)
    return time.perf_counter() - start


def leaflet_catalogue(tmp: Path) -> list[str]:
    """The 8 leaflets alone (English, Letter and A4): the catalogue the first speed target had."""
    import shutil
    layouts, content = tmp / "leaflet-layouts", tmp / "leaflet-content"
    layouts.mkdir()
    for name in ("base.yaml", "leaflet-letter.yaml", "leaflet-a4.yaml"):
        shutil.copy(ROOT / "layouts" / name, layouts / name)
    shutil.copytree(ROOT / "layouts" / "strings", layouts / "strings")
    content.mkdir()
    for name in ("clinic.yaml", "glossary.yaml"):
        shutil.copy(ROOT / "content" / name, content / name)
    shutil.copytree(ROOT / "content" / "procedures", content / "procedures")
    return ["--content", str(content), "--layouts", str(layouts)]


def proofs_and_report(tmp: Path) -> None:
    """Proof rendering per page (one core), and the change report for the whole catalogue:
    a sentence changed in one leaflet, and the brand colour changed (every document changed)."""
    import json
    import shutil
    from pressroom import compare, proofs
    from pressroom.inputs import read_bytes

    base = tmp / "report-base"
    cold_build(base, [])
    manifest = json.loads((base / "manifest.json").read_text())
    docs = manifest["documents"]
    pages = sum(d["pages"] for d in docs)
    start = time.perf_counter()
    for entry in docs:
        proofs.make_proofs(entry["path"], (base / entry["path"]).read_bytes(), 100)
    took = time.perf_counter() - start
    print(f"proofs at 100 dpi: {took * 1000 / pages:.1f} ms per page, one core "
          f"({pages} pages of {len(docs)} PDFs in {took:.1f} s; PNG pages and contact sheets)")
    times = [cold_build(tmp / f"proofed{i}", ["--proofs"]) for i in range(2)]
    print(f"full build with --proofs, cold process, default --jobs: {min(times):.1f} s (best of 2)")
    again = cold_build(tmp / "proofed0", ["--proofs"])
    print(f"--proofs again, nothing changed (cached on each PDF's sha256): {again * 1000:.0f} ms")

    def edited(name: str, change) -> Path:
        content = tmp / f"{name}-content"
        shutil.copytree(ROOT / "content", content)
        change(content)
        out = tmp / f"{name}-out"
        cold_build(out, ["--content", str(content)])
        return out

    def sentence(content: Path) -> None:
        path = content / "procedures/discectomy.yaml"
        path.write_text(path.read_text().replace("It is often done", "It is usually done"))

    def brand(content: Path) -> None:
        path = content / "clinic.yaml"
        path.write_text(path.read_text().replace('primary: "#1d4e89"', 'primary: "#6a1b9a"'))

    def side(folder: Path, label: str) -> compare.Build:
        entries = {e["path"]: e for e in json.loads((folder / "manifest.json").read_text())["documents"]}
        return compare.Build(label, entries, lambda p: read_bytes(folder / p, folder, 1 << 30))

    for name, change in (("one sentence", sentence), ("brand colour", brand)):
        after = edited(name.replace(" ", "-"), change)
        for workers in (1, 2):
            start = time.perf_counter()
            result = compare.compare_builds(side(base, "base"), side(after, name), {}, workers)
            files = compare.report_files(result)
            took = time.perf_counter() - start
            changed = [d for d in result.documents if d.status == "changed"]
            size = sum(len(v) for v in files.values())
            print(f"change report, {name} ({len(changed)} of {len(docs)} PDFs changed, "
                  f"{sum(len(d.pages) for d in changed)} pages shown), --jobs {workers}: {took:.2f} s, "
                  f"{size / 1e6:.1f} MB")


FONT_COST = """
import resource, sys, time
from pathlib import Path
from pressroom.fonts import load_fontset
from reportlab.pdfbase.ttfonts import TTFont
faces = dict(zip(("regular", "bold", "italic", "bold_italic"), sys.argv[1:]))
def rss():
    return int(open("/proc/self/statm").read().split()[1]) * resource.getpagesize() / 2**20
before = rss()
start = time.perf_counter()
load_fontset(Path(sys.argv[5]), faces)
took = time.perf_counter() - start
print(f"{took * 1000:.0f} {rss() - before:.1f}")
"""


def font_registration() -> None:
    """Reading and registering each family's faces, in a fresh process (resident memory it adds)."""
    families = {"Atkinson Hyperlegible": ["AtkinsonHyperlegible-" + f for f in
                                          ("Regular", "Bold", "Italic", "BoldItalic")],
                "Noto Sans": ["NotoSans-" + f for f in ("Regular", "Bold", "Italic", "BoldItalic")]}
    for script in ("sc", "tc", "kr"):
        families[f"Noto Sans CJK {script.upper()}"] = [f"NotoSansCJK{script}-" + f for f in
                                                       ("Regular", "Bold", "Regular", "Bold")]
    for name, files in families.items():
        runs = [subprocess.run([sys.executable, "-c", FONT_COST, *(f + ".ttf" for f in files), str(ROOT / "fonts")],
                               check=True, capture_output=True, text=True, cwd=ROOT).stdout.split()
                for _ in range(3)]
        best = min(runs, key=lambda r: float(r[0]))
        size = sum((ROOT / "fonts" / (f + ".ttf")).stat().st_size for f in set(files)) / 2**20
        print(f"register {name}: {best[0]} ms, +{best[1]} MB resident ({size:.1f} MB of font files; best of 3)")


def languages(tmp: Path, repeat: int) -> None:
    """A leaflet in each script (tests/test_scripts.py's tree): warm render time each."""
    sys.path.insert(0, str(ROOT / "tests"))
    from test_scripts import LANGS, LAYOUTS, make_layouts, make_tree
    from pressroom.build import Paths, plan
    make_tree(tmp / "lang-content")
    make_layouts(tmp / "lang-layouts", LAYOUTS)
    start = time.perf_counter()
    jobs = plan(Paths(tmp / "lang-content", tmp / "lang-layouts", ROOT / "fonts", tmp / "lang-out")).jobs
    print(f"load and validate 5 languages (reads the fonts they need): {(time.perf_counter() - start) * 1000:.0f} ms")
    for job in jobs:
        job.render()
    for job in jobs:
        if job.kind != "leaflet" or job.layout.edition != "standard":
            continue
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            job.render()
            times.append(time.perf_counter() - start)
        print(f"warm leaflet, {job.lang:8s} {min(times) * 1000:7.1f} ms")
    font_registration()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only-proofs-and-report", action="store_true")
    parser.add_argument("--only-languages", action="store_true")
    args = parser.parse_args()
    from pressroom.build import Paths, plan

    if args.only_languages:
        with tempfile.TemporaryDirectory() as tmp:
            languages(Path(tmp), args.repeat)
        return
    if args.only_proofs_and_report:
        with tempfile.TemporaryDirectory() as tmp:
            proofs_and_report(Path(tmp))
        return
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        colds = [cold_build(tmp / f"cold{i}", []) for i in range(3)]
        print(f"full build, cold process, default --jobs: {min(colds) * 1000:.0f} ms (best of 3; "
              f"median {statistics.median(colds) * 1000:.0f} ms)")

        only = leaflet_catalogue(tmp)
        times = [cold_build(tmp / f"leaflets{i}", only) for i in range(3)]
        print(f"8 leaflets (English, Letter + A4), cold process: {min(times) * 1000:.0f} ms (best of 3)")

        paths = Paths(ROOT / "content", ROOT / "layouts", ROOT / "fonts", tmp / "warm")
        start = time.perf_counter()
        jobs = plan(paths).jobs
        print(f"load and validate everything: {(time.perf_counter() - start) * 1000:.1f} ms")
        for job in jobs:
            job.render()  # warm caches (fonts, hyphenation)
        by_kind: dict[str, list[float]] = {}
        caches = [job.render for job in jobs if hasattr(job.render, "cache_clear")]

        def best_render(job) -> float:
            times = []
            for _ in range(args.repeat):
                for cache in caches:  # a booklet is shared with its imposed job: time it whole
                    cache.cache_clear()
                start = time.perf_counter()
                job.render()
                times.append(time.perf_counter() - start)
            return min(times)

        tagged_times = {}
        for job in jobs:
            best = tagged_times[job.path] = best_render(job)
            label = job.kind if job.layout.edition in ("standard", "booklet") else f"{job.kind} ({job.layout.edition})"
            by_kind.setdefault(label, []).append(best)
            print(f"  {job.path:48s} {best * 1000:7.1f} ms")
        total = sum(sum(v) for v in by_kind.values())
        for kind, times in sorted(by_kind.items()):
            print(f"warm {kind}: {statistics.mean(times) * 1000:.1f} ms per document ({len(times)} documents)")
        print(f"throughput: {len(jobs) / total:.1f} documents/s warm, one core "
              "(imposed files include rendering their booklet)")
        import pressroom.render.common as common
        tagged_canvas, common.tagged_canvas = common.tagged_canvas, lambda base, *a: base
        cost: dict[str, list[float]] = {}
        for job in jobs:
            if job.layout.color_mode != "cmyk" and job.kind != "guide-imposed":
                cost.setdefault(job.kind, []).append(tagged_times[job.path] - best_render(job))
        common.tagged_canvas = tagged_canvas
        for kind, extra in sorted(cost.items()):
            print(f"tagging cost, {kind}: {statistics.median(extra) * 1000:.2f} ms per document (median of "
                  f"{len(extra)}; tagged minus untagged, warm)")
        for workers in (1, 2):
            times = [cold_build(tmp / f"j{workers}-{i}", ["--force", "--jobs", str(workers)]) for i in range(3)]
            print(f"full build, cold process, --jobs {workers}: {min(times) * 1000:.0f} ms (best of 3)")
        first = tmp / "cold0"
        times = [cold_build(first, []) for _ in range(3)]
        print(f"no-change rebuild: {min(times) * 1000:.0f} ms (best of 3)")
        proofs_and_report(tmp)
        languages(tmp, args.repeat)


if __name__ == "__main__":
    main()
