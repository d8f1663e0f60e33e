"""Content strings -> ReportLab markup.

Templates run in Jinja's sandbox with undefined variables as errors; the result is then
read for `**bold**`, `*italic*` and `[text](url)`, and every other character is escaped,
so `<`, `>` and `&` print literally and no content can inject ReportLab tags.
"""

from __future__ import annotations

import re
from bisect import bisect_left
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


_LINK_SCHEMES = ("https://", "http://", "mailto:", "tel:")


def to_markup(text: str, link_color: str) -> tuple[str, str]:
    """Return (ReportLab markup, plain text) for one rendered content string."""
    markup: list[str] = []
    plain: list[str] = []
    _Inline(" ".join(text.split()), link_color).convert(0, None, markup, plain)
    return "".join(markup), "".join(plain)


def _positions(pattern: str, text: str) -> list[int]:
    return [m.start() for m in re.finditer(pattern, text)]


def _is_word(ch: str) -> bool:
    """What `\\w` matches in a str pattern."""
    return ch.isalnum() or ch == "_"


class _Inline:
    """`**bold**`, `*italic*` and `[label](url)` in one string, read left to right.

    The rules are those of the single regex this replaced, which searched ahead from every
    `*` and so took quadratic time (minutes for a long paragraph of `**`): bold is `**`, a
    non-space, and runs to the first `**` after a non-space (preferring one at least two
    characters on); italic is a `*` not after a word character or `*`, a non-space, no `*`,
    a non-space and a `*` not before a word character or `*`; a link is `[`, a label with
    no `]`, `](`, a URL with no space or `)`, and `)`. Bold is tried before italic, italic
    before a link; a label, bold or italic text is read again on its own. Here every place a
    delimiter can be is listed once, so each rule is a lookup.
    """

    def __init__(self, text: str, link_color: str):
        self.text, self.link_color = text, link_color
        self.openers = _positions(r"[*\[]", text)
        self.stars = _positions(r"\*", text)
        self.bold_ends = _positions(r"(?<=\S)(?=\*\*)", text)
        self.brackets = _positions(r"\]", text)
        self.url_ends = _positions(r"[)\s]", text)

    @staticmethod
    def _first(positions: list[int], start: int, end: int) -> int | None:
        """The first listed position in [start, end)."""
        i = bisect_left(positions, start)
        return positions[i] if i < len(positions) and positions[i] < end else None

    def convert(self, start: int, end: int | None, markup: list[str], plain: list[str]) -> None:
        """Append text[start:end] as markup and plain text."""
        text = self.text
        end = len(text) if end is None else end
        done = at = start
        while (at := self._first(self.openers, at, end)) is not None:
            found = self._bold(at, end) or self._italic(at, start, end) or self._link(at, end)
            if found is None:
                at += 1
                continue
            kind, inner_start, inner_end, after = found
            markup.append(escape(text[done:at]))
            plain.append(text[done:at])
            if kind == "link":
                url = text[inner_end + 2:after - 1]
                if not url.startswith(_LINK_SCHEMES):
                    raise TextError(f"link {url!r} must start with https://, http://, mailto: or tel:")
                markup.append(f'<a href="{escape(url, {chr(34): "&quot;"})}" color="{self.link_color}">'
                              f'<u>')
                self.convert(inner_start, inner_end, markup, plain)
                markup.append("</u></a>")
            else:
                tag = "b" if kind == "bold" else "i"
                markup.append(f"<{tag}>")
                self.convert(inner_start, inner_end, markup, plain)
                markup.append(f"</{tag}>")
            done = at = after
        markup.append(escape(text[done:end]))
        plain.append(text[done:end])

    def _bold(self, at: int, end: int):
        text = self.text
        if not (text.startswith("**", at) and at + 2 < end and not text[at + 2].isspace()):
            return None
        close = self._first(self.bold_ends, at + 4, end - 1)
        if close is None and at + 4 < end and text[at + 3] == text[at + 4] == "*":
            close = at + 3  # one character of bold: the regex tried this only after longer ones
        return None if close is None else ("bold", at + 2, close, close + 2)

    def _italic(self, at: int, start: int, end: int):
        text = self.text
        if (text[at] != "*" or (at > start and (_is_word(text[at - 1]) or text[at - 1] == "*"))
                or at + 1 >= end or text[at + 1] == "*" or text[at + 1].isspace()):
            return None
        close = self._first(self.stars, at + 2, end)
        if close is None or text[close - 1].isspace():
            return None
        if close + 1 < end and (_is_word(text[close + 1]) or text[close + 1] == "*"):
            return None
        return "italic", at + 1, close, close + 1

    def _link(self, at: int, end: int):
        text = self.text
        if text[at] != "[":
            return None
        bracket = self._first(self.brackets, at + 1, end)
        if bracket is None or bracket == at + 1 or bracket + 1 >= end or text[bracket + 1] != "(":
            return None
        url_end = self._first(self.url_ends, bracket + 2, end)
        if url_end is None or url_end == bracket + 2 or text[url_end] != ")":
            return None
        return "link", at + 1, bracket, url_end + 1


def missing_glyphs(plain: str, charset: frozenset[int]) -> list[str]:
    """Characters no bundled font can draw (they would print as blank boxes)."""
    seen = []
    for ch in plain:
        if ord(ch) not in charset and not ch.isspace() and ch not in seen:
            seen.append(ch)
    return seen
