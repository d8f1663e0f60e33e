"""`--watch`: rebuild when an input changes; errors are reported and watching goes on.

Polling file stamps twice a second is plenty for people editing text, and needs no
platform-specific notification library.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Callable


def stamps(folders: list[Path]) -> dict[Path, tuple[int, int]]:
    out = {}
    for folder in folders:
        if folder.is_dir():
            for path in folder.rglob("*"):
                if path.is_file() and not path.name.startswith("."):
                    stat = path.stat()
                    out[path] = (stat.st_mtime_ns, stat.st_size)
    return out


def watch(build_once: Callable[[], int], folders: list[Path], interval: float = 0.5,
          rounds: int | None = None) -> int:
    """Build now, then again after every change; `rounds` bounds the loop for tests."""
    seen = stamps(folders)
    build_once()
    print(f"watching {', '.join(str(f) for f in folders)} (Ctrl-C to stop)", flush=True)
    try:
        while rounds is None or rounds > 0:
            time.sleep(interval)
            current = stamps(folders)
            if current != seen:
                changed = sorted(str(p) for p in set(current) ^ set(seen) |
                                 {p for p in current if seen.get(p) != current[p]})
                print(f"changed: {', '.join(changed[:5])}{' …' if len(changed) > 5 else ''}", flush=True)
                seen = current
                build_once()
                sys.stdout.flush()
            if rounds is not None:
                rounds -= 1
    except KeyboardInterrupt:
        print("stopped watching")
    return 0
