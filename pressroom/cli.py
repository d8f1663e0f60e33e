"""The command line: the only place that prints or exits."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from .build import Paths, build
from .errors import ContentError, PressroomError


def _shown(path: Path) -> str:
    """Relative to the working folder when inside it, so messages stay short and clickable."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path.resolve()) if rel.startswith("..") else rel


def parse_args(argv, root: Path) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="pressroom", description="Build print-ready patient leaflets, guide and brochure PDFs "
        "from structured content.")
    parser.add_argument("--content", type=Path, default=root / "content", help="content tree (default: content/)")
    parser.add_argument("--layouts", type=Path, default=root / "layouts", help="layouts folder (default: layouts/)")
    parser.add_argument("--fonts", type=Path, default=root / "fonts", help="fonts folder (default: fonts/)")
    parser.add_argument("--out", type=Path, default=root / "brochures", help="output folder (default: brochures/)")
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors")
    parser.add_argument("--version", action="version", version=f"pressroom {__version__}")
    return parser.parse_args(argv)


def main(argv=None, root: Path | None = None) -> int:
    root = root or Path.cwd()
    try:
        args = parse_args(argv, root)
    except SystemExit as exc:  # argparse already printed the usage error
        return 2 if exc.code else 0
    paths = Paths(content=args.content, layouts=args.layouts, fonts=args.fonts, out=args.out,
                  shown_content=_shown(args.content), shown_layouts=_shown(args.layouts))

    def report(entry: dict) -> None:
        if not args.quiet:
            print(f"built {_shown(args.out / entry['path'])} ({entry['pages']} pages)")

    try:
        result = build(paths, on_written=report)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"error: {len(exc.problems)} problem(s); nothing was written", file=sys.stderr)
        return 1
    except PressroomError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; earlier PDFs are untouched", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug of ours: say so in one line; PRESSROOM_DEBUG shows the trace
        if os.environ.get("PRESSROOM_DEBUG"):
            raise
        print(f"error: internal error ({type(exc).__name__}: {exc}); please report it "
              "(set PRESSROOM_DEBUG=1 for details)", file=sys.stderr)
        return 1
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    if not args.quiet:
        print(f"{len(result.written)} PDFs and {_shown(result.manifest)} written")
    return 0


def entry_point() -> None:
    sys.exit(main())
