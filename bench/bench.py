#!/usr/bin/env python3
"""Measure build speed: a cold full build as a new process, and warm per-document renders.

Usage: python bench/bench.py [--repeat N]
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from pressroom.build import Paths, plan

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


if __name__ == "__main__":
    main()
