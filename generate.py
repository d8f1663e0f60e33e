#!/usr/bin/env python3
"""Build every PDF from content/ into brochures/ (see README). Options: --help.

`python generate.py desk` serves the print desk; `python generate.py personalise` makes
personalised copies (each has its own --help)."""

import sys
from pathlib import Path

from pressroom.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], root=Path(__file__).resolve().parent))
