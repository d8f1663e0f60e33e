#!/usr/bin/env python3
"""Measure the print desk through waitress on loopback, as a browser would use it: the
catalogue page (the default build, and a 104-document catalogue), a personalised copy
answered warm (p50), and a 100-patient list.

Usage: python bench/desk.py [--repeat N]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


class Client:
    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.token = ""

    def get(self, path: str) -> bytes:
        with self.opener.open(self.base + path) as response:
            return response.read()

    def post(self, path: str, fields: dict, csv: bytes | None = None) -> bytes:
        fields = {"csrf_token": self.token, **fields}
        if csv is None:
            body, kind = urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"
        else:
            b = uuid.uuid4().hex
            body = b"".join(f'--{b}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                            for k, v in fields.items())
            body += (f'--{b}\r\nContent-Disposition: form-data; name="csv"; filename="list.csv"\r\n'
                     f"Content-Type: text/csv\r\n\r\n").encode() + csv + f"\r\n--{b}--\r\n".encode()
            kind = f"multipart/form-data; boundary={b}"
        request = urllib.request.Request(self.base + path, data=body, headers={"Content-Type": kind})
        with self.opener.open(request) as response:
            return response.read()


CPU: list[float] = []  # CPU seconds of this process (server and client) per call of the last timed()


def timed(call, repeat: int) -> list[float]:
    """Wall-clock seconds per call; CPU seconds go to CPU (the machine may be shared: CPU time
    is what the desk itself spent)."""
    out = []
    CPU.clear()
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        call()
        out.append(time.perf_counter() - start)
        CPU.append(time.process_time() - cpu)
    return out


def p50(times: list[float]) -> str:
    return (f"{statistics.median(times) * 1000:.0f} ms (p50 of {len(times)}; best {min(times) * 1000:.0f} ms; "
            f"CPU p50 {statistics.median(CPU) * 1000:.0f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    from pressroom.build.pipeline import Paths
    from pressroom.desk import create_app, serve
    from pressroom.desk.settings import DeskSettings

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "brochures"
        subprocess.run([sys.executable, str(ROOT / "generate.py"), "--out", str(out), "--quiet"], check=True)
        settings = DeskSettings.make(Paths(ROOT / "content", ROOT / "layouts", ROOT / "fonts", out),
                                     audit_log=Path(tmp) / "audit.log")
        app = create_app(settings, watch=False)
        live = app.extensions["pressroom.live"]
        live.warm()  # thumbnails, as the desk renders them in the background after a build
        server = serve(app, replace(settings, port=0))
        threading.Thread(target=server.run, daemon=True).start()
        client = Client(f"http://127.0.0.1:{server.effective_port}")
        try:
            docs = len(live.snapshot.documents)
            client.get("/")
            print(f"catalogue page, {docs} documents: {p50(timed(lambda: client.get('/'), args.repeat))}")
            print(f"catalogue search 'fusion': {p50(timed(lambda: client.get('/?q=fusion'), args.repeat))}")

            snap = live.snapshot
            twice = snap.documents + tuple(replace(d, path="x/" + d.path) for d in snap.documents)
            live.snapshot = replace(snap, documents=twice, by_path={d.path: d for d in twice})
            client.get("/")
            print(f"catalogue page, {len(twice)} documents: {p50(timed(lambda: client.get('/'), args.repeat))}")
            live.snapshot = snap

            page = client.get("/copy/en/letter/leaflet-discectomy.pdf")
            client.token = re.search(rb'name="csrf_token" value="([^"]+)"', page)[1].decode()
            fields = {"name": "Bench Patient-Fake", "procedure_date": "2026-03-03", "arrival_time": "07:30",
                      "place": "Riverside Surgery Center", "surgeon": "Dr. A. Name", "nothing_after": "22:00"}
            copy = lambda: client.post("/copy/en/letter/leaflet-discectomy.pdf", fields)  # noqa: E731
            timed(copy, 3)
            print(f"personalised copy, warm: {p50(timed(copy, args.repeat))}")

            slugs = ["discectomy", "spinal-fusion", "decompression", "kyphoplasty"]
            rows = "".join(f"Bench Patient {i},{slugs[i % 4]},{'es' if i % 3 == 0 else 'en'},letter,"
                           f"{'yes' if i % 10 == 0 else 'no'},2026-03-03,07:30,Suite {i},Dr. A. Name,22:00,\n"
                           for i in range(100))
            csv = ("name,procedure,language,paper,large_print,procedure_date,arrival_time,place,surgeon,"
                   "nothing_after,note\n" + rows).encode()
            sizes = []
            times = timed(lambda: sizes.append(len(client.post("/list", {}, csv))), 3)
            print(f"100-patient list: {statistics.median(times):.2f} s (median of 3; best {min(times):.2f} s; "
                  f"CPU {statistics.median(CPU):.2f} s), {sizes[-1] / 1e6:.1f} MB")
        finally:
            server.task_dispatcher.shutdown()
            server.close()


if __name__ == "__main__":
    main()
