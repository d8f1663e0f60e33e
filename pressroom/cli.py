"""The command line: the only place that prints or exits.

argparse and the error classes are imported where they are used: `generate.py` with
nothing to do answers from the build's stamp before either is loaded.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__

if TYPE_CHECKING:
    import argparse


def _shown(path) -> str:
    """Relative to the working folder when inside it, so messages stay short and clickable."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return os.path.realpath(path) if rel.startswith("..") else rel


def _workers(value: str) -> int:
    import argparse
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def _dpi(value: str) -> int:
    import argparse
    number = int(value)
    if not 24 <= number <= 600:
        raise argparse.ArgumentTypeError("must be from 24 to 600")
    return number


def parse_args(argv, root: Path) -> argparse.Namespace:
    import argparse
    parser = argparse.ArgumentParser(
        prog="pressroom", description="Build print-ready patient leaflets, guide and brochure PDFs "
        "from structured content. Rebuilds only what changed.",
        epilog="commands: 'pressroom desk' serves the print desk (a web page for front-desk staff); "
        "'pressroom personalise' makes personalised copies. Each has its own --help.")
    _trees(parser, root, out=True)
    parser.add_argument("--force", action="store_true", help="rebuild every PDF, changed or not")
    parser.add_argument("--check", action="store_true",
                        help="validate content and list stale, missing or extra PDFs; write nothing; exit 1 if any")
    parser.add_argument("--jobs", "-j", type=_workers, default=os.cpu_count() or 1,
                        help="worker processes for rendering (default: number of cores)")
    parser.add_argument("--watch", action="store_true",
                        help="rebuild when content, layouts or fonts change (Ctrl-C to stop)")
    parser.add_argument("--strict", action="store_true",
                        help="treat warnings (reading level over target, undefined medical terms, "
                        "overdue reviews) as errors")
    parser.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    parser.add_argument("--proofs", action="store_true",
                        help="also write a PNG of every page and a contact sheet per PDF into OUT/proofs/ "
                        "(only PDFs whose proofs are missing or out of date are rendered)")
    parser.add_argument("--proof-dpi", type=_dpi, default=None, metavar="DPI",
                        help="resolution of the proofs (default: each layout's proofs.dpi, 100)")
    parser.add_argument("--compare", nargs="?", const="", default=None, metavar="OLD",
                        help="write OUT/changes.html: what changed, page by page, since the build in "
                        "OLD (a build folder or its manifest.json; default: the build this one replaces)")
    parser.add_argument("--version", action="version", version=f"pressroom {__version__}")
    return parser.parse_args(argv)


class Reporter:
    """Progress for people on a terminal, one line per PDF for CI logs, nothing when quiet."""

    def __init__(self, quiet: bool, out: Path, stream=None):
        self.quiet, self.out, self.stream = quiet, out, stream or sys.stdout
        self.tty = self.stream.isatty()
        self.rendered = 0
        self.total = 0

    def __call__(self, kind: str, entry: dict) -> None:
        if self.quiet:
            return
        if kind == "planned":
            self.total = entry["count"]
            return
        if kind == "rendered":
            self.rendered += 1
            if self.tty:
                width = 30
                done = int(width * self.rendered / max(self.total, 1))
                self.stream.write(f"\r[{'#' * done}{'.' * (width - done)}] {self.rendered}/{self.total} "
                                  f"{entry['path'][:40]:40s}")
                self.stream.flush()
            return
        if self.tty and self.rendered:
            self.stream.write("\r" + " " * 80 + "\r")
            self.rendered = 0
        if kind != "skipped":
            pages = f" ({entry['pages']} pages)" if kind == "built" else ""
            print(f"{kind} {_shown(self.out / entry['path'])}{pages}", file=self.stream)


COMMANDS = ("desk", "personalise", "schema")


def main(argv=None, root: Path | None = None) -> int:
    root = root or Path.cwd()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in COMMANDS:
        command = {"desk": desk_main, "personalise": personalise_main, "schema": schema_command}[argv[0]]
        return command(argv[1:], root)
    quick = _quick(argv, root)
    if quick is not None:
        return quick
    try:
        args = parse_args(argv, root)
    except SystemExit as exc:  # argparse printed the usage error already
        return 2 if exc.code else 0
    if args.watch:
        from .build.watch import watch
        return watch(lambda: run_once(args), [args.content, args.layouts, args.fonts])
    return run_once(args)


_FOLDERS = {"--content": "content", "--layouts": "layouts", "--fonts": "fonts", "--out": "brochures"}


def _quick(argv: list[str], root) -> int | None:
    """A plain build with nothing to do, answered from the build folder's stamp (see
    build/stamp.py) in a few stats; None for anything else, which argparse then reads."""
    from .build.stamp import current
    folders = {flag: os.path.join(root, name) for flag, name in _FOLDERS.items()}
    quiet = False
    words = iter(argv)
    for word in words:
        flag, equals, value = word.partition("=") if word.startswith("--") else (word, "", "")
        if word in ("--quiet", "-q"):
            quiet = True
        elif flag in _FOLDERS or flag in ("--jobs", "-j"):
            value = value if equals else next(words, None)
            if not value or value.startswith("-") or flag in ("--jobs", "-j") and not (
                    value.isdigit() and int(value) >= 1):
                return None  # argparse words the refusal
            folders[flag] = value if flag in _FOLDERS else None
        else:
            return None
    count = current([folders["--content"], folders["--layouts"], folders["--fonts"]], folders["--out"])
    if count is None:
        return None
    if not quiet:
        print(_nothing_to_do(count, folders["--out"]))
    return 0


def _nothing_to_do(count: int, out) -> str:
    return f"nothing to do: {count} PDFs up to date in {_shown(out)}"


def _proofs_current(args, manifest: dict) -> bool:
    from .build.proofs import proofs_current  # imported only with --proofs: "nothing to do" stays quick
    return proofs_current(args.out, manifest, args.proof_dpi)


def run_once(args) -> int:
    from .build.state import MANIFEST, Trees, up_to_date
    from .build.output import STAGING, interrupted, read_manifest
    from .build.stamp import Snapshot, write as write_stamp
    from .errors import ContentError, Interrupted, PressroomError
    trees = Trees(args.content, args.layouts, args.fonts)
    # --strict must re-read the content: the last build may have passed with warnings
    maybe_current = not (args.force or args.check or args.strict) and args.compare is None
    if maybe_current:  # each status taken before the file is read: a change meanwhile is seen next time
        seen = Snapshot([args.content, args.layouts, args.fonts])
        seen.outputs(args.out, [MANIFEST, STAGING])
    manifest = read_manifest(args.out / MANIFEST).manifest
    if maybe_current:
        seen.outputs(args.out, [entry["path"] for entry in manifest.get("documents", [])])
    if (maybe_current and not interrupted(args.out) and up_to_date(args.out, manifest, trees)
            and not (args.proofs and not _proofs_current(args, manifest))):
        write_stamp(args.out, seen)
        if not args.quiet:
            print(_nothing_to_do(len(manifest['documents']), args.out))
        return 0
    from .build.pipeline import Extras, Paths, build, check  # ReportLab is imported only when there is work
    paths = Paths(content=args.content, layouts=args.layouts, fonts=args.fonts, out=args.out,
                  shown_content=_shown(args.content), shown_layouts=_shown(args.layouts),
                  shown_fonts=_shown(args.fonts), shown_out=_shown(args.out))
    try:
        if args.check:
            return _report_check(check(paths), args)
        reporter = Reporter(args.quiet, args.out)
        extras = Extras(proofs=args.proofs, proof_dpi=args.proof_dpi, compare=args.compare is not None,
                        baseline=Path(args.compare) if args.compare else None)
        result = build(paths, force=args.force, workers=args.jobs, strict=args.strict, on_event=reporter,
                       extras=extras)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"error: {len(exc.problems)} problem(s); nothing was written", file=sys.stderr)
        return 1
    except Interrupted as exc:
        print(f"{exc}", file=sys.stderr)
        return 130
    except PressroomError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # before the commit point: the staged files were dropped
        print("interrupted; the earlier PDFs and manifest are untouched", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug of ours: one line; PRESSROOM_DEBUG=1 shows the trace
        if os.environ.get("PRESSROOM_DEBUG"):
            raise
        print(f"error: internal error ({type(exc).__name__}: {exc}); please report it "
              "(set PRESSROOM_DEBUG=1 for details)", file=sys.stderr)
        return 1
    if result.recovered and not args.quiet:
        print(result.recovered)
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    if not args.quiet and result.readings:
        grades = [r.grade for r in result.readings if r.grade is not None]
        over = sum(g > result.reading_target for g in grades)
        ungraded = len(result.readings) - len(grades)
        graded = (f"{len(grades)} documents, grade {min(grades):.1f} to {max(grades):.1f} "
                  f"(target {result.reading_target:g}; {over} over)" if grades else "no document graded")
        print(f"reading level: {graded}{f'; {ungraded} not graded (no formula for their language)' if ungraded else ''}; "
              f"report: {_shown(args.out / 'report.html')}")
    if not args.quiet and args.proofs:
        print(f"proofs: {result.proofs} PDF(s) rendered, the rest were up to date; "
              f"{_shown(args.out / 'proofs')}")
    if not args.quiet and result.comparison is not None:
        c = result.comparison
        counts = (f"{len(c.paths('changed'))} changed, {len(c.paths('new'))} new, "
                  f"{len(c.paths('removed'))} removed" if c.documents else "no PDF changed")
        print(f"changes: {counts}; report: {_shown(args.out / 'changes.html')}")
    if not args.quiet:
        print(f"{len(result.built)} built, {len(result.skipped)} up to date, "
              f"{len(result.removed)} removed; manifest: {_shown(result.manifest)}")
    return 0


def _report_check(findings: list[tuple[Path, str]], args) -> int:
    for path, what in findings:
        print(f"{_shown(path)}: {what}", file=sys.stderr)
    if findings:
        print(f"error: {len(findings)} PDF(s) out of date; run python generate.py", file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"ok: every PDF in {_shown(args.out)} is up to date")
    return 0


def schema_command(argv, root: Path) -> int:
    """`pressroom schema DIR`: write the content files' JSON Schemas into DIR."""
    import argparse
    from .errors import ContentError, PressroomError
    parser = argparse.ArgumentParser(
        prog="pressroom schema", description="Write a JSON Schema for every content file (clinic, "
        "procedure, guide, brochure, glossary, strings) into DIR, for editors that check YAML as you type.")
    parser.add_argument("dir", type=Path, help="folder to write the *.schema.json files into")
    parser.add_argument("--layouts", type=Path, default=root / "layouts",
                        help="layouts folder: its figures and English strings name what is allowed "
                        "(default: layouts/)")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    from .source.schema import write_schemas
    try:
        written = write_schemas(args.dir, args.layouts)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    except PressroomError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {_shown(path)}")
    return 0


def entry_point() -> None:
    sys.exit(main())


# -- pressroom desk ----------------------------------------------------------------------

DESK_PORT = 8421
TOKEN_ENV = "PRESSROOM_DESK_TOKEN"


def _port(value: str) -> int:
    import argparse
    number = int(value)
    if not 0 <= number <= 65535:
        raise argparse.ArgumentTypeError("must be 0 to 65535")
    return number


def _trees(parser: argparse.ArgumentParser, root: Path, out: bool = False) -> None:
    """The input folders (and the output folder) every command reads, with the defaults the
    no-change answer (_quick) assumes."""
    folders = [("--content", "content tree"), ("--layouts", "layouts folder"), ("--fonts", "fonts folder")]
    for flag, what in folders + [("--out", "output folder")] * out:
        parser.add_argument(flag, type=Path, default=root / _FOLDERS[flag], help=f"{what} (default: {_FOLDERS[flag]}/)")


def parse_desk_args(argv, root: Path) -> argparse.Namespace:
    import argparse
    parser = argparse.ArgumentParser(
        prog="pressroom desk", description="Serve the print desk: a local web page where front-desk "
        "staff find, open and print every document, and make personalised copies. It brings the "
        "build up to date first and keeps it current while it runs.")
    _trees(parser, root, out=True)
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default: 127.0.0.1, this computer only); any other "
                        "needs a token")
    parser.add_argument("--port", type=_port, default=DESK_PORT, help=f"port (default: {DESK_PORT})")
    parser.add_argument("--token", default=os.environ.get(TOKEN_ENV) or None,
                        help=f"a shared secret staff type once per browser session (default: ${TOKEN_ENV}); "
                        "required unless --host is a loopback address")
    parser.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                        help="another name the desk is reached by (e.g. desk.clinic.lan); repeatable")
    parser.add_argument("--audit-log", type=Path, default=None, metavar="FILE",
                        help="where to append one line per copy or list, without patient data "
                        "(default: <out>/desk-audit.log)")
    parser.add_argument("--jobs", "-j", type=_workers, default=os.cpu_count() or 1,
                        help="worker processes for the first build (default: number of cores)")
    parser.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    return parser.parse_args(argv)


def desk_main(argv, root: Path) -> int:
    try:
        args = parse_desk_args(argv, root)
    except SystemExit as exc:
        return 2 if exc.code else 0
    from .desk.settings import DeskSettings, SettingsError, is_loopback
    if not is_loopback(args.host) and not args.token:
        print(f"error: refusing to serve on {args.host} without a token: anyone on the network could "
              f"open the desk. Give --token or set {TOKEN_ENV}, or use --host 127.0.0.1", file=sys.stderr)
        return 2
    build_args = parse_args(["--content", str(args.content), "--layouts", str(args.layouts), "--fonts",
                             str(args.fonts), "--out", str(args.out), "--jobs", str(args.jobs)]
                            + (["--quiet"] if args.quiet else []), root)
    if run_once(build_args) == 130:
        return 130
    from .build.pipeline import Paths
    paths = Paths(content=args.content, layouts=args.layouts, fonts=args.fonts, out=args.out,
                  shown_content=_shown(args.content), shown_layouts=_shown(args.layouts),
                  shown_fonts=_shown(args.fonts), shown_out=_shown(args.out))
    try:
        settings = DeskSettings.make(paths, host=args.host, port=args.port, token=args.token,
                                     allowed_hosts=tuple(args.allow_host), audit_log=args.audit_log)
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from .desk import create_app, serve

    def say(line: str) -> None:
        if not args.quiet or line.startswith("error"):
            print(line, file=sys.stderr if line.startswith("error") else sys.stdout, flush=True)

    app = create_app(settings, on_event=say)
    shown_host = f"[{args.host}]" if ":" in args.host else args.host
    try:
        server = serve(app, settings)
    except OSError as exc:
        print(f"error: cannot listen on {shown_host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    port = getattr(server, "effective_port", args.port)  # "localhost" may listen on two addresses
    say(f"print desk: http://{shown_host}:{port}/ (Ctrl-C to stop); audit log: {_shown(settings.audit_log)}")
    try:
        server.run()
    except KeyboardInterrupt:
        say("stopped")
    finally:
        server.task_dispatcher.shutdown()
        server.close()
        app.extensions["pressroom.live"].stop()
    return 0


# -- pressroom personalise ----------------------------------------------------------------

def parse_personalise_args(argv, root: Path) -> argparse.Namespace:
    import argparse
    from .patient import COLUMNS
    parser = argparse.ArgumentParser(
        prog="pressroom personalise", description="Make personalised copies of leaflets, with a "
        "'Prepared for' box on page 1 in the leaflet's language: one copy (--document and the "
        "patient's fields) or a list (--csv). Writes only the file given with --out; patient data "
        "goes nowhere else.",
        epilog=f"CSV columns: {', '.join(COLUMNS)} (see the README). Field options are kept by your "
        "shell's history; for lists, prefer --csv.")
    _trees(parser, root)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--csv", type=Path, metavar="FILE", help="a list of patients (UTF-8 CSV, at most 200)")
    source.add_argument("--document", metavar="DOC", help="the leaflet: its catalogue path "
                        "(en/letter/leaflet-discectomy.pdf) or its procedure (slug or title)")
    parser.add_argument("--out", required=True, metavar="FILE.pdf", help="the PDF to write ('-': standard output)")
    parser.add_argument("--language", default="", help="language of the leaflet (or of list rows without one)")
    parser.add_argument("--paper", default="", help="paper of the leaflet (or of list rows without one)")
    parser.add_argument("--large-print", action="store_true", help="the large-print edition (with --document)")
    parser.add_argument("--name", default="", help="patient name")
    parser.add_argument("--date", default="", help="procedure date, like 2026-03-14")
    parser.add_argument("--arrival", default="", help="arrival time, like 07:30 or 7:30 AM")
    parser.add_argument("--place", default="", help="where to come")
    parser.add_argument("--surgeon", default="", help="the surgeon's name")
    parser.add_argument("--nothing-after", default="", help="nothing to eat or drink after this time")
    parser.add_argument("--note", default="", help="a short note (at most 300 characters)")
    parser.add_argument("--audit-log", type=Path, default=None, metavar="FILE",
                        help="append one line per copy or list (no patient data) to this file")
    return parser.parse_args(argv)


def personalise_main(argv, root: Path) -> int:
    try:
        args = parse_personalise_args(argv, root)
    except SystemExit as exc:
        return 2 if exc.code else 0
    from .build.pipeline import Paths, plan
    from .errors import ContentError, PressroomError
    from .patient import PatientError, check_size, read_patient, read_rows
    from .personalise import CopyError, Leaflets, NotFound
    from .audit import AuditLog
    out = None if args.out == "-" else Path(args.out)
    if out is not None and not out.parent.is_dir():
        print(f"error: --out {args.out}: the folder {_shown(out.parent)} does not exist", file=sys.stderr)
        return 2
    if out is not None and out.is_dir():
        print(f"error: --out {args.out} is a folder; name the PDF file to write", file=sys.stderr)
        return 2
    paths = Paths(content=args.content, layouts=args.layouts, fonts=args.fonts, out=Path("."),
                  shown_content=_shown(args.content), shown_layouts=_shown(args.layouts),
                  shown_fonts=_shown(args.fonts))
    try:
        leaflets = Leaflets.of(plan(paths))
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"error: {len(exc.problems)} problem(s) in the content; nothing was written", file=sys.stderr)
        return 1
    except PressroomError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        if args.csv is not None:
            try:
                check_size(args.csv.stat().st_size)
                data = args.csv.read_bytes()
            except OSError as exc:
                print(f"error: --csv {args.csv}: {exc.strerror}", file=sys.stderr)
                return 2
            orders = leaflets.orders(read_rows(data), args.language.lower(), args.paper.lower())
            batch = leaflets.batch(orders)
            pdf, summary = batch.data, f"{batch.copies} cop{'y' if batch.copies == 1 else 'ies'}, {batch.pages} pages"
            audit = ("list", batch.documents)
        else:
            job = leaflets.find(args.document, args.language, args.paper, args.large_print)
            patient = read_patient({"name": args.name, "procedure_date": args.date, "arrival_time": args.arrival,
                                    "place": args.place, "surgeon": args.surgeon,
                                    "nothing_after": args.nothing_after, "note": args.note},
                                   job.personal.charset)
            copy = leaflets.copy(job.path, patient)
            pdf = copy.data
            summary = f"{job.path}, {copy.pages} pages" + (
                f" (one more than the leaflet's {copy.budget}: the 'Prepared for' box needed the room)"
                if copy.longer else "")
            audit = ("copy", ((job.path, copy.edition, 1),))
    except PatientError as exc:
        for problem in exc.problems:
            print(f"{_shown(args.csv) + ': ' if args.csv else ''}{_option_names(problem)}", file=sys.stderr)
        print(f"error: {len(exc.problems)} problem(s); nothing was written", file=sys.stderr)
        return 1
    except (NotFound, CopyError) as exc:
        print(f"error: {'--' + exc.column.replace('_', '-') if isinstance(exc, NotFound) else 'copy'}: {exc}",
              file=sys.stderr)
        return 1
    try:
        if out is None:
            sys.stdout.buffer.write(pdf)
            sys.stdout.flush()
        else:
            out.write_bytes(pdf)
    except OSError as exc:
        print(f"error: cannot write {args.out}: {exc.strerror}", file=sys.stderr)
        return 1
    if args.audit_log:
        AuditLog(args.audit_log).record(*audit)
    if out is not None:
        print(f"wrote {_shown(out)}: {summary}")
    return 0


_OPTIONS = {"procedure_date": "--date", "arrival_time": "--arrival", "nothing_after": "--nothing-after"}


def _option_names(problem) -> str:
    """A form problem as the option that gave the field (`--date: ...`); list rows as they are."""
    if problem.row or not problem.column:
        return str(problem)
    return f"{_OPTIONS.get(problem.column, '--' + problem.column)}: {problem.message}"
