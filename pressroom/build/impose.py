"""Saddle-stitched booklet imposition: 2-up booklet pages on landscape sheets.

The imposed PDF is meant to be printed duplex with "flip on short edge" and the
sheets nested (sheet 1 outermost) and folded once, giving the booklet in reading order.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, IndirectObject,
                           NameObject, RectangleObject, create_string_object, read_object)

__all__ = ["SheetSide", "booklet_order", "impose"]


@dataclass(frozen=True)
class SheetSide:
    """One printed side of a sheet, as seen when looking at that side upright."""

    left: int | None  # 0-based page index of the booklet page, None = blank
    right: int | None


def booklet_order(page_count: int) -> list[SheetSide]:
    """Sides in print order: sheet 1 front, sheet 1 back, sheet 2 front, ...

    page_count must be a positive multiple of 4 (raise ValueError otherwise);
    padding is the caller's decision because where blanks go is an editorial choice.
    """
    if isinstance(page_count, bool) or not isinstance(page_count, int):
        raise TypeError(f"page_count must be an int, got {type(page_count).__name__}")
    if page_count <= 0 or page_count % 4:
        raise ValueError(f"page_count must be a positive multiple of 4, got {page_count}")
    n = page_count
    sides: list[SheetSide] = []
    for k in range(n // 4):
        # 1-based: front = (n-2k, 1+2k), back = (2+2k, n-1-2k).
        # The back is laid out upright, not rotated 180 degrees: flipping a
        # landscape sheet on its short edge turns it about a vertical axis, so
        # top stays top and only left/right swap. Hence the back-left panel sits
        # behind the front-right one (page 2 behind page 1), and the back image
        # reads upright in the same orientation as the front.
        sides.append(SheetSide(left=n - 2 * k - 1, right=2 * k))
        sides.append(SheetSide(left=2 * k + 1, right=n - 2 * k - 2))
    return sides


class _Reader(PdfReader):
    """pypdf's reader, but an object kept in an object stream is read alone. pypdf reads
    every object of the stream at the first one asked for; a tagged booklet's streams hold
    its structure tree, thousands of objects the imposition never reads (two thirds of its
    time). What is read is the same object, parsed by the same read_object, so the sheets
    are the same bytes."""

    def _get_object_from_stream(self, indirect_reference):
        streams = self.__dict__.setdefault("_pr_streams", {})  # stream number -> (data, offsets)
        number = self.xref_objStm[indirect_reference.idnum][0]
        known = streams.get(number)
        if known is None:
            stream = IndirectObject(number, 0, self).get_object()
            data, first = stream.get_data(), int(stream["/First"])
            header = data[:first].split()[:2 * int(stream["/N"])]
            known = streams[number] = (data, {int(header[i]): first + int(header[i + 1])
                                              for i in range(0, len(header), 2)})
        data, offsets = known
        start = offsets[indirect_reference.idnum]
        while data[start:start + 1].isspace():  # as pypdf: an offset may point at white space
            start += 1
        buffer = BytesIO(data)
        buffer.seek(start)
        return self.cache_indirect_object(0, indirect_reference.idnum, read_object(buffer, self))


def _as_form(writer: PdfWriter, page: PageObject) -> tuple[DecodedStreamObject, RectangleObject]:
    """The page as a Form XObject: placed by reference, its content is never re-parsed,
    which is what makes imposing a 48-page booklet take milliseconds instead of seconds."""
    if page.rotation % 360:
        # Bake /Rotate into the content so the page lands upright as viewers show it.
        page.transfer_rotation_to_content()
    # The cropbox (defaults to the mediabox) is what viewers show, so it is the box
    # that has to fit the half, and the form is clipped to it.
    box = page.cropbox
    contents = page.get_contents()
    form = DecodedStreamObject()
    form.set_data(contents.get_data() if contents is not None else b"")
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = ArrayObject(FloatObject(float(v)) for v in
                                            (box.left, box.bottom, box.right, box.top))
    resources = page.get("/Resources")
    if resources is not None:
        form[NameObject("/Resources")] = resources.get_object().clone(writer)
    return form.flate_encode(), box


def _placement(box: RectangleObject, x0: float, half_w: float, height: float) -> bytes:
    """`cm` operators that scale the box uniformly to fit the half and centre it."""
    left, bottom = float(box.left), float(box.bottom)
    w, h = float(box.width), float(box.height)
    if w <= 0 or h <= 0:
        raise ValueError("source page has an empty page box")
    s = min(half_w / w, height / h)
    x = x0 + (half_w - w * s) / 2
    y = (height - h * s) / 2
    # Move the box's lower-left corner (may be non-zero) to the origin, then scale and place.
    return f"{s:.6f} 0 0 {s:.6f} {x - left * s:.4f} {y - bottom * s:.4f} cm".encode()


def impose(pdf_bytes: bytes, sheet_width: float, sheet_height: float) -> bytes:
    """Take a booklet PDF (page count a multiple of 4; if not, pad with blank pages at the end
    is NOT done here - raise ValueError), return a PDF of landscape sheets (sheet_width > sheet_height, in points)
    with two booklet pages per side, each scaled uniformly to fit its half and centred in it.

    Same input bytes give the same output bytes, so imposed files can be cached and diffed.
    """
    if not (sheet_width > sheet_height > 0):
        raise ValueError(
            f"sheet must be landscape with positive size, got {sheet_width} x {sheet_height}"
        )
    reader = _Reader(BytesIO(pdf_bytes))
    pages = list(reader.pages)
    sides = booklet_order(len(pages))  # raises ValueError for 0 or non-multiples of 4

    # A fresh writer has no /ID and only a constant /Producer, so nothing
    # time- or random-dependent reaches the output.
    writer = PdfWriter()
    half_w = sheet_width / 2
    forms = [_as_form(writer, page) for page in pages]
    refs = [writer._add_object(form) for form, _ in forms]
    for side in sides:
        sheet = writer.add_page(PageObject.create_blank_page(width=sheet_width, height=sheet_height))
        xobjects = DictionaryObject()
        ops = []
        for index, x0 in ((side.left, 0.0), (side.right, half_w)):
            if index is not None:
                name = NameObject(f"/P{index + 1}")
                xobjects[name] = refs[index]
                ops.append(b"q " + _placement(forms[index][1], x0, half_w, sheet_height)
                           + b" " + name.encode() + b" Do Q")
        sheet[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): xobjects})
        content = DecodedStreamObject()
        content.set_data(b"\n".join(ops))
        sheet[NameObject("/Contents")] = writer._add_object(content.flate_encode())

    info = reader.metadata or {}
    copied = {key: info[key] for key in ("/Title", "/Author", "/Subject") if info.get(key)}
    if copied:
        writer.add_metadata(copied)
    lang = reader.root_object.get("/Lang")
    if lang:
        writer.root_object[NameObject("/Lang")] = create_string_object(str(lang.get_object()))
    prefs = writer.create_viewer_preferences()
    prefs.display_doctitle = True
    prefs.duplex = NameObject("/DuplexFlipShortEdge")  # what the fold needs, preset in the print dialog
    writer._ID = None  # explicit: a document ID would be the one non-reproducible field

    out = BytesIO()
    writer.write(out)
    return out.getvalue()
