"""What keeps the desk safe on a clinic network.

- Host allow-list: a request naming another host is refused (DNS rebinding).
- Token: off loopback (or whenever one is given) staff type it once per browser session.
- CSRF: every POST carries the session's token, and an Origin, when sent, must be ours.
- Headers on every response: a strict Content-Security-Policy with no third party,
  nosniff, no referrer, no framing; `Cache-Control: no-store` on everything but static
  files, thumbnails and catalogue PDFs, so nothing with patient data is ever cached.
"""

from __future__ import annotations

import hmac
import secrets
import time
from urllib.parse import urlsplit

from flask import Flask, current_app, redirect, request, session, url_for
from werkzeug.exceptions import HTTPException

from .settings import DeskSettings, host_name

CSP = ("default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; object-src 'self'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
CACHEABLE = ("desk.static", "desk.thumbnail")
OPEN = ("desk.static", "desk.login", "desk.favicon")  # reachable before the token is given


class Refused(HTTPException):
    """A request the desk will not serve, with a message for the person who sent it."""

    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def install(app: Flask, settings: DeskSettings) -> None:
    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.before_request
    def check_host():
        name = host_name(request.host or "")
        if name not in settings.allowed_hosts:
            raise Refused(400, "This print desk does not answer to that host name. Open it with the "
                          "address it printed when it started (for another name, start it with --allow-host).")

    @app.before_request
    def check_token():
        if not settings.token or session.get("signed_in") or request.endpoint in OPEN:
            return None
        if request.method == "GET":
            return redirect(url_for("desk.login", next=request.full_path if request.query_string else request.path))
        raise Refused(401, "Sign in to the print desk first: open it and type the desk's token.")

    @app.before_request
    def check_csrf():
        if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
            return
        origin = request.headers.get("Origin")  # "null" from a form under no-referrer: the token decides
        if origin and origin != "null" and host_name(urlsplit(origin).netloc) not in settings.allowed_hosts:
            raise Refused(403, "This form was sent from another site; the desk only accepts its own forms.")
        sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token", "")
        expected = session.get("csrf")
        if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
            raise Refused(403, "This form is out of date or did not come from the desk (its security "
                          "token is missing or wrong). Reload the page and try again; nothing was made.")

    @app.after_request
    def headers(response):
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
        if request.endpoint not in CACHEABLE and request.endpoint != "desk.document":
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
        return response


def check_token(given: str, settings: DeskSettings) -> bool:
    ok = bool(settings.token) and hmac.compare_digest(given.encode(), settings.token.encode())
    if not ok:
        time.sleep(0.5)  # a guess costs time
    return ok


def secret_key() -> bytes:
    """Sessions (the CSRF token, signed-in) last as long as this desk process."""
    return secrets.token_bytes(32)


def settings() -> DeskSettings:
    return current_app.extensions["pressroom.settings"]
