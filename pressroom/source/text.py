"""Content strings -> ReportLab markup.

Templates run in Jinja's sandbox with undefined variables as errors; the result is then
read for `**bold**`, `*italic*` and `[text](url)`, and every other character is escaped,
so `<`, `>` and `&` print literally and no content can inject ReportLab tags.

Content may come from anyone, so a template's cost is bounded by construction, not by a
list of dangerous filters: every value a template makes (the result of a call, a filter,
an operator, a list or dict, a `~` join, a captured block) is measured and refused once it
is larger than MAX_TEXT, and no value can grow after it was measured (lists and dicts are
read-only, and there is no `namespace()`); a call whose arguments could build more than
MAX_TEMPLATE_WORK characters is refused before it runs; the output is streamed and cut off
at the field's limit; a clock stops loops that print nothing.
"""

from __future__ import annotations

import re
import types
from bisect import bisect_left
from collections.abc import MappingView
from functools import wraps

import jinja2
from jinja2.compiler import CodeGenerator, optimizeconst
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from ..limits import (MAX_TEMPLATE_EXPONENT, MAX_TEMPLATE_RANGE, MAX_TEMPLATE_SECONDS,
                     MAX_TEMPLATE_WORK, MAX_TEXT)
from ..memo import remembered


def escape(text: str, entities: dict[str, str] | None = None) -> str:
    """&, < and > made safe for ReportLab markup and XML; what xml.sax.saxutils.escape does,
    without its module's imports (urllib.request, http.client, ssl: 20 ms of every cold start)."""
    text = text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
    for key, value in (entities or {}).items():
        text = text.replace(key, value)
    return text


def unescape(text: str) -> str:
    """The inverse of `escape` (without entities): &lt; &gt; and, last, &amp;."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


class TextError(ValueError):
    """A content string that cannot be rendered; the message says how to fix it."""


# templates ---------------------------------------------------------------------

def _size(value, budget: int = MAX_TEXT) -> int:
    """Characters and items in a template value, a shared part counted each time it
    appears (as printing or comparing it would); stops counting once past `budget`, so a
    list nested a thousand times over itself costs no more than a short one."""
    total, todo = 0, [value]
    while todo and total <= budget:
        item = todo.pop()
        if isinstance(item, (str, bytes)):
            total += len(item)
            continue
        total += 1
        if isinstance(item, int):
            total += item.bit_length() * 3 // 10  # about its decimal digits, less one
        elif isinstance(item, (range, MappingView)):
            total += len(item)
        elif isinstance(item, _Bounded):
            total += MAX_TEXT  # as much as it may yield
        elif isinstance(item, (list, tuple, set, frozenset, dict)):
            if total + len(item) > budget:
                return total + len(item)
            todo.extend(item)
            if isinstance(item, dict):
                todo.extend(item.values())
    return total


_FORMAT_NUMBER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?"  # printf style
                            r"|\{[^{}:]*:([^{}]*)(\{)?")                           # str.format style
_FORMATTERS = frozenset({"format", "format_map", "%"})


def _format_widths(fmt: str) -> list[int]:
    """The widths and precisions a format string asks for. A width taken from the
    arguments (`%*s`, `{:{w}}`) counts as too large: widths must be written out."""
    widths = []
    for match in _FORMAT_NUMBER.finditer(fmt):
        width, precision, spec, nested = match.groups()
        numbers = [width, precision] + (re.findall(r"\d+", spec) if spec else [])
        if "*" in (width, precision) or nested:
            return [MAX_TEXT + 1]
        # a long run of digits is too large without turning it into an int
        widths += [int(n) if len(n) <= len(str(MAX_TEXT)) else MAX_TEXT + 1 for n in numbers if n]
    return widths


def _check_call(name: str, subject, args, kwargs) -> None:
    """Refuse a call before it runs if a number it is given could size its result past
    MAX_TEXT, or its inputs could build more than MAX_TEMPLATE_WORK characters (the
    largest input times the rest bounds what any string function makes of them)."""
    weights = [_size(subject)] if subject is not None else []
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool):
            if abs(value) > MAX_TEXT:
                shown = value if abs(value) < 10**12 else f"of about {value.bit_length() * 3 // 10} digits"
                raise SecurityError(f"{name}(): the number {shown} is too large (at most {MAX_TEXT})")
            weights.append(abs(value))
        else:
            weights.append(_size(value))
    if name in _FORMATTERS and isinstance(subject, str):
        for width in _format_widths(subject):
            if width > MAX_TEXT:
                raise SecurityError(f"{name}: a width in the format is too large or not written out "
                                    f"(at most {MAX_TEXT})")
            weights.append(width)
    if weights:
        largest = max(weights)
        bound = largest * (1 + sum(weights) - largest)
        if bound > MAX_TEMPLATE_WORK:
            raise SecurityError(f"{name}() could build up to {bound} characters; the limit is "
                                f"{MAX_TEMPLATE_WORK}")


class _Bounded:
    """A generator a filter returned (`map`, `select`, `batch`, ...), refused once what it
    has yielded adds up to more than MAX_TEXT, so `|join` or `|list` cannot outgrow it."""

    def __init__(self, items):
        self.items, self.total = items, 0

    def __iter__(self):
        return self

    def __next__(self):
        item = next(self.items)
        self.total += _size(item)
        if self.total > MAX_TEXT:
            raise SecurityError(f"a sequence longer than {MAX_TEXT} characters or items")
        return item


class _Capture(list):
    """The buffer of a captured block (`{% set %}`, a macro, a filter block): refused as
    soon as it is longer than MAX_TEXT, however many loops feed it."""

    length = 0

    def append(self, piece) -> None:
        self.length += len(piece)
        if self.length > MAX_TEXT:
            raise SecurityError(f"a captured block is longer than {MAX_TEXT} characters")
        super().append(piece)

    def extend(self, pieces) -> None:
        for piece in pieces:
            self.append(piece)


class _Generator(CodeGenerator):
    """Jinja's code generator, with what it writes as plain Python (list, tuple and dict
    displays, `~` joins, block buffers) passed through the sandbox's measures."""

    def buffer(self, frame) -> None:
        frame.buffer = self.temporary_identifier()
        self.writeline(f"{frame.buffer} = environment.capture()")

    def _measured(visit):
        @wraps(visit)
        def visit_measured(self, node, frame) -> None:
            if getattr(node, "ctx", "load") != "load":  # a tuple assigned to, as in `for a, b in ...`
                return visit(self, node, frame)
            self.write("environment.measured(")
            visit(self, node, frame)
            self.write(")")
        return visit_measured

    visit_List = _measured(CodeGenerator.visit_List)
    visit_Tuple = _measured(CodeGenerator.visit_Tuple)
    visit_Dict = _measured(CodeGenerator.visit_Dict)
    del _measured

    @optimizeconst
    def visit_Concat(self, node, frame) -> None:
        """`a ~ b ~ ...`, with the parts measured together before they are joined (else a
        chain of one long string would be built first). The joins are Jinja's own."""
        join = ("(markup_join if context.eval_ctx.volatile else str_join)" if frame.eval_ctx.volatile
                else "markup_join" if frame.eval_ctx.autoescape else "str_join")
        self.write(f"environment.measured({join}(environment.measured((")
        for part in node.nodes:
            self.visit(part, frame)
            self.write(", ")
        self.write("))))")


def _range(*args) -> range:
    """range() for content templates: a thousand steps is plenty for text."""
    steps = range(*args)
    if len(steps) > MAX_TEMPLATE_RANGE:
        raise SecurityError(f"range longer than {MAX_TEMPLATE_RANGE}")
    return steps


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's sandbox (lists and dicts read-only), measuring every value a template makes;
    see the module's docstring."""

    code_generator_class = _Generator
    intercepted_binops = frozenset(["+", "*", "%", "**"])  # the ones that can grow a value

    def __init__(self) -> None:
        super().__init__(undefined=jinja2.StrictUndefined, autoescape=False,
                         keep_trailing_newline=False)
        self.filters = {name: self._guarded(name, f) for name, f in self.filters.items()}
        self.tests = {name: self._guarded(name, f) for name, f in self.tests.items()}
        self.globals["range"] = _range
        del self.globals["namespace"]  # the one thing that could grow after it was measured
        del self.globals["lipsum"]  # placeholder text has no place in patient material

    @staticmethod
    def measured(value):
        """A value the template made, if it is within MAX_TEXT."""
        if isinstance(value, types.GeneratorType):
            return _Bounded(value)
        if _size(value) > MAX_TEXT:
            raise SecurityError(f"a value longer than {MAX_TEXT} characters or items")
        return value

    @staticmethod
    def capture() -> _Capture:
        return _Capture()

    @staticmethod
    def concat(pieces) -> str:
        """Jinja's join for captured blocks and `self.block()`, refused past MAX_TEXT."""
        capture = _Capture()
        capture.extend(pieces)
        return "".join(capture)

    def _guarded(self, name: str, func):
        """A filter or test that checks its arguments first and measures its result."""
        context_args = 1 if getattr(func, "jinja_pass_arg", None) is not None else 0

        @wraps(func)  # keeps jinja_pass_arg, so Jinja still passes the context
        def guarded(*args, **kwargs):
            subject, rest = args[context_args], args[context_args + 1:]
            _check_call(name, subject, rest, kwargs)
            return self.measured(func(*args, **kwargs))
        return guarded

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's signature)
        name = (getattr(__obj, "__name__", None) or getattr(__obj, "name", None)  # a macro's name
                or type(__obj).__name__).lstrip("_")
        subject = getattr(getattr(__obj, "__wrapped__", __obj), "__self__", None)  # a method's object
        given = {k: v for k, v in kwargs.items() if k not in ("_loop_vars", "_block_vars")}
        _check_call(name, subject, args, given)
        return __self.measured(super().call(__context, __obj, *args, **kwargs))

    def call_binop(self, context, operator, left, right):
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > MAX_TEMPLATE_EXPONENT:
            raise SecurityError("exponent too large")
        if operator == "*":
            sizes = [len(v) for v in (left, right) if isinstance(v, (str, list, tuple))]
            counts = [v for v in (left, right) if isinstance(v, int)]
            if sizes and counts and sizes[0] * max(counts[0], 0) > MAX_TEXT:
                raise SecurityError(f"result longer than {MAX_TEXT} characters")
        if operator == "**" and isinstance(left, int) and isinstance(right, int) \
                and left.bit_length() * right * 3 // 10 > MAX_TEXT:
            raise SecurityError(f"a number longer than {MAX_TEXT} digits")
        if operator == "%" and isinstance(left, str):
            _check_call("%", left, right if isinstance(right, tuple) else (right,), {})
        return self.measured(super().call_binop(context, operator, left, right))


_ENV = _Sandbox()


@remembered(1024)
def _template(raw: str):
    """One compiled template per distinct source: every leaflet repeats the same few
    (`{{ clinic.emergency }}`), and compiling costs far more than rendering."""
    return _ENV.from_string(raw)


class _Timeout(Exception):
    pass


def _run_limited(template, variables: dict, limit: int) -> str:
    """Render piece by piece, stopping as soon as the output passes `limit` characters, or
    after MAX_TEMPLATE_SECONDS (nested loops can spin without printing anything). The alarm
    works only in the main thread; elsewhere the other limits still hold."""
    import signal
    import threading

    def stream() -> str:
        pieces, length = [], 0
        for piece in template.generate(variables):
            length += len(piece)
            if length > limit:
                raise TextError(f"the template makes more than {limit} characters; "
                                f"at most {limit} are allowed")
            pieces.append(piece)
        return "".join(pieces)

    if threading.current_thread() is not threading.main_thread():
        return stream()

    def expire(signum, frame):
        raise _Timeout()
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, MAX_TEMPLATE_SECONDS)
    try:
        return stream()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def render_template(raw: str, variables: dict, limit: int = MAX_TEXT) -> str:
    """The content string with its `{{ ... }}` filled in, at most `limit` characters."""
    if "{" not in raw:
        return raw
    try:
        return _run_limited(_template(raw), variables, limit)
    except TextError:
        raise
    except jinja2.UndefinedError as exc:
        name = re.search(r"attribute '([^']+)'|'([^']+)' is undefined", exc.message or "")
        what = next(g for g in name.groups() if g) if name else exc.message
        raise TextError(f"unknown variable {what!r}; known: {', '.join(_known(variables))}") from None
    except SecurityError as exc:
        raise TextError(f"template not allowed: {exc}") from None
    except _Timeout:
        raise TextError(f"the template ran for more than {MAX_TEMPLATE_SECONDS:g} s; simplify it") from None
    except jinja2.TemplateSyntaxError as exc:
        raise TextError(f"template syntax: {exc.message}") from None
    except Exception as exc:  # a template is content: any failure is the author's to fix
        raise TextError(f"template failed: {exc or type(exc).__name__}") from None


def _known(variables: dict) -> list[str]:
    return [f"{k}.{sub}" if isinstance(v, dict) else k
            for k, v in variables.items() for sub in (v if isinstance(v, dict) else [None])]


# markup ------------------------------------------------------------------------

_LINK_SCHEMES = ("https", "http", "mailto", "tel")
_SCHEME_SHOWN = {"https": "https://", "http": "http://", "mailto": "mailto:", "tel": "tel:"}
_HOST = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})"
_WEB = re.compile(rf"{_HOST}(?::[0-9]{{1,5}})?(?:[/?#]\S*)?")  # after "https://"
_EMAIL = re.compile(rf"[A-Za-z0-9._+-]+@{_HOST}")
_TEL = re.compile(r"\+?[0-9][0-9().-]*")
_NOT_IN_LINKS = set("\"'<>\\`")  # they end attributes and tags; no real address needs them


@remembered(8192)
def to_markup(text: str, link_color: str) -> tuple[str, str]:
    """Return (ReportLab markup, plain text) for one rendered content string (remembered:
    documents made from one source share most of their strings)."""
    markup: list[str] = []
    plain: list[str] = []
    _Inline(" ".join(text.split()), link_color).convert(0, None, markup, plain)
    return "".join(markup), "".join(plain)


def _positions(pattern: re.Pattern, text: str) -> list[int]:
    return [m.start() for m in pattern.finditer(text)]


# Where each inline delimiter may be (_Inline), compiled once rather than looked up in re's
# cache five times a string.
_OPENERS, _STARS, _BOLD_ENDS = re.compile(r"[*\[]"), re.compile(r"\*"), re.compile(r"(?<=\S)(?=\*\*)")
_BRACKETS, _URL_ENDS = re.compile(r"\]"), re.compile(r"[)\s]")


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
        self.openers = _positions(_OPENERS, text)
        self.stars = _positions(_STARS, text)
        self.bold_ends = _positions(_BOLD_ENDS, text)
        self.brackets = _positions(_BRACKETS, text)
        self.url_ends = _positions(_URL_ENDS, text)

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
            markup.append(escape(no_breaks(text[done:at])))
            plain.append(text[done:at])
            if kind == "link":
                url = text[inner_end + 2:after - 1]
                try:
                    url = check_link(url)
                except TextError as exc:
                    raise TextError(f"link {exc}") from None
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
        markup.append(escape(no_breaks(text[done:end])))
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


def check_link(url: str, schemes: tuple[str, ...] = _LINK_SCHEMES) -> str:
    """`url` if it is safe to make a live link (and a QR code) of: one of `schemes`, in any
    case; printable ASCII without quotes or brackets; a whole web address, e-mail address or
    phone number after the scheme. Else TextError saying what is wrong."""
    url = _ascii_url(url)
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


def _ascii_url(url: str) -> str:
    """A link written with letters beyond ASCII (https://ejemplo.es/niño, https://bücher.example)
    as the ASCII a PDF link must be: the host in IDNA, the rest percent-encoded."""
    import unicodedata
    if url.isascii() or any(unicodedata.category(ch)[0] in "CZ" for ch in url):
        return url  # invisible, control and space characters stay, to be refused
    from urllib.parse import quote, urlsplit, urlunsplit
    try:
        parts = urlsplit(url)
        host = parts.netloc if parts.netloc.isascii() else parts.netloc.encode("idna").decode("ascii")
    except (UnicodeError, ValueError):
        return url
    safe = "/?#[]@!$&()*+,;=:%~-._"
    return urlunsplit((parts.scheme, host, quote(parts.path, safe), quote(parts.query, safe),
                       quote(parts.fragment, safe)))


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




def _units() -> str:
    from importlib.resources import files
    lines = files("pressroom").joinpath("data/units.txt").read_text(encoding="utf-8").splitlines()
    words = sorted((w.strip() for w in lines if w.strip() and not w.startswith("#")), key=len, reverse=True)
    return "|".join(re.escape(w) for w in words)


_PHONE = re.compile(r"(?<![\w])(?:\+\d{1,3}[\s.\-])?(?:\(\d{2,4}\)|\d{2,4})(?:[\s.\-]\d{2,5}){1,3}"
                    r"(?:\s?(?:ext\.?|x)\s?\d{1,5})?(?!\w)")
_UNIT = re.compile(rf"(\d) (?=(?:{_units()})(?![\w]))")
NBSP = "\u00a0"


def no_breaks(text: str) -> str:
    """Plain text with no-break spaces where a line must not break: inside a phone number
    ("(555) 013-2290") and between a number and its unit ("38.3 °C", "24 hours"). The bundled
    fonts draw U+00A0, and ReportLab breaks lines at other spaces only."""
    if not any(map(str.isdigit, text)):
        return text
    text = _PHONE.sub(lambda m: m.group(0).replace(" ", NBSP), text)
    return _UNIT.sub(rf"\1{NBSP}", text)


def missing_glyphs(plain: str, charset: frozenset[int]) -> list[str]:
    """Characters no bundled font can draw (they would print as blank boxes)."""
    if charset.issuperset(map(ord, set(plain))):  # the usual answer, in one set operation
        return []
    return [ch for ch in dict.fromkeys(plain) if ord(ch) not in charset and not ch.isspace()]


def right_to_left(text: str) -> str | None:
    """The script of the first right-to-left letter in `text` (Arabic, Hebrew, …), if any."""
    import unicodedata
    for ch in text:
        if ch > "\u058f" and unicodedata.bidirectional(ch) in ("R", "AL"):
            return unicodedata.name(ch, "RIGHT-TO-LEFT").split()[0].title()
    return None
