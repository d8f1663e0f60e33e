"""The print desk: a local web page where front-desk staff find, open and print every
document of the build, make a personalised copy for the patient in front of them, and
print tomorrow's list in one file.

An application factory in the manner of Flask's tutorial: `create_app(settings)` returns
the app; `serve(app, settings)` runs it under waitress (never Flask's development server,
never in debug mode), with buffers sized so that no request or response, and so no
patient data, is ever spooled to a temporary file.
"""

from __future__ import annotations

import io
from typing import Callable

from flask import Flask
from flask.wrappers import Request

from ..audit import AuditLog
from ..patient import MAX_UPLOAD_BYTES
from .live import Live
from .settings import DeskSettings

MAX_REQUEST = MAX_UPLOAD_BYTES + 64 * 1024  # a 1 MB list plus the form around it


class MemoryRequest(Request):
    """Uploaded files stay in memory: Werkzeug would spool one over 500 KB to a temp file."""

    max_form_parts = 100

    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        return io.BytesIO()


def create_app(settings: DeskSettings, on_event: Callable[[str], None] | None = None,
               live: Live | None = None, watch: bool = True) -> Flask:
    """The desk for one build. It loads (or brings up to date) the build now; with `watch`,
    a thread rebuilds whenever an input changes and renders thumbnails."""
    from . import security, views
    app = Flask(__name__)
    app.request_class = MemoryRequest
    app.debug = False
    app.config.update(
        SECRET_KEY=security.secret_key(), MAX_CONTENT_LENGTH=MAX_REQUEST, PROPAGATE_EXCEPTIONS=False,
        SESSION_COOKIE_NAME="pressroom_desk", SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Strict",
        TEMPLATES_AUTO_RELOAD=False, JSON_SORT_KEYS=False)
    app.extensions["pressroom.settings"] = settings
    app.extensions["pressroom.audit"] = AuditLog(settings.audit_log)
    live = live or Live(settings, on_event)
    app.extensions["pressroom.live"] = live
    security.install(app, settings)
    app.register_blueprint(views.bp)
    app.register_error_handler(Exception, views.error_response)
    if live.snapshot.generation == 0:
        live.refresh()
    if watch:
        live.start()
    return app


def serve(app: Flask, settings: DeskSettings):
    """A waitress server for the app, bound and ready: call .run(), then .close().

    Waitress spools request bodies over `inbuf_overflow` and responses over `outbuf_overflow`
    to temporary files; both are set above anything the desk receives or sends, so patient
    data stays in memory."""
    from waitress import create_server
    return create_server(
        app, host=settings.host, port=settings.port, threads=settings.threads, ident="pressroom",
        max_request_body_size=MAX_REQUEST, inbuf_overflow=MAX_REQUEST * 2,
        outbuf_overflow=1 << 40, outbuf_high_watermark=1 << 40, clear_untrusted_proxy_headers=True,
        expose_tracebacks=False)
