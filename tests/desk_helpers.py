"""Helpers for the print desk's tests: a real server on a free loopback port, an HTTP
session with cookies, and a search of files for a marker."""

from __future__ import annotations

import http.cookiejar
import io
import os
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from pypdf import PdfReader


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerThread:
    """create_app's app under waitress, in a thread, on a free loopback port."""

    def __init__(self, app, settings):
        from dataclasses import replace
        from pressroom.desk import serve
        self.server = serve(app, replace(settings, port=0))
        self.port = self.server.effective_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.task_dispatcher.shutdown()
        self.server.close()
        self.thread.join(timeout=5)


def wait_for(url: str, seconds: float = 90) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer")


class Session:
    """A browser-like HTTP session: cookies, the CSRF token from the page, forms and files."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.token = ""

    def get(self, path: str):
        return self._open(urllib.request.Request(self.base + path))

    def csrf(self, page: str) -> str:
        _, _, body = self.get(page)
        self.token = re.search(rb'name="csrf_token" value="([^"]+)"', body).group(1).decode()
        return self.token

    def post(self, path: str, fields: dict, files: dict | None = None, headers: dict | None = None):
        fields = {"csrf_token": self.token, **fields}
        if files:
            boundary = uuid.uuid4().hex
            parts = []
            for key, value in fields.items():
                parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
            for key, (name, data) in files.items():
                parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; filename="{name}"\r\n'
                             f"Content-Type: text/csv\r\n\r\n".encode() + data + b"\r\n")
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            kind = f"multipart/form-data; boundary={boundary}"
        else:
            body, kind = urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.base + path, data=body, method="POST",
                                         headers={"Content-Type": kind, **(headers or {})})
        return self._open(request)

    def _open(self, request):
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    meta = " ".join(str(v) for v in (reader.metadata or {}).values())
    return meta + "\n" + "\n".join(page.extract_text() for page in reader.pages)


def files_holding(marker: str, folders, since: float = 0.0, skip=()) -> list[Path]:
    """Files under the folders (changed since `since`) whose bytes hold the marker as UTF-8 or
    UTF-16, or, for a PDF, whose text or metadata does."""
    needles = [marker.encode(enc) for enc in ("utf-8", "utf-16-le", "utf-16-be")]
    found = []
    for folder in folders:  # os.walk passes over folders others remove meanwhile (a shared /tmp)
        for path in (Path(top, name) for top, dirs, names in os.walk(folder) for name in dirs + names):
            try:
                if path.is_symlink() or not path.is_file() or path in skip:
                    continue
                stat = path.stat()
                if stat.st_mtime < since or stat.st_size > 256 * 1024 * 1024:
                    continue
                data = path.read_bytes()
            except OSError:
                continue  # gone, or not ours to read
            if any(n in data for n in needles):
                found.append(path)
            elif data.startswith(b"%PDF"):
                try:
                    if marker in pdf_text(data):
                        found.append(path)
                except Exception:
                    pass
    return found
