#!/usr/bin/env python3
"""Measure build speed (issue 17), everything side by side in one run:

- 200 different leaflets made from one procedure file (Letter, cold process): pressroom at
  --jobs 1 and --jobs 2, Typst (bench/typst/leaflet.typ, one reused typst.Compiler, bundled
  fonts only, PDF/UA-1) and WeasyPrint (tagged) when installed, and the ratios;
- warm ms per document kind, and what tagging costs;
- the personalised batch: 100 copies of one leaflet;
- the default catalogue, cold, at --jobs 1 and --jobs 2; the no-change rebuild;
- peak RSS of each process (wait4) and output sizes.

Usage: python bench/bench.py [--repeat N] [--rounds N] [--proofs-and-report | --only-proofs-and-report]
       [--only-side-by-side] [--only-languages] (per-language leaflets and font registration cost)
       [--only-personalised] (100 personalised copies, 1 and 2 cores, and the 100-copy list)
       [--only-catalogue]
(pip install -e .[bench] for Typst; WeasyPrint is skipped unless installed. pressroom's bytecode is
compiled first, as pip does for an installed package.)
"""

from __future__ import annotations

import argparse
import importlib.util
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


PEAK: dict[str, int] = {}  # label -> peak RSS in kB of the process (and its workers)
CPU: dict[str, float] = {}  # label -> CPU seconds (user + system, workers included) of its last run


def timed_process(args: list[str], label: str = "") -> float:
    """Wall-clock seconds of a new process; its peak RSS (with its waited-for workers, as
    wait4 reports it) goes to PEAK[label]."""
    # A child forked from this (large) process starts with its peak RSS: GNU time, small
    # itself, forks the measured process and reports that one's own peak.
    timer = ["/usr/bin/time", "-f", "%M", "-o", str(Path(tempfile.gettempdir()) / f"bench-rss-{os.getpid()}")]
    timer = timer if os.access(timer[0], os.X_OK) else []
    start = time.perf_counter()
    proc = subprocess.Popen(timer + args)
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode})")
    if label:
        peak = int(Path(timer[-1]).read_text().split()[-1]) if timer else usage.ru_maxrss
        PEAK[label] = max(PEAK.get(label, 0), peak)
        CPU[label] = usage.ru_utime + usage.ru_stime
    return took


def compile_bytecode() -> None:
    """Measure pressroom as installed. pip compiles an installed package's modules; this
    checkout runs from source, and where PYTHONDONTWRITEBYTECODE is set (many containers)
    each cold run would compile all of pressroom again, about 0.1 s no user pays."""
    import compileall
    compileall.compile_dir(str(ROOT / "pressroom"), quiet=1)


def cold_build(out: Path, extra: list[str], label: str = "") -> float:
    return timed_process([sys.executable, str(ROOT / "generate.py"), "--out", str(out), "--quiet", *extra],
                         label)


def leaflet_set(tmp: Path, count: int = 200, source: str = "discectomy") -> list[str]:
    """`count` different leaflets from one procedure file, Letter only: each its own title,
    sections rotated and one left out in turn, list items and paragraphs reordered; all
    deterministic."""
    import shutil
    import yaml
    layouts, content = tmp / "set-layouts", tmp / "set-content"
    layouts.mkdir()
    for name in ("base.yaml", "leaflet-letter.yaml"):
        shutil.copy(ROOT / "layouts" / name, layouts / name)
    shutil.copytree(ROOT / "layouts" / "strings", layouts / "strings")
    shutil.copytree(ROOT / "layouts" / "figures", layouts / "figures")
    (content / "procedures").mkdir(parents=True)
    for name in ("clinic.yaml", "glossary.yaml"):
        shutil.copy(ROOT / "content" / name, content / name)
    proc = yaml.safe_load((ROOT / "content" / "procedures" / f"{source}.yaml").read_text())
    words = ["Planned", "Outpatient", "Same-day", "Two-level", "Revision", "Open", "Daytime",
             "Scheduled", "Short-stay", "Standard"]
    for i in range(count):
        doc = dict(proc)
        sections = list(proc["sections"])
        sections = sections[i % len(sections):] + sections[:i % len(sections)]
        del sections[(i // len(sections)) % len(sections)]
        for k, sec in enumerate(sections):
            body = list(sec["body"])
            if (i + k) % 2:
                body.reverse()
            sections[k] = {"heading": f"{sec['heading']} ({i % 7 + 1})" if (i + k) % 3 == 0 else sec["heading"],
                           "body": body}
        doc["title"] = f"{words[i % len(words)]} {proc['title'].lower()} {i + 1}"
        doc["sections"] = sections
        doc["when_to_call"] = proc["when_to_call"][i % 3:] + proc["when_to_call"][:i % 3]
        doc["review"] = dict(proc["review"], id=f"BENCH-{i + 1:03d}")
        (content / "procedures" / f"leaflet-{i + 1:03d}.yaml").write_text(
            yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
    return ["--content", str(content), "--layouts", str(layouts)]


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
    from pressroom.build import compare, proofs
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


def side_by_side(tmp: Path, rounds: int, source: str = "discectomy") -> dict[str, float]:
    """The 200-leaflet set (made from the `source` procedure) through every engine, in rounds
    interleaved so each sees the same machine load; the best round of each."""
    from pressroom.build.pipeline import Paths, plan
    only = leaflet_set(tmp, source=source)
    paths = Paths(Path(only[1]), Path(only[3]), ROOT / "fonts", tmp / "set-plan")
    the_plan = plan(paths)
    jobs = [j for j in the_plan.jobs if j.kind == "leaflet"]
    sys.path.insert(0, str(ROOT / "bench"))
    import engines
    docs = tmp / "set.json"
    docs.write_text(json.dumps(engines.export(the_plan, jobs), ensure_ascii=False))
    runners = {"pressroom --jobs 1": lambda out: cold_build(out, [*only, "--force", "--jobs", "1"], "set j1"),
               "pressroom --jobs 2": lambda out: cold_build(out, [*only, "--force", "--jobs", "2"], "set j2")}
    for engine, module in (("typst", "typst"), ("weasyprint", "weasyprint")):
        if importlib.util.find_spec(module) is None:
            print(f"{engine}: not installed, skipped")
            continue
        runners[engine] = (lambda out, engine=engine: timed_process(
            [sys.executable, str(ROOT / "bench" / "engines.py"), engine, str(docs), str(out)], engine))
    best: dict[str, float] = {}
    cpu: dict[str, float] = {}
    labels = {"pressroom --jobs 1": "set j1", "pressroom --jobs 2": "set j2"}
    for r in range(rounds):
        for name, run in runners.items():
            took = run(tmp / f"set-{name.replace(' ', '')}-{r}")
            best[name] = min(best.get(name, took), took)
            used = CPU[labels.get(name, name)]
            cpu[name] = min(cpu.get(name, used), used)
    n = len(jobs)
    print(f"\n== {n} different leaflets from one procedure file ({source}), Letter, cold process "
          f"(best of {rounds}) ==")
    for name, took in best.items():
        print(f"{name:20s} {took:6.2f} s  {took * 1000 / n:6.1f} ms per document  CPU {cpu[name]:5.2f} s  "
              f"peak RSS {PEAK.get(labels.get(name, name), 0) / 1024:.0f} MB")
    ours = best["pressroom --jobs 2"]
    for name in ("typst", "weasyprint"):
        if name in best:
            print(f"pressroom --jobs 2 vs {name}: {best[name] / ours:.2f}x (above 1 is faster than {name})")
    sizes = sorted(p.stat().st_size for p in (tmp / "set-pressroom--jobs2-0").rglob("*.pdf"))
    print(f"leaflet size: median {sizes[len(sizes) // 2] / 1024:.1f} KB, largest {sizes[-1] / 1024:.1f} KB")
    if "typst" in best:
        sizes = sorted(p.stat().st_size for p in (tmp / "set-typst-0").glob("*.pdf"))
        print(f"typst leaflet size: median {sizes[len(sizes) // 2] / 1024:.1f} KB")
    return best


def warm(tmp: Path, repeat: int) -> None:
    from pressroom.build.pipeline import Paths, plan
    paths = Paths(ROOT / "content", ROOT / "layouts", ROOT / "fonts", tmp / "warm")
    start = time.perf_counter()
    the_plan = plan(paths)
    jobs = the_plan.jobs
    print(f"\n== warm, one process ==\nload and validate everything: {(time.perf_counter() - start) * 1000:.1f} ms")
    for job in jobs:
        job.render()  # warm caches (fonts, hyphenation)
    by_kind: dict[str, list[float]] = {}
    caches = [job.render for job in jobs if hasattr(job.render, "cache_clear")]

    def best_render(job) -> float:
        times = []
        for _ in range(repeat):
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
    total = sum(sum(v) for v in by_kind.values())
    for kind, times in sorted(by_kind.items()):
        print(f"warm {kind}: {statistics.mean(times) * 1000:.1f} ms per document ({len(times)} documents)")
    print(f"throughput: {len(jobs) / total:.1f} documents/s warm, one core")
    import pressroom.render.common as common
    tagged_canvas, common.tagged_canvas = common.tagged_canvas, lambda base, *a: base
    cost: dict[str, list[float]] = {}
    for job in jobs:
        if job.layout.color_mode != "cmyk" and job.kind in ("leaflet", "guide", "brochure"):
            cost.setdefault(job.kind, []).append(tagged_times[job.path] - best_render(job))
    common.tagged_canvas = tagged_canvas
    for kind, extra in sorted(cost.items()):
        print(f"tagging cost, {kind}: {statistics.median(extra) * 1000:.2f} ms per document (median of "
              f"{len(extra)}; tagged minus untagged, warm)")
    plain_reportlab(the_plan, repeat)
    personalised(jobs)


def plain_reportlab(the_plan, repeat: int) -> None:
    """Goal 2's yardstick: the same leaflet story through plain Platypus (SimpleDocTemplate,
    ReportLab's own canvas: untagged, no page furniture, no pipeline), warm."""
    import io
    from reportlab.platypus import SimpleDocTemplate
    from pressroom.source.jargon import glossary_terms_used
    from pressroom.render import leaflet
    from pressroom.render.common import Styles
    import inspect
    ours, plain = [], []
    for job in the_plan.jobs:
        if job.kind != "leaflet" or job.layout.edition != "standard" or job.layout.color_mode == "cmyk":
            continue
        cat = next(c for c in the_plan.catalogues if c.lang == job.lang)
        proc = next(p for p in cat.procedures if p.origin == job.source)
        words = list(glossary_terms_used(proc, cat.glossary, job.layout.options.get("words_to_know", 4), cat.lang))
        context = inspect.getclosurevars(job.render).nonlocals["ctx"]  # the job's own Context
        best_plain, best_ours = 1e9, 1e9
        for _ in range(repeat):
            start = time.perf_counter()
            job.render()
            best_ours = min(best_ours, time.perf_counter() - start)
            start = time.perf_counter()
            lay = context.layout
            SimpleDocTemplate(io.BytesIO(), pagesize=(lay.width, lay.height), leftMargin=lay.margins.left,
                              rightMargin=lay.margins.right, topMargin=lay.margins.top, bottomMargin=lay.margins.bottom,
                              invariant=1).build(leaflet.story(proc, context, Styles(context), words))
            best_plain = min(best_plain, time.perf_counter() - start)
        ours.append(best_ours)
        plain.append(best_plain)
    print(f"warm leaflet, tagged, whole pipeline: {statistics.mean(ours) * 1000:.1f} ms; the same story in plain "
          f"ReportLab Platypus (untagged, no furniture): {statistics.mean(plain) * 1000:.1f} ms "
          f"({len(ours)} leaflets)")


def personalised(jobs) -> None:
    """100 copies of one leaflet, each for another patient: one at a time in this (warm)
    process, then as the desk's 100-patient list (one print file)."""
    from pressroom.personalise import Leaflets, Order
    from pressroom.patient import read_patient
    leaflets = Leaflets(jobs, "en")
    doc = "en/letter/leaflet-discectomy.pdf"
    charset = leaflets.jobs[doc].personal.charset
    patients = [read_patient({"name": f"Bench Patient {i}", "procedure_date": "2026-03-03",
                              "arrival_time": "07:30", "place": f"Suite {i}", "surgeon": "Dr. A. Name",
                              "nothing_after": "22:00"}, charset, i + 1) for i in range(100)]
    leaflets.copy(doc, patients[0])
    orders = [Order(i + 1, doc, p) for i, p in enumerate(patients)]
    for workers in (1, 2):
        took = min(_timed(lambda: leaflets.copies(orders, workers)) for _ in range(3))
        print(f"personalised: 100 copies of one leaflet, warm, {workers} core{'s' * (workers > 1)}: {took:.2f} s "
              f"({took * 10:.1f} ms per copy, best of 3)")
    start = time.perf_counter()
    batch = leaflets.batch([Order(i + 1, doc, p) for i, p in enumerate(patients)])
    took = time.perf_counter() - start
    print(f"personalised: 100-copy list as one print file, warm: {took:.2f} s, {len(batch.data) / 1e6:.1f} MB")


def _timed(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def catalogue(tmp: Path) -> None:
    print("\n== the default catalogue ==")
    for workers in (1, 2):
        times = [cold_build(tmp / f"j{workers}-{i}", ["--force", "--jobs", str(workers)], f"catalogue j{workers}")
                 for i in range(3)]
        print(f"full build, cold process, --jobs {workers}: {min(times) * 1000:.0f} ms (best of 3), CPU "
              f"{CPU[f'catalogue j{workers}']:.2f} s (last run), peak RSS {PEAK[f'catalogue j{workers}'] / 1024:.0f} MB")
    first = tmp / "j2-0"
    times = [cold_build(first, [], "no-change") for _ in range(5)]
    print(f"no-change rebuild: {min(times) * 1000:.0f} ms (best of 5)")
    manifest = json.loads((first / "manifest.json").read_text())
    by_kind: dict[str, list[tuple[int, str]]] = {}
    for entry in manifest["documents"]:
        by_kind.setdefault(entry["kind"], []).append(((first / entry["path"]).stat().st_size, entry["path"]))
    for kind, sizes in sorted(by_kind.items()):
        sizes.sort()
        latin = [size for size, path in sizes if not path.startswith(("zh", "ko", "ja"))]  # no CJK font
        print(f"size {kind}: largest {sizes[-1][0] / 1024:.1f} KB ({sizes[-1][1]}), median "
              f"{statistics.median(s for s, _ in sizes) / 1024:.1f} KB, largest without CJK "
              f"{max(latin, default=0) / 1024:.1f} KB ({len(sizes)} files)")
    digest = hashlib.sha256()
    for entry in sorted(manifest["documents"], key=lambda e: e["path"]):
        digest.update(f"{entry['path']} {entry['sha256']}\n".encode())
    print(f"catalogue fingerprint (sha256 of every PDF's path and sha256): {digest.hexdigest()[:16]}")


FONT_COST = """
import resource, sys, time
from pathlib import Path
from pressroom.layout.fonts import load_fontset
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
    from test_scripts import LAYOUTS, make_layouts, make_tree
    from pressroom.build.pipeline import Paths, plan
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
    parser.add_argument("--repeat", type=int, default=5, help="warm renders per document (best kept)")
    parser.add_argument("--rounds", type=int, default=2, help="side-by-side rounds (best kept)")
    parser.add_argument("--proofs-and-report", action="store_true", help="also time proofs and the change report")
    parser.add_argument("--only-proofs-and-report", action="store_true")
    parser.add_argument("--only-side-by-side", action="store_true")
    parser.add_argument("--source", default="discectomy",
                        help="the procedure the 200-leaflet set is made from (content/procedures/NAME.yaml)")
    parser.add_argument("--only-languages", action="store_true")
    parser.add_argument("--only-personalised", action="store_true")
    parser.add_argument("--only-catalogue", action="store_true", help="the default catalogue: cold, no-change, sizes")
    args = parser.parse_args()
    compile_bytecode()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if args.only_personalised:
            from pressroom.build.pipeline import Paths, plan
            personalised(plan(Paths(ROOT / "content", ROOT / "layouts", ROOT / "fonts", tmp / "warm")).jobs)
            return
        if args.only_languages:
            languages(tmp, args.repeat)
            return
        if args.only_catalogue:
            catalogue(tmp)
            return
        if args.only_proofs_and_report:
            proofs_and_report(tmp)
            return
        side_by_side(tmp, args.rounds, args.source)
        if args.only_side_by_side:
            return
        warm(tmp, args.repeat)
        catalogue(tmp)
        languages(tmp, args.repeat)
        if args.proofs_and_report:
            proofs_and_report(tmp)


if __name__ == "__main__":
    main()
