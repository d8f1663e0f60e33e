"""Personalised copies at a fraction of a render: the leaflet is set once with room kept
for the "Prepared for" box, and each patient's box is drawn into that room.

Why it is the same copy as a full render (tests/test_overlay.py compares them):
- The box sits in the flow under the title, so it moves the leaflet down by its height and
  nothing else: a leaflet set with a `_Slot` (a spacer exactly as tall as the box, in the
  box's place) is laid out as the copy is. The box is measured with the very flowables
  that draw it (render.prepared), so the height is exact.
- A "base" is that leaflet for one (document, box height): the PDF bytes of a render,
  split into its objects. Bases are kept in memory for the process, least recently used
  first out (`BASES`), so a day at the desk never grows without end. The key is the
  document and a height (a number); a base is rendered before any patient's box is drawn,
  from catalogue content only, so no cached object holds patient data.
- The slot marks page 1's content where it was set (tagging.mark_slot). The page's content
  becomes three streams: the base before the mark, the box, the base after it. The box is
  drawn where the slot was, by the same flowables, so every mark lands on the same pixel,
  and text is extracted in the same order (after the title).
- The box is drawn on a one-page tagged canvas of its own, saved by ReportLab without a
  structure tree; its content is taken from that file. It is drawn in the leaflet's own
  font subsets (tagging.share_subsets: the same codes and names), so a name in letters the
  leaflet has adds no font, and the embedded fonts do not tell which letters a name holds.
  A letter the leaflet lacks goes into a new subset, the box's own (renamed /Box… in page
  1's font resources); the leaflet's subsets are untouched.
  Its structure elements (Sect > H2, P, Table …) are written straight into the copy
  (tagging.spliced_structure, as the document writer writes them) and join the Document
  right after the title's H1; its marked-content IDs continue page 1's (the ParentTree says
  so), and its drawing outside text is an artifact, as in a full render.
- Copies of one leaflet are independent, so `personalise.Leaflets.copies` makes many on
  several cores (forked workers inherit the bases).
- A list as one print file (render.batch) is still set as one document: its copies share
  their font subsets, which spliced copies could not without merging files.
- Anything the splice does not cover (a press edition, a box that would not stand whole on
  page 1, a base that cannot be read as expected) is rendered in full instead, which also
  raises the same errors (a box taller than a page, a copy over its page budget).

A copy is assembled in memory and returned; its bytes depend only on the base and the
patient, so the same patient and leaflet give the same file every time.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Spacer

from ..source import model as m
from ..build.jobs import Rendered
from .common import Context, RenderError, Styles
from .prepared import prepared_box
from . import xref
from .tagging import (SLOT_MARK, Node, Subsets, classic_files, mark_slot, node_of, share_subsets, spliced_structure,
                      subsets_kept, tagged_canvas)

BASES = 32  # leaflets kept set, one per (document, box height): about 100 KB each

# What a copy adds is compressed fast: its content and any subset of its own are made anew, where
# level 1 takes a third of the default's time for a file about 1 KB larger.
_FAST = 1
_REF = re.compile(rb"(?<![\d.])(\d+) 0 R\b")
_FONT_NAME = re.compile(rb"/(F\d+(?:\+\d+)?)(?=[\s/\[<(])")


class _Slot(Spacer):
    """The room kept for the box: once set, it marks where on its page the box goes."""

    def __init__(self, height: float):
        super().__init__(1, height)
        self.placed: list[tuple[int, float, float]] = []  # (page, x, y)

    def drawOn(self, canvas, x, y, _sW=0):
        self.placed.append((mark_slot(canvas), x, y))


class _Unfit(Exception):
    """This copy is not made by overlay (it is rendered in full)."""


class _Pdf:
    """A ReportLab file as its header, its objects (`N 0 obj … endobj`, whole) by number,
    and its trailer's Root and Info."""

    def __init__(self, data: bytes):
        start = int(data[data.rindex(b"startxref") + 9:].split()[0])
        lines = data[start:start + 64].split(b"\n")
        if lines[0] != b"xref" or lines[1].split()[0] != b"0":
            raise _Unfit("not a single-section cross-reference table")
        count = int(lines[1].split()[1])
        table = data.index(b"\n", data.index(b"\n", start) + 1) + 1
        offsets = [int(data[table + 20 * i:table + 20 * i + 10]) for i in range(1, count)]
        if offsets != sorted(offsets):
            raise _Unfit("objects out of order")
        self.header = data[:offsets[0]]
        self.chunks = [data[a:b] for a, b in zip(offsets, offsets[1:] + [start])]
        trailer = data[start:]
        self.root = int(re.search(rb"/Root (\d+) 0 R", trailer)[1])
        self.info = int(re.search(rb"/Info (\d+) 0 R", trailer)[1])

    def body(self, num: int) -> bytes:
        """Object `num` without its `N 0 obj` and `endobj` lines."""
        return _numbered(self.chunks[num - 1])[1]

    def ref(self, num: int, key: bytes) -> int:
        return self._number(num, rb"/" + key + rb" (\d+) 0 R", f"no /{key.decode()} reference")

    def first_kid(self, num: int, key: bytes) -> int:
        return self._number(num, rb"/" + key + rb" \[ (\d+) 0 R", f"no /{key.decode()} array")

    def _number(self, num: int, pattern: bytes, missing: str) -> int:
        found = re.search(pattern, self.dict_part(num))
        if found is None:
            raise _Unfit(missing)
        return int(found[1])

    def dict_part(self, num: int) -> bytes:
        body = self.body(num)
        cut = body.find(b"\nstream\n")
        return body if cut < 0 else body[:cut]


    def stream(self, num: int) -> bytes:
        """A content stream's data, decoded (ReportLab writes ASCII85 and Flate, or Flate)."""
        body = self.body(num)
        head, rest = body.split(b"\nstream\n", 1)
        data = rest[:int(re.search(rb"/Length (\d+)", head)[1])]
        if b"/ASCII85Decode" in head:
            data = base64.a85decode(data.replace(b"\n", b""), adobe=True)
        if b"/FlateDecode" in head:
            data = zlib.decompress(data)
        return data

    def owners(self) -> tuple[int, bytes, int, int]:
        """The ParentTree: its number, its body, where page 1's array closes in the body,
        and how many marked-content IDs page 1 has."""
        tree = self.ref(self.ref(self.root, b"StructTreeRoot"), b"ParentTree")
        body = self.body(tree)
        start = body.find(b"/Nums [ 0 [")
        if start < 0:
            raise _Unfit("no ParentTree array for page 1")
        close = body.index(b"]", start + 11)
        return tree, body, close, len(_REF.findall(body, start + 11, close))


def _numbered(chunk: bytes) -> tuple[int, bytes]:
    """A whole `N 0 obj … endobj` as (N, what is between those lines)."""
    return int(chunk[:chunk.index(b" ")]), chunk[chunk.index(b"\n") + 1:-len(b"endobj\n")]


def _stream(num: int, data: bytes, level: int = -1) -> bytes:
    packed = zlib.compress(data, level)
    return xref.chunk(num, b"<<\n/Filter [ /FlateDecode ] /Length %d\n>>\nstream\n" % len(packed) + packed
                  + b"\nendstream\n")


@dataclass(frozen=True)
class _Base:
    """A leaflet set with room for a box of one height, ready to take any patient's box.
    Catalogue content only: it is made before any box is drawn."""

    fixed: bytes        # the file up to the copy's own objects: every object a copy keeps as it is
    where: dict         # their cross-reference entries
    next: int           # the first object number free for a copy's own
    root: int
    info: int
    pages: int
    x: float
    y: float
    page: int           # page 1's object, and its dictionary
    page_body: bytes
    contents: int       # page 1's content stream (becomes the part before the box)
    suffix: int         # the part after the box (a stream object in `fixed`)
    fonts_body: bytes   # page 1's font resources
    document: int       # the Document element, and its body
    document_body: bytes
    tree: int           # the ParentTree, its body, where page 1's array closes
    tree_body: bytes
    tree_close: int
    first_mcid: int     # page 1's marked-content IDs before the box's
    subsets: dict       # font name -> Subsets: the leaflet's, which the box is drawn in


def _make_base(data: bytes, pages: int, x: float, y: float, subsets: dict[str, Subsets]) -> _Base:
    pdf = _Pdf(data)
    page = pdf.first_kid(pdf.ref(pdf.root, b"Pages"), b"Kids")
    page_body = pdf.body(page)
    contents = pdf.ref(page, b"Contents")
    fonts = pdf.ref(page, b"Font")
    parts = pdf.stream(contents).split(SLOT_MARK.encode())
    if len(parts) != 2:
        raise _Unfit("the slot is not marked once on page 1")
    document = pdf.first_kid(pdf.ref(pdf.root, b"StructTreeRoot"), b"K")
    title = pdf.first_kid(document, b"K")
    if b"/S /H1 " not in pdf.body(title):
        raise _Unfit("the leaflet does not open with its title")
    tree, tree_body, close, first_mcid = pdf.owners()
    chunks = list(pdf.chunks)
    # between leaves an artifact is open: close it before the box, open it again after
    chunks[contents - 1] = _stream(contents, parts[0] + b"\nEMC\n")
    suffix = len(chunks) + 1
    chunks.append(_stream(suffix, b"/Artifact BMC\n" + parts[1]))
    # what every copy keeps, written once: streams whole, the rest packed in object streams
    header = re.sub(rb"^%PDF-1\.[0-4]", b"%PDF-1.5", pdf.header)
    kept = [_numbered(chunk) for chunk in chunks]
    parts, where, free = xref.place([(num, body) for num, body in kept if num not in (page, document, tree)],
                                    len(header), len(chunks) + 1)
    return _Base(header + b"".join(parts), where, free, pdf.root, pdf.info, pages, x, y, page,
                 page_body, contents, suffix, pdf.body(fonts), document, pdf.body(document), tree, tree_body, close,
                 first_mcid, subsets)


def _box_pdf(framed, ctx: Context, base: _Base):
    """The box alone on a page of the leaflet's size, where the slot was, its marked
    content numbered on from page 1's; the file (its content and fonts) and the canvas
    (whose recorder knows the box's structure, written by `_splice`)."""
    lay = ctx.layout
    root = Node("Document")
    root.kids.append(node_of(framed))
    maker = tagged_canvas(Canvas, root, ctx.strings.lang, "", base.first_mcid, structure=False)
    buffer = io.BytesIO()
    canv = maker(buffer, pagesize=(lay.width, lay.height), invariant=1, initialFontName=ctx.fonts.regular,
                 pageCompression=0)  # _splice compresses what it keeps, and only that
    share_subsets(canv, base.subsets)
    framed.drawOn(canv, base.x, base.y)
    canv.showPage()
    with classic_files():
        canv.save()
    return buffer.getvalue(), canv


def _splice(base: _Base, box: bytes, canv, sect: Node) -> bytes:
    """The copy: the base with page 1's content, fonts and ParentTree and the Document
    element rewritten, and the box's content, fonts and structure elements added."""
    pdf = _Pdf(box)
    page = pdf.first_kid(pdf.ref(pdf.root, b"Pages"), b"Kids")
    resources = pdf.dict_part(page)
    if any(key in resources for key in (b"/XObject", b"/ExtGState", b"/Pattern", b"/Shading", b"/Annots")):
        raise _Unfit("the box uses more than fonts")
    drawing = pdf.stream(pdf.ref(page, b"Contents"))
    used = set(_FONT_NAME.findall(drawing))  # not the unused Helvetica ReportLab lists
    fonts = [(name, ref) for name, ref in re.findall(rb"/(\S+) (\d+) 0 R", pdf.body(pdf.ref(page, b"Font")))
             if name in used]

    # the box's objects: its fonts, then its structure elements, numbered after the base's
    number = {page: base.page}
    suffix, font_dict, content = base.suffix, base.next, base.next + 1
    todo = [int(ref) for _, ref in fonts]
    order = []
    while todo:
        num = todo.pop()
        if num in number:
            continue
        number[num] = 0
        order.append(num)
        todo += [int(ref) for ref in _REF.findall(pdf.dict_part(num))]
    order.sort()
    for index, num in enumerate(order):
        number[num] = content + 1 + index
    renumber = lambda match: b"%d 0 R" % number[int(match[1])]  # noqa: E731
    added = []
    for num in order:
        body = pdf.body(num)
        cut = body.find(b"\nstream\n")
        if cut < 0:
            added.append(xref.chunk(number[num], _REF.sub(renumber, body)))
            continue
        head, packed = body[:cut], zlib.compress(pdf.stream(num), _FAST)
        head = re.sub(rb"/Length \d+", b"/Filter [ /FlateDecode ] /Length %d" % len(packed), _REF.sub(renumber, head))
        added.append(xref.chunk(number[num], head + b"\nstream\n" + packed + b"\nendstream\n"))
    first = content + 1 + len(order)
    elements, owners = spliced_structure(canv, sect, base.document, base.page, first)

    drawing = _FONT_NAME.sub(_font_names(canv, base), drawing)
    fonts_body = base.fonts_body.rstrip()
    fonts_body = fonts_body[:-2].rstrip() + b"".join(b" /Box%s %d 0 R" % (name, number[int(ref)])
                                                     for name, ref in fonts) + b"\n>>\n"
    page_body = base.page_body.replace(b"/Contents %d 0 R" % base.contents, b"/Contents [ %d 0 R %d 0 R %d 0 R ]"
                                       % (base.contents, content, suffix), 1)
    page_body = re.sub(rb"/Font \d+ 0 R", b"/Font %d 0 R" % font_dict, page_body, count=1)
    kids = base.document_body.index(b" 0 R", base.document_body.index(b"/K [ ")) + 4
    document_body = base.document_body[:kids] + b" %d 0 R" % first + base.document_body[kids:]
    tree_body = (base.tree_body[:base.tree_close] + b"".join(b"%d 0 R " % owner for owner in owners)
                 + base.tree_body[base.tree_close:])

    chunks = [xref.chunk(base.page, page_body), xref.chunk(base.document, document_body),
              xref.chunk(base.tree, tree_body), xref.chunk(font_dict, fonts_body),
              _stream(content, b"q\n" + drawing + b"\nQ\n", _FAST)] + added + elements
    return _write(base, chunks)


def _font_names(canv, base: _Base) -> Callable:
    """The box's font name -> the copy's: a subset the leaflet has keeps the leaflet's name;
    the box's own subsets (letters the leaflet lacks) are renamed /Box…"""
    font_of = {prefix.lstrip("/"): name for name, prefix in canv._doc.fontMapping.items()}

    def rename(match) -> bytes:
        prefix, _, n = match[1].decode().partition("+")
        known = base.subsets.get(font_of.get(prefix))
        if known is not None and n and int(n) < len(known.subsets):
            return f"/{known.prefix}+{n}".encode()
        return b"/Box" + match[1]
    return rename


def _write(base: _Base, chunks: list[bytes]) -> bytes:
    """The copy: the base's fixed part, then the copy's own objects (streams whole, the rest
    in one object stream), then the cross-reference stream."""
    own = sorted(_numbered(chunk) for chunk in chunks)
    parts, where, free = xref.place(own, len(base.fixed), own[-1][0] + 1, 6)
    body = base.fixed + b"".join(parts)
    digest = hashlib.md5(body, usedforsecurity=False).hexdigest().encode()
    return body + xref.xref_stream(free, {**base.where, **where}, len(body), b"%d 0 R" % base.root,
                                   b"%d 0 R" % base.info, b"[<%s><%s>]" % (digest, digest), 6)


# -- the bases -------------------------------------------------------------------------

_BASES: OrderedDict[tuple, tuple] = OrderedDict()  # (id(proc), id(ctx), height) -> (proc, ctx, base or None)
_LOCK = threading.Lock()


def _base_for(proc: m.Procedure, ctx: Context, words: Callable[[], tuple], height: float) -> _Base | None:
    """The base for a box this tall, rendered on first use; None when a copy with a box
    this tall cannot be made by overlay (remembered too: it depends on the height only)."""
    from .leaflet import render_leaflet
    key = (id(proc), id(ctx), height)
    with _LOCK:
        found = _BASES.get(key)
        if found is not None and found[0] is proc and found[1] is ctx:
            _BASES.move_to_end(key)
            return found[2]
    slot = _Slot(height)
    try:
        with classic_files(), subsets_kept() as subsets:
            rendered = render_leaflet(proc, ctx, words(), slot=slot)
    except RenderError:  # too tall or too long with a box this tall: a full render says so in
        rendered = None  # its words, or splits a box taller than a page where a slot cannot
    base = None
    if rendered is not None and len(slot.placed) == 1 and slot.placed[0][0] == 1:  # whole on page 1
        _, x, y = slot.placed[0]
        try:
            base = _make_base(rendered.data, rendered.pages, x, y, subsets)
        except _Unfit:
            base = None
    with _LOCK:
        _BASES[key] = (proc, ctx, base)
        _BASES.move_to_end(key)
        while len(_BASES) > BASES:
            _BASES.popitem(last=False)
    return base


def clear() -> None:
    """Forget every base (a new build plan, or a test)."""
    with _LOCK:
        _BASES.clear()


def cached() -> list:
    """What the cache holds (for tests: it must hold no patient data)."""
    with _LOCK:
        return list(_BASES.items())


def render_copy(proc: m.Procedure, ctx: Context, words: Callable[[], tuple], patient) -> Rendered:
    """A personalised copy of `proc`'s leaflet: its base with `patient`'s box drawn in, or
    a full render when overlay cannot make it (see the module's docstring)."""
    from .leaflet import render_leaflet
    lay = ctx.layout
    if lay.color_mode == "cmyk":
        return render_leaflet(proc, ctx, words(), patient)
    width = lay.width - lay.margins.left - lay.margins.right
    framed = prepared_box(patient, ctx, Styles(ctx), width)[1]
    _, height = framed.wrap(width, lay.height)
    base = _base_for(proc, ctx, words, height)
    if base is not None:
        try:
            return Rendered(_splice(base, *_box_pdf(framed, ctx, base), node_of(framed)), base.pages)
        except _Unfit:
            pass
    return render_leaflet(proc, ctx, words(), patient)
