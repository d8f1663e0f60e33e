"""The audit trail of personalised copies: one line per copy or list, with the time, the
documents, their editions and how many copies, and never anything about a patient."""

from __future__ import annotations

import datetime as dt
import os
import threading
from pathlib import Path


class AuditLog:
    """Appends lines like

        2026-03-02T09:14:05-05:00  copy  copies=1  en/letter/leaflet-discectomy.pdf (standard) x1

    to a file the clinic keeps. Only catalogue paths, editions and counts are ever written."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()

    def record(self, what: str, documents, now: dt.datetime | None = None) -> str:
        """`what` is "copy" or "list"; `documents` holds (catalogue path, edition, copies)."""
        stamp = (now or dt.datetime.now().astimezone()).isoformat(timespec="seconds")
        copies = sum(n for _, _, n in documents)
        listed = ", ".join(f"{path} ({edition}) x{n}" for path, edition, n in documents)
        line = f"{stamp}  {what}  copies={copies}  {listed}\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o640)
            with os.fdopen(fd, "a", encoding="utf-8") as handle:
                handle.write(line)
        return line
