"""The operators of a PDF content stream that a reader asks for, with their operands, read
straight from the bytes by regular expressions. pypdf's ContentStream builds an object for
every token of every operator, and the press-file preflight needs about a third of the
operators and the operands of fewer still; this skips the rest in C.

Tokens follow ISO 32000-1 §7.2-7.3 and §8.9.7: numbers, names (with #xx escapes), literal
strings (escapes, nested parentheses), hex strings, arrays, dictionaries, comments, the
booleans and null, and inline images (BI … ID data EI), whose data is skipped unread.
Operands that are not numbers, names, booleans or null come back as `Other`.
"""

from __future__ import annotations

import re
from typing import Iterator

_WS = rb"\x00\t\n\x0c\r "
_REG = rb"[^" + _WS + rb"()<>\[\]{}/%]"   # a regular character
_END = rb"(?!" + _REG + rb")"              # … and the token ends here
# Each token can match in one way only, so a failed match cannot backtrack for long. A
# literal string nested more than one level deep is left to the slow path (`_string_end`).
_STR = rb"\([^()\\]*(?:(?:\\.|\([^()\\]*(?:\\.[^()\\]*)*\))[^()\\]*)*\)"
_NUM = rb"[-+.0-9]+" + _END   # loose: a malformed number of a wanted operator fails in float()
_CONST = rb"(?:true|false|null)" + _END
_TOKENS = (_NUM + rb"|/" + _REG + rb"*" + _END + rb"|" + _STR + rb"|<(?!<)[^>]*>|<<|>>|\[|\]|" + _CONST)
_COMMENT = rb"%[^\r\n]*(?![^\r\n])"
_OPERAND = rb"(?:" + _TOKENS + rb"|" + _COMMENT + rb")[" + _WS + rb"]*"   # one operand (or comment) and its white space
_OPERATOR = rb"(?!" + _CONST + rb")[A-Za-z'\"]" + _REG + rb"*" + _END
_PLAIN = re.compile(rb"[()<>\[\]{}%]|\S/|true|false|null")  # operands that `split` cannot take
_TOKEN = re.compile(rb"[" + _WS + rb"]*(?:(" + _TOKENS + rb")|(" + _OPERATOR + rb")|(\()|(" + _COMMENT + rb")|\Z)", re.S)
_REST = re.compile(rb"(?:" + _OPERAND + rb")*\Z", re.S).match   # operands no operator takes
_EI_AT = re.compile(rb"[" + _WS + rb"]*EI(?=[" + _WS + rb"]|\Z)")              # EI right after the data
_EI_AFTER = re.compile(rb"(?<=[" + _WS + rb"])EI(?=[" + _WS + rb"]|\Z)")        # EI somewhere in the data


class Other:
    """A string, array or dictionary operand (its source bytes): no number, no name."""
    __slots__ = ("raw",)

    def __init__(self, raw: bytes):
        self.raw = raw

    def __repr__(self):
        return f"Other({self.raw!r})"


class Reader:
    """Reads the operators in `wanted` (bytes, like b"cm") from content streams."""

    def __init__(self, wanted: set[bytes]):
        self.wanted = frozenset(wanted)
        names = b"|".join(re.escape(n) for n in sorted(self.wanted | {b"BI"}, key=len, reverse=True))
        stop = rb"(?:" + names + rb")" + _END
        # the operators not wanted with their operands, matched as one run; (?=(X))\1
        # matches X without backtracking into it (an atomic group before Python 3.11)
        skipped = (rb"[" + _WS + rb"]*(?=((?:(?:" + _OPERAND + rb")*(?!" + stop + rb")" + _OPERATOR
                   + rb"[" + _WS + rb"]*)*))\1")
        self._step = re.compile(skipped + rb"(?=((?:" + _OPERAND + rb")*))\2(" + stop + rb")", re.S).match
        self._skip = re.compile(skipped, re.S).match

    def operations(self, data: bytes) -> Iterator[tuple[bytes, list]]:
        """(operator, operands) for each wanted operator, in stream order. Raises ValueError
        where the stream cannot be read."""
        pos, end, step = 0, len(data), self._step
        while pos < end:
            m = step(data, pos)
            if m is not None:
                start, op_at, op, pos = m.start(2), m.end(2), m[3], m.end()
            else:  # nothing wanted up to the end, or a string nested deeply, or bad bytes
                pos = self._skip(data, pos).end()   # (once: a retry from each operator is quadratic)
                if _REST(data, pos):
                    return
                start, op_at, op, pos = _slow_step(data, pos)  # one operator token by token
            if op == b"BI":
                pos = _inline_image_end(data, pos)
            elif op in self.wanted:
                yield op, _operands(data[start:op_at])


def _slow_step(data: bytes, pos: int) -> tuple[int, int, bytes | None, int]:
    """(where the operands start, where the operator starts, the operator or None at the
    end of the stream, the position after it): one operator read token by token."""
    start = pos
    while True:
        m = _TOKEN.match(data, pos)
        if m is None:
            raise ValueError(f"content stream: unreadable bytes at offset {pos}: {data[pos:pos + 20]!r}")
        if m[2] is not None:
            return start, m.start(2), m[2], m.end()
        if m.lastindex is None:  # the end of the stream
            return start, len(data), None, len(data)
        pos = _string_end(data, m.start(3)) if m[3] is not None else m.end()


def _string_end(data: bytes, pos: int) -> int:
    """The position after the literal string that starts at data[pos] == b"("."""
    depth, i, end = 0, pos, len(data)
    while i < end:
        c = data[i]
        if c == 0x5C:    # backslash: the next byte is escaped
            i += 2
            continue
        if c == 0x28:
            depth += 1
        elif c == 0x29:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError(f"content stream: a string at offset {pos} is not closed")


_CONSTANTS = {b"true": True, b"false": False, b"null": None}


def _operands(raw: bytes) -> list:
    """The operands of one operator (already known to be well-formed tokens): floats,
    names as "/Name" strings, True/False/None, and Other for strings, arrays, dictionaries."""
    if not _PLAIN.search(raw):  # numbers and names only, the common case
        return [_name(t) if t[:1] == b"/" else float(t) for t in raw.split()]
    values, pos, depth, opened = [], 0, 0, 0
    while True:
        m = _TOKEN.match(raw, pos)
        if m[1] is not None:
            start, pos, token = m.start(1), m.end(), m[1]
        elif m[3] is not None:
            start, pos = m.start(3), _string_end(raw, m.start(3))
            token = raw[start:pos]
        elif m[4] is not None:
            pos = m.end()
            continue
        else:
            return values
        if token in (b"[", b"<<"):
            depth, opened = depth + 1, (opened if depth else start)
        elif token in (b"]", b">>"):
            depth -= 1
            if depth == 0:
                values.append(Other(raw[opened:pos]))
        elif depth:
            continue
        elif token[:1] in b"(<":
            values.append(Other(token))
        elif token[:1] == b"/":
            values.append(_name(token))
        elif token in _CONSTANTS:
            values.append(_CONSTANTS[token])
        else:
            values.append(float(token))


def _name(token: bytes) -> str:
    """A name as pypdf spells it: "/" and the #xx escapes decoded."""
    if b"#" in token:
        token = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m[1], 16)]), token)
    try:
        return token.decode("utf-8")
    except UnicodeDecodeError:
        return token.decode("latin-1")


_COMPONENTS = {"/G": 1, "/DeviceGray": 1, "/I": 1, "/Indexed": 1, "/RGB": 3, "/DeviceRGB": 3,
               "/CMYK": 4, "/DeviceCMYK": 4}


def _inline_image_end(data: bytes, pos: int) -> int:
    """The position after the EI of an inline image whose BI ends at data[pos]. Its data
    starts one white-space byte after ID and is as long as /L says or, unfiltered, as its
    size says; else it ends at an ASCII filter's end mark; else at the first EI between
    white space that is followed by something readable."""
    start, op_at, op, pos = _slow_step(data, pos)
    if op != b"ID":
        raise ValueError("content stream: an inline image has no ID")
    values = _operands(data[start:op_at])
    params = {k: v for k, v in zip(values[::2], values[1::2]) if isinstance(k, str)}

    def get(short, long, default=None):
        return params.get(short, params.get(long, default))

    pos += 1
    ends = []
    length, filters = get("/L", "/Length"), get("/F", "/Filter")
    if length is None and filters is None:
        colours = 1 if get("/IM", "/ImageMask") is True else _COMPONENTS.get(get("/CS", "/ColorSpace"))
        size = (get("/W", "/Width"), get("/H", "/Height"), get("/BPC", "/BitsPerComponent", 8.0))
        if colours and all(isinstance(v, float) for v in size):
            length = (int(size[0]) * colours * int(size[2]) + 7) // 8 * int(size[1])
    if isinstance(length, float | int):
        ends.append(pos + int(length))
    names = filters.raw.decode("latin-1") if isinstance(filters, Other) else str(filters)
    for mark, filter_names in ((b"~>", ("/A85", "/ASCII85Decode")), (b">", ("/AHx", "/ASCIIHexDecode"))):
        if any(n in names for n in filter_names) and data.find(mark, pos) >= 0:
            ends.append(data.find(mark, pos) + len(mark))
    for at in ends:
        m = _EI_AT.match(data, at)
        if m:
            return m.end()
    for m in _EI_AFTER.finditer(data, pos):
        try:
            _slow_step(data, m.end())
        except ValueError:
            continue
        return m.end()
    raise ValueError("content stream: an inline image has no EI")
