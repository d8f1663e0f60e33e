"""Content strings -> ReportLab markup.

Templates run in Jinja's sandbox with undefined variables as errors; the result is then
read for `**bold**`, `*italic*` and `[text](url)`, and every other character is escaped,
so `<`, `>` and `&` print literally and no content can inject ReportLab tags.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

import jinja2
from jinja2.sandbox import SandboxedEnvironment, SecurityError

MAX_LENGTH = 20_000  # characters a rendered content string may have


class _Sandbox(SandboxedEnvironment):
    """Jinja's sandbox, also refusing arithmetic that would build huge values
    (`'x' * 10**9` would otherwise stall the build)."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context, operator, left, right):
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > 100:
            raise SecurityError("exponent too large")
        if operator == "*":
            sizes = [len(v) for v in (left, right) if isinstance(v, (str, list, tuple))]
            counts = [v for v in (left, right) if isinstance(v, int)]
            if sizes and counts and sizes[0] * max(counts[0], 0) > MAX_LENGTH:
                raise SecurityError(f"result longer than {MAX_LENGTH} characters")
        return super().call_binop(context, operator, left, right)


_ENV = _Sandbox(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False)
TIME_LIMIT = 2.0  # seconds one content string's template may run


def _short_range(*args) -> range:
    """range() for content templates: a thousand steps is plenty for text."""
    steps = range(*args)
    if len(steps) > 1000:
        raise SecurityError("range longer than 1000")
    return steps


_ENV.globals["range"] = _short_range


class _Timeout(Exception):
    pass


def _run_limited(template, variables: dict) -> str:
    """Render, giving up after TIME_LIMIT (nested loops can spin without printing anything).
    The alarm works only in the main thread; elsewhere the other limits still hold."""
    import signal
    import threading
    if threading.current_thread() is not threading.main_thread():
        return template.render(variables)

    def expire(signum, frame):
        raise _Timeout()
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, TIME_LIMIT)
    try:
        return template.render(variables)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
_INLINE = re.compile(
    r"\*\*(?P<bold>\S(?:.*?\S)?)\*\*"
    r"|(?<![\w*])\*(?P<italic>[^\s*](?:[^*]*?[^\s*])?)\*(?![\w*])"
    r"|\[(?P<label>[^\]\n]+)\]\((?P<url>[^)\s]+)\)"
)
_LINK_SCHEMES = ("https", "http", "mailto", "tel")
_SCHEME_SHOWN = {"https": "https://", "http": "http://", "mailto": "mailto:", "tel": "tel:"}
_HOST = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})"
_WEB = re.compile(rf"{_HOST}(?::[0-9]{{1,5}})?(?:[/?#]\S*)?")  # after "https://"
_EMAIL = re.compile(rf"[A-Za-z0-9._+-]+@{_HOST}")
_TEL = re.compile(r"\+?[0-9][0-9().-]*")
_NOT_IN_LINKS = set("\"'<>\\`")  # they end attributes and tags; no real address needs them


class TextError(ValueError):
    """A content string that cannot be rendered; the message says how to fix it."""


def render_template(raw: str, variables: dict) -> str:
    if "{" not in raw:
        return raw
    try:
        rendered = _run_limited(_ENV.from_string(raw), variables)
    except jinja2.UndefinedError as exc:
        name = re.search(r"attribute '([^']+)'|'([^']+)' is undefined", exc.message or "")
        what = next(g for g in name.groups() if g) if name else exc.message
        raise TextError(f"unknown variable {what!r}; known: {', '.join(_known(variables))}") from None
    except SecurityError as exc:
        raise TextError(f"template not allowed: {exc}") from None
    except _Timeout:
        raise TextError(f"the template ran for more than {TIME_LIMIT:g} s; simplify it") from None
    except jinja2.TemplateSyntaxError as exc:
        raise TextError(f"template syntax: {exc.message}") from None
    except Exception as exc:  # a template is content: any failure is the author's to fix
        raise TextError(f"template failed: {exc}") from None
    if len(rendered) > MAX_LENGTH:
        raise TextError(f"the template makes {len(rendered)} characters; at most {MAX_LENGTH} are allowed")
    return rendered


def _known(variables: dict) -> list[str]:
    return [f"{k}.{sub}" if isinstance(v, dict) else k
            for k, v in variables.items() for sub in (v if isinstance(v, dict) else [None])]


def to_markup(text: str, link_color: str) -> tuple[str, str]:
    """Return (ReportLab markup, plain text) for one rendered content string."""
    markup: list[str] = []
    plain: list[str] = []
    _convert(" ".join(text.split()), link_color, markup, plain)
    return "".join(markup), "".join(plain)


def _convert(text: str, link_color: str, markup: list[str], plain: list[str]) -> None:
    pos = 0
    for match in _INLINE.finditer(text):
        markup.append(escape(text[pos:match.start()]))
        plain.append(text[pos:match.start()])
        if match["bold"] is not None:
            markup.append("<b>")
            _convert(match["bold"], link_color, markup, plain)
            markup.append("</b>")
        elif match["italic"] is not None:
            markup.append("<i>")
            _convert(match["italic"], link_color, markup, plain)
            markup.append("</i>")
        else:
            try:
                url = check_link(match["url"])
            except TextError as exc:
                raise TextError(f"link {exc}") from None
            markup.append(f'<a href="{escape(url, {chr(34): "&quot;"})}" color="{link_color}">'
                          f'<u>')
            _convert(match["label"], link_color, markup, plain)
            markup.append("</u></a>")
        pos = match.end()
    markup.append(escape(text[pos:]))
    plain.append(text[pos:])


def check_link(url: str, schemes: tuple[str, ...] = _LINK_SCHEMES) -> str:
    """`url` if it is safe to make a live link (and a QR code) of: one of `schemes`, in any
    case; printable ASCII without quotes or brackets; a whole web address, e-mail address or
    phone number after the scheme. Else TextError saying what is wrong."""
    bad = next((ch for ch in url if not "!" <= ch <= "~" or ch in _NOT_IN_LINKS), None)
    if bad is not None:
        raise TextError(f"{url!r} contains {bad!r}, which cannot be part of a link")
    scheme, _, rest = url.partition(":")
    scheme = scheme.lower()
    if scheme not in schemes:
        shown = [_SCHEME_SHOWN[s] for s in schemes]
        allowed = shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} or {shown[-1]}"
        raise TextError(f"{url!r} must start with {allowed}")
    if scheme in ("https", "http") and not (rest.startswith("//") and _WEB.fullmatch(rest[2:])):
        raise TextError(f"{url!r} is not a whole web address (like https://example.org/page)")
    if scheme == "mailto" and not _EMAIL.fullmatch(rest):
        raise TextError(f"{url!r} is not an e-mail address (like mailto:care@example.org)")
    if scheme == "tel" and not _TEL.fullmatch(rest):
        raise TextError(f"{url!r} is not a phone number (like tel:+15555550142)")
    return url


def web_address(value: str) -> str:
    """A website as a link: http(s)://…, or a bare domain (example.org/patients), which gets
    https:// so that the link and the QR code open it."""
    try:
        return check_link("https://" + value if _WEB.fullmatch(value) else value, ("https", "http"))
    except TextError as exc:
        raise TextError(f"{exc}; write a web address like https://example.org or example.org/patients") from None


def email_address(value: str) -> str:
    """A plain e-mail address (the renderers make the mailto: link)."""
    if value.lower().startswith("mailto:"):
        raise TextError("write the address alone, without mailto:")
    if not _EMAIL.fullmatch(value):
        raise TextError(f"expected an e-mail address like care@example.org, found {value!r}")
    return value


def missing_glyphs(plain: str, charset: frozenset[int]) -> list[str]:
    """Characters no bundled font can draw (they would print as blank boxes)."""
    seen = []
    for ch in plain:
        if ord(ch) not in charset and not ch.isspace() and ch not in seen:
            seen.append(ch)
    return seen
