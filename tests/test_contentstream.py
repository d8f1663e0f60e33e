"""The press-file preflight reads content streams with its own tokenizer (build/contentstream.py,
issue 17): it must see exactly what pypdf's ContentStream parser saw, operator for operator, and
the scan built on it must give the same summary as the old pypdf walk, on every press file of
the catalogue and on a hostile page (operators inside strings, comments, hex strings, arrays and
dictionaries; escaped and nested parentheses; an inline image; a spot colour named with #xx;
a form and an image XObject)."""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (ArrayObject, ContentStream, DecodedStreamObject, DictionaryObject, FloatObject,
                           NameObject, NumberObject)

from pressroom.build import preflight
from pressroom.build.contentstream import Other, Reader

WANTED = {b"q", b"Q", b"cm", b"k", b"K", b"g", b"G", b"rg", b"RG", b"sc", b"SC", b"cs", b"CS",
          b"scn", b"SCN", b"Do", b"Tj", b"TJ", b"BDC", b"EI", b"ID"}

PIXELS = bytes([10, 20, 30, 40] * 4 + [250, 0, 0, 250] * 4)   # 4 × 2 CMYK; one row at 196 %
# An inline image whose data looks like operators, a closing parenthesis and an EI between spaces
INLINE = b"BI /W 4 /H 2 /CS /CMYK /BPC 8 ID " + b") 1 1 1 1 k EI (0 0 0 1 K" + b"\x00" * 7 + b"\nEI\n"
HOSTILE = (
    b"% a comment: 1 1 1 1 k\n"
    b"q 1 0 0 1 10 10 cm\n"
    b".1 .2 .3 .4 k\n"
    b"BT /F1 12 Tf (1 0 0 1 k) Tj (a \\) 1 1 1 1 k \\( b \\\\) Tj (one (1 1 1 1 k) level) Tj\n"
    b"(deep (1 (0.9 0.9 0.9 0.9 K) 1) here) Tj <312031203120312036b> Tj [(0 0 0 1 k) -250 <6b>] TJ ET\n"
    b"/Span <</ActualText (0.5 0.5 0.5 0.5 k) /Alt <4b> /N [1 (2) [3]]>> BDC EMC\n"
    b"/CS#30 cs 0.7 scn /CS0 CS .25 SCN%a comment right after an operator 1 1 1 1 K\n"
    b"0.5 g 0.25 G 1 0 0 rg 0 1 0 RG\n"
    + INLINE +
    b"Q\nq 50 0 0 40 20 20 cm /Fm0 Do Q\nq 72 0 0 36 0 0 cm /Im0 Do Q\n0 0 0 .04 k\n"
)


def _hostile_pdf() -> bytes:
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)

    def stream(data: bytes, **entries) -> object:
        s = DecodedStreamObject()
        s.set_data(data)
        s.update({NameObject(f"/{k}"): v for k, v in entries.items()})
        return writer._add_object(s)

    image = stream(PIXELS, Type=NameObject("/XObject"), Subtype=NameObject("/Image"), Width=NumberObject(4),
                   Height=NumberObject(2), ColorSpace=NameObject("/DeviceCMYK"), BitsPerComponent=NumberObject(8))
    form = stream(b"0 .5 0 .02 k 0 0 10 10 re f q 5 0 0 5 0 0 cm /Im0 Do Q", Type=NameObject("/XObject"),
                  Subtype=NameObject("/Form"), BBox=ArrayObject([NumberObject(0)] * 2 + [NumberObject(10)] * 2),
                  Resources=DictionaryObject({NameObject("/XObject"): DictionaryObject({NameObject("/Im0"): image})}))
    tint = DictionaryObject({NameObject("/FunctionType"): NumberObject(2), NameObject("/N"): NumberObject(1),
                             NameObject("/Domain"): ArrayObject([NumberObject(0), NumberObject(1)])})
    spot = ArrayObject([NameObject("/Separation"), NameObject("/PANTONE 268 C"), NameObject("/DeviceCMYK"),
                        writer._add_object(tint)])
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    page[NameObject("/Resources")] = DictionaryObject({
        NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)}),
        NameObject("/ColorSpace"): DictionaryObject({NameObject("/CS0"): spot}),
        NameObject("/XObject"): DictionaryObject({NameObject("/Fm0"): form, NameObject("/Im0"): image})})
    page[NameObject("/Contents")] = stream(HOSTILE)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _plain(value):
    """A pypdf operand as the tokenizer gives it."""
    if isinstance(value, (NumberObject, FloatObject)):
        return float(value)
    if isinstance(value, NameObject):
        return str(value)
    return "other"


def _pypdf_operations(data: bytes, wanted) -> list:
    s = DecodedStreamObject()
    s.set_data(data)
    return [(op, [_plain(v) for v in operands]) for operands, op in ContentStream(s, None).operations
            if op in wanted]


def _ours(data: bytes, wanted) -> list:
    return [(op, ["other" if isinstance(v, Other) else v for v in operands])
            for op, operands in Reader(wanted).operations(data)]


class _PypdfWalk:
    """The old walk: every operator the scan used to see, as pypdf parsed it."""
    wanted = preflight._PLACING.wanted

    def operations(self, data: bytes):
        s = DecodedStreamObject()
        s.set_data(data)
        return ((op, operands) for operands, op in ContentStream(s, None).operations if op in self.wanted)


def _scan_both(data: bytes, monkeypatch) -> tuple[dict, dict]:
    ours = vars(preflight.scan(data))
    with monkeypatch.context() as m:
        m.setattr(preflight, "_PLACING", _PypdfWalk())
        m.setattr(preflight, "_COLOURING", _PypdfWalk())
        old = vars(preflight.scan(data))
    return ours, old


def _streams(data: bytes) -> list[bytes]:
    reader = PdfReader(BytesIO(data))
    found = []
    for page in reader.pages:
        found.append(page.get_contents().get_data())
        for ref in (page["/Resources"].get("/XObject") or {}).values():
            if ref.get_object()["/Subtype"] == "/Form":
                found.append(ref.get_object().get_data())
    return found


def test_hostile_stream_reads_as_written():
    """What a content stream says, not what its strings, comments and image data say."""
    ops = Reader({b"k", b"K", b"cs", b"scn", b"SCN", b"g", b"Do", b"cm", b"BDC"}).operations(HOSTILE)
    assert [(op, ["other" if isinstance(v, Other) else v for v in operands]) for op, operands in ops] == [
        (b"cm", [1.0, 0.0, 0.0, 1.0, 10.0, 10.0]), (b"k", [0.1, 0.2, 0.3, 0.4]),
        (b"BDC", ["/Span", "other"]), (b"cs", ["/CS0"]), (b"scn", [0.7]), (b"SCN", [0.25]), (b"g", [0.5]),
        (b"cm", [50.0, 0.0, 0.0, 40.0, 20.0, 20.0]), (b"Do", ["/Fm0"]),
        (b"cm", [72.0, 0.0, 0.0, 36.0, 0.0, 0.0]), (b"Do", ["/Im0"]), (b"k", [0.0, 0.0, 0.0, 0.04])]


def test_hostile_stream_reads_as_pypdf_reads_it():
    assert _ours(HOSTILE, WANTED) == _pypdf_operations(HOSTILE, WANTED)
    for image in (b"BI /W 4 /H 2 /CS /CMYK /BPC 8 ID " + PIXELS[:32] + b"\nEI\n",   # unfiltered
                  b"BI /W 4 /H 2 /CS /CMYK /BPC 8 /F /AHx ID " + PIXELS[:32].hex().encode() + b"> EI\n",
                  b"BI /W 4 /H 2 /CS /CMYK /BPC 8 /L 32 ID " + PIXELS[:32] + b" EI "):
        other = HOSTILE.replace(INLINE, image)
        assert _ours(other, WANTED) == _pypdf_operations(other, WANTED) == _ours(HOSTILE, WANTED)


@pytest.mark.parametrize("stream, message", [
    (b"1 0 0 1 k (never closed", "not closed"), (b"1 0 0 1 k {1 2} k", "unreadable"),
    (b"BI /W 1 /H 1 ID \x00", "no EI"), (b"1.2.3 0 0 1 k", "1.2.3")])
def test_unreadable_stream_is_an_error(stream, message):
    with pytest.raises(ValueError, match=message):
        list(Reader({b"k"}).operations(stream))


def test_hostile_page_scans_as_the_pypdf_walk_did(monkeypatch):
    data = _hostile_pdf()
    ours, old = _scan_both(data, monkeypatch)
    assert ours == old
    assert ours["inks"] == {"C", "M", "Y", "K", "PANTONE 268 C"} and ours["rgb"]
    assert round(ours["max_ink"], 1) == 196.1 and ours["worst"] == "an image"  # the image's dark row
    assert ours["faint"] == {0.01, 0.02, 0.04}   # the form's 2 % and the last 4 %; none from strings
    assert ours["fonts"] == {"Helvetica"}
    # the image drawn by the page (1 × 0.5 in) and again by the form (50 × 40 pt scaled by 5)
    assert [i["placed_in"] for i in ours["images"]] == [[3.47, 2.78], [1.0, 0.5]]


def test_every_press_file_scans_as_the_pypdf_walk_did(built, monkeypatch):
    files = sorted(built.rglob("*-press.pdf"))
    assert len(files) == 12
    for path in files:
        data = path.read_bytes()
        for stream in _streams(data):
            assert _ours(stream, WANTED) == _pypdf_operations(stream, WANTED), path
        ours, old = _scan_both(data, monkeypatch)
        assert ours == old, path
        assert ours["inks"] and ours["max_ink"] > 100 and ours["fonts"], path


def _random_stream(r) -> bytes:
    """Operators with random operands: numbers, names, strings holding operators, escapes,
    comments and parentheses nested up to three deep, hex strings, arrays, dictionaries."""
    def string(depth=0):
        parts = [r.choice([b"1 1 1 1 k", b"Q", b"EI", b" BI ", b"\\)", b"\\(", b"\\\\", b"\\053", b"%", b"<",
                           b"]", b"/", b"\n"]) if depth == 3 or r.random() < 0.8 else b"(" + string(depth + 1) + b")"
                 for _ in range(r.randint(0, 4))]
        return b"".join(parts)

    def token(depth=0):
        kind = r.randrange(8 if depth < 3 else 5)
        if kind == 0:
            return b"(" + string() + b")"
        if kind == 1:
            return r.choice([b"/CS0", b"/F1", b"/A#20B", b"/", b"<>", b"<31 20 6B>"])
        if kind == 2 and not depth:
            return b"%" + r.choice([b" 1 1 1 1 k", b"(", b""]) + r.choice([b"\n", b"\r"])
        if kind == 5:
            return b"[" + b" ".join(token(depth + 1) for _ in range(r.randint(0, 3))) + b"]"
        if kind == 6:
            return b"<<" + b" ".join(b"/K%d " % i + token(depth + 1) for i in range(r.randint(0, 2))) + b">>"
        if kind == 7 and depth:  # (pypdf reads a bare `true` as an operator; the spec, and we, an operand)
            return r.choice([b"true", b"false", b"null"])
        return r.choice([b"1", b"-0.5", b".25", b"3.", b"+2", b"0"])

    ops = [b"k", b"K", b"g", b"cm", b"q", b"Q", b"Tj", b"TJ", b"BT", b"ET", b"f*", b"T*", b"scn", b"cs", b"Do",
           b"BDC", b"EMC", b"rg", b"'", b'"', b"sc", b"SCN"]
    return b"".join(b" ".join(token() for _ in range(r.randint(0, 4))) + r.choice([b" ", b"\n"]) + r.choice(ops)
                    + r.choice([b" ", b"\n", b"\r\n"]) for _ in range(r.randint(1, 12)))


def test_random_streams_read_as_pypdf_reads_them():
    import random
    wanted = WANTED | {b"BT", b"ET", b"f*", b"T*", b"'", b'"'}
    for seed in range(3000):
        stream = _random_stream(random.Random(seed))
        assert _ours(stream, wanted) == _pypdf_operations(stream, wanted), stream


def test_a_deeply_nested_string_is_read_once(monkeypatch):
    """The token-by-token reader starts where the fast one stops, not at every operator before."""
    from pressroom.build import contentstream
    calls = []
    slow = contentstream._slow_step
    monkeypatch.setattr(contentstream, "_slow_step", lambda data, pos: calls.append(pos) or slow(data, pos))
    stream = b"(x) Tj\n" * 2000 + b"(a (b (c 1 1 1 1 k) d) e) Tj .5 0 0 0 k\n" + b"(y (z (w) v)) Tj\n" * 3
    assert list(Reader({b"k"}).operations(stream)) == [(b"k", [0.5, 0.0, 0.0, 0.0])]
    assert len(calls) == 4  # the deep string's Tj, then each of the three after it
