"""Tagged PDF (PDF/UA-1): the structure tree, marked content and XMP identification.

ReportLab has no tagging API, so this module owns every use of its internals (pinned
versions; the PDF/UA validator in the tests guards them):

- Renderers give flowables a structure `Node` (`tag`) in reading order while they build
  the story; a patched `Flowable.drawOn` wraps a tagged leaf's drawing in
  `/Role <</MCID n>> BDC … EMC`, and a frame's `split` hands the node to every part, so a
  paragraph split across pages stays one element.
- Everything drawn outside a tagged leaf (bands, rules, page furniture) is an Artifact:
  the canvas opens `/Artifact BMC` at the start of each page and between leaves.
- At save the canvas writes the StructTreeRoot, ParentTree, StructParents, /Tabs /S,
  MarkInfo and an XMP packet naming the title, language and PDF/UA part.

It also names font subsets by their content, and remembers work documents share (a
paragraph's parse per markup and style object, its broken lines and widest word per parse
and width, a subset font file per characters, a stream's compressed bytes): output stays
byte for byte what it was (tests/test_memos.py, tests/test_save_memos.py).

Untagged documents (press and imposed print files) use a plain canvas: the patches are
inert there, and nothing claims PDF/UA.
"""

from __future__ import annotations

import contextvars
import copy
import hashlib
import re
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field

from reportlab.pdfbase import pdfdoc, pdfmetrics, ttfonts
from reportlab.platypus.flowables import Flowable
from reportlab.platypus.frames import Frame
from reportlab.platypus.paragraph import Paragraph
from reportlab.platypus.tableofcontents import TableOfContents

from ..memo import learning, remembered
from ..source.text import escape
from . import xref

# Roles whose drawing is content (a marked-content sequence); the rest only group.
LEAVES = frozenset({"P", "H1", "H2", "H3", "H4", "H5", "H6", "Lbl", "LBody", "Caption", "Figure",
                    "TOCI", "Span", "TH", "TD"})
_ANNOT_KEYS = 100_000  # ParentTree keys for link annotations start here; pages count from 0


@dataclass(eq=False)
class Node:
    """A structure element. Kids are nodes, in reading order; content is attached as drawn."""

    role: str
    kids: list["Node"] = field(default_factory=list)
    alt: str | None = None
    text: str | None = None   # plain words, where a link inside needs a description
    lang: str | None = None   # where it differs from the document's (a list of copies)
    scope: str | None = None  # a table header's: Row or Column
    parent: "Node | None" = field(default=None, repr=False)

    def add(self, role: str, alt: str | None = None, lang: str | None = None,
            scope: str | None = None) -> "Node":
        node = Node(role, alt=alt, lang=lang, scope=scope, parent=self)
        self.kids.append(node)
        return node

    def __deepcopy__(self, memo) -> "Node":
        """An element is one place in the tree: a flowable copied while it is set (balanced
        columns copy what they hold) still belongs to the same element."""
        return self


def tag(flowable, node: Node | None):
    """Give a flowable its structure element; returns the flowable, for use in lists."""
    if flowable is not None and node is not None:
        flowable._pr_node = node
    return flowable


def node_of(flowable) -> Node | None:
    return getattr(flowable, "_pr_node", None)


# -- drawing -------------------------------------------------------------------------

def _recorder(canv):
    return getattr(canv, "_pr_recorder", None)


def is_tagged(canv) -> bool:
    return _recorder(canv) is not None


class marked:
    """Draw as the content of `node` (a leaf); a no-op on untagged canvases, inside another
    leaf (its content is already marked) or without a node. A class, not a generator
    context manager: it wraps every tagged flowable's drawing (a tenth of a leaflet's
    CPU went to contextlib)."""

    __slots__ = ("canv", "node", "rec")

    def __init__(self, canv, node: Node | None):
        self.canv, self.node = canv, node

    def __enter__(self) -> None:
        rec = getattr(self.canv, "_pr_recorder", None)
        node = self.node
        if rec is None or node is None or rec.current is not None or node.role not in LEAVES:
            self.rec = None
            return
        rec.begin(self.canv, node)
        self.rec = rec

    def __exit__(self, *exc) -> None:
        if self.rec is not None:
            self.rec.end(self.canv)


def _as_artifact(draw, canv, *args) -> None:
    """Draw as an artifact in the middle of a leaf's content (a contents entry's dot leader
    and page number: the entry itself is a link to the chapter)."""
    rec = _recorder(canv)
    node = rec.current if rec else None
    if node is None:
        draw(canv, *args)
        return
    rec.end(canv)
    try:
        draw(canv, *args)
    finally:
        rec.begin(canv, node)


_flowable_draw_on = Flowable.drawOn
_frame_split = Frame.split


def dry_run(canv, dry: bool = True) -> None:
    """Mark a canvas whose pages will be thrown away (a first pass that only finds page
    numbers): flowables are laid out on it as usual, but not drawn."""
    canv._pr_dry = dry


def is_dry(canv) -> bool:
    return getattr(canv, "_pr_dry", False)


def _draw_on(self, canvas, x, y, _sW=0):
    if getattr(canvas, "_pr_dry", False):
        return None
    node = getattr(self, "_pr_node", None)
    rec = getattr(canvas, "_pr_recorder", None) if node is not None else None
    if rec is None or rec.current is not None or node.role not in LEAVES:
        return _flowable_draw_on(self, canvas, x, y, _sW)
    rec.begin(canvas, node)  # `marked`, inline: this runs for every flowable drawn
    try:
        return _flowable_draw_on(self, canvas, x, y, _sW)
    finally:
        rec.end(canvas)


def _split(self, flowable, canv):
    """A frame splitting a flowable at a page end: its continuations keep its element."""
    parts = _frame_split(self, flowable, canv)
    node = getattr(flowable, "_pr_node", None)
    if node is not None:
        for part in parts:
            if type(part) is type(flowable) and getattr(part, "_pr_node", None) is None:
                part._pr_node = node
    return parts


Flowable.drawOn = _draw_on
Frame.split = _split


def _to_unicode_cmap(fontname, subset):
    """ReportLab's ToUnicode CMap minus the unused codes it maps to U+0000 (PDF/UA refuses
    those); the same for tagged and untagged files."""
    return _cmap(fontname, tuple(subset))


@remembered(512)
def _cmap(fontname: str, subset: tuple[int, ...]) -> str:
    """Written once per subset in a process (its name is derived from what it holds)."""
    used = [(i, v) for i, v in enumerate(subset) if v]
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo", f"<< /Registry ({fontname})", f"/Ordering ({fontname})", "/Supplement 0",
        ">> def", f"/CMapName /{fontname} def", "/CMapType 2 def", "1 begincodespacerange",
        "<00> <%02X>" % (len(subset) - 1), "endcodespacerange", f"{len(used)} beginbfchar"]
        + ["<%02X> <%s>" % (i, chr(v).encode("utf-16-be").hex().upper()) for i, v in used]
        + ["endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"])


ttfonts.makeToUnicodeCMap = _to_unicode_cmap


class Contents(TableOfContents):
    """A table of contents read as TOC > TOCI, one item per entry. ReportLab sets the
    entries as rows of its own table, made anew in each wrap, so they are tagged there."""

    def __init__(self, node: Node, **kwargs):
        super().__init__(**kwargs)
        self._pr_items: list[Node] = []
        tag(self, node)

    def first_pass_thrown_away(self) -> bool:
        """Entries set beforehand at page 0 (to size the first pass) are never what a pass
        finds (pages count from 1), so multiBuild never keeps a first pass's pages."""
        return any(entry[2] == 0 for entry in self._entries)

    def entries(self) -> tuple:
        """The entries (level, text, page, key): after multiBuild, those its last pass found."""
        return tuple(self._entries)

    def foresee(self, entries: tuple) -> bool:
        """Set the first pass with these pages instead of page 0, where the entries are the
        same but for their pages; multiBuild keeps that pass if it finds just these pages."""
        if [(e[0], e[1], e[3]) for e in entries] != [(e[0], e[1], e[3]) for e in self._entries]:
            return False
        self._entries = list(entries)
        return True

    def wrap(self, avail_width, avail_height):
        size = super().wrap(avail_width, avail_height)
        leader = self.canv.getNamedCB("drawTOCEntryEnd")  # the dots and page number after an entry
        self.canv.setNamedCB("drawTOCEntryEnd", lambda canv, kind, label: _as_artifact(leader, canv, kind, label))
        cells = [row[0] if isinstance(row[0], (list, tuple)) else [row[0]] for row in self._table._cellvalues]
        entries = [f for cell in cells for f in cell if isinstance(f, Paragraph)]
        toc = node_of(self)
        for index, entry in enumerate(entries):
            if index == len(self._pr_items):
                self._pr_items.append(toc.add("TOCI"))
            item = self._pr_items[index]
            item.text = entry.getPlainText()
            tag(entry, item)
        return size


# -- the canvas ----------------------------------------------------------------------

@dataclass
class _Recorder:
    """Which element owns each marked-content ID on each page, and the link annotations."""

    root: Node
    lang: str
    title: str
    current: Node | None = None
    mcids: dict[int, list[Node]] = field(default_factory=dict)       # page number -> owners
    content: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # id(node) -> (page, mcid)
    links: dict[int, tuple[object, int, int]] = field(default_factory=dict)   # id(Link) -> (annot, page, key)
    first_mcid: int = 0  # a box drawn to join a page that already holds IDs below this

    def begin(self, canv, node: Node) -> None:
        page = canv._pageNumber
        owners = self.mcids.setdefault(page, [])
        mcid = self.first_mcid + len(owners)
        owners.append(node)
        self.content.setdefault(id(node), []).append((page, mcid))
        canv._code.append(f"EMC /{node.role} <</MCID {mcid}>> BDC")
        self.current = node

    def end(self, canv) -> None:
        canv._code.append("EMC /Artifact BMC")
        self.current = None


def tagged_canvas(base, root: Node, lang: str, title: str, first_mcid: int = 0, structure: bool = True):
    """A canvas class (a `canvasmaker`) that writes `root` as the document's structure.
    `first_mcid`: where marked-content IDs start; without `structure` it writes no
    structure at save (render.overlay draws a box on such a canvas, and writes the box's
    elements into another file with `spliced_structure`)."""

    class TaggedCanvas(base):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pr_recorder = _Recorder(root, lang, title, first_mcid=first_mcid)

        def showPage(self):
            """Whatever the page drew outside tagged leaves is an Artifact."""
            self._code.insert(0, "/Artifact BMC")
            self._code.append("EMC")
            super().showPage()

        def _setAnnotations(self, page):
            super()._setAnnotations(page)
            page.__NoDefault__ = list(pdfdoc.PDFPage.__NoDefault__) + ["StructParents", "Tabs"]
            page.StructParents = self._pageNumber - 1
            page.Tabs = pdfdoc.PDFName("S")

        def _addAnnotation(self, annotation, name=None, addtopage=1):
            """Every link annotation gets a Link element (an OBJR under the element being
            drawn), a /StructParent and a /Contents description."""
            rec = self._pr_recorder
            if not addtopage:
                return super()._addAnnotation(annotation, name, addtopage)
            key = _ANNOT_KEYS + len(rec.links)
            label = getattr(rec.current, "text", None) or _target(annotation)
            if isinstance(annotation, pdfdoc.PDFDictionary):
                annotation["StructParent"] = key
                annotation["Contents"] = pdfdoc.PDFString(label)
            else:  # one of ReportLab's Annotation classes (internal links)
                annotation.permitted = tuple(annotation.permitted) + ("StructParent",)
                annotation.otherkw["StructParent"] = key
                annotation.Contents = label
            super()._addAnnotation(annotation, name, addtopage)
            link = (rec.current or rec.root).add("Link")
            rec.links[id(link)] = (self._annotationrefs[-1], self._pageNumber, key)

        def save(self):
            if structure:
                _write_structure(self, self._pr_recorder)
            if not _CLASSIC.get():
                compact(self)
            super().save()

    return TaggedCanvas


def _target(annotation) -> str:
    """What a link leads to, as words for /Contents: its address, or the page it opens."""
    if isinstance(annotation, pdfdoc.PDFDictionary):
        action = annotation.dict.get("A")
        uri = action.dict.get("URI") if isinstance(action, pdfdoc.PDFDictionary) else None
        if uri is not None:
            return str(getattr(uri, "s", uri)).removeprefix("mailto:")
    return "Go to the section"


# -- writing the structure ------------------------------------------------------------
# A leaflet has about a hundred structure elements. They are ours, so they are written
# straight to bytes as they are numbered: the very bytes ReportLab's PDFDictionary and
# PDFArray made of them (keys sorted, a line break every 6 entries or 10 items,
# pdfMultiLine off), without its dispatch per value, its name escaped character by
# character, or its references looked up by name at save.

assert not pdfdoc.rl_config.pdfMultiLine  # the layout _dict and _array copy


def _joined(items: list, every: int) -> bytes:
    for i in reversed(range(every, len(items), every)):
        items.insert(i, b"\n ")
    return b" ".join(items)


def _dict(entries: list[bytes]) -> bytes:
    """A dictionary from its `/Key value` entries, given in key order."""
    return b"<<\n" + _joined(entries, 6) + b"\n>>"


def _array(items: list[bytes]) -> bytes:
    return b"[ " + _joined(items, 10) + b" ]"


@remembered(256)
def _name(value: str) -> bytes:
    """A role or scope as a PDF name, escaped once each rather than per element."""
    return pdfdoc.PDFName(value).encode("extpdfdoc")


class _Written(pdfdoc.PDFObject):
    """An object of ours, numbered first and written once its kids are numbered too."""

    def __init__(self, data: bytes = b""):
        self.data = data

    def format(self, document):
        return self.data


class _Plain:
    """Enough of a ReportLab document to format a string outside one (no encryption)."""

    encrypt = pdfdoc.NoEncryption()


def _element(rec: _Recorder, node: Node, parent: bytes, page_refs: list[bytes], kids: list[bytes],
             document) -> bytes:
    """A StructElem: a marked-content reference for each piece of its content, in drawing
    order, then `kids` (a link's OBJR, elements); its page, attributes and parent."""
    content = rec.content.get(id(node), ())
    items = [b"<<\n/MCID %d /Pg %s /Type /MCR\n>>" % (mcid, page_refs[page - 1]) for page, mcid in content]
    entries = []
    if node.scope:
        entries.append(b"/A <<\n/O /Table /Scope %s\n>>" % _name(node.scope))
    if node.alt:
        entries.append(b"/Alt " + pdfdoc.PDFString(node.alt).format(document))
    entries.append(b"/K " + _array(items + kids))
    if node.lang:
        entries.append(b"/Lang " + pdfdoc.PDFString(node.lang).format(document))
    entries.append(b"/P " + parent)
    if content:
        entries.append(b"/Pg " + page_refs[content[0][0] - 1])
    entries += [b"/S " + _name(node.role), b"/Type /StructElem"]
    return _dict(entries)


def _has_content(rec: _Recorder, node: Node, known: dict) -> bool:
    """Whether anything of the node was drawn (elements without content are left out);
    `known` keeps each answer, so every subtree is walked once."""
    found = known.get(id(node))
    if found is None:
        found = known[id(node)] = (id(node) in rec.content or id(node) in rec.links
                                   or any(_has_content(rec, k, known) for k in node.kids))
    return found


def spliced_structure(canv, top: Node, parent: int, page: int, first: int) -> tuple[list[bytes], list[int]]:
    """For render.overlay: the structure elements of `top` (a group whose leaves were drawn
    on `canv`'s first page), numbered from `first`, under the element
    numbered `parent`, their content on the page object numbered `page`. Returns their
    `N 0 obj` chunks, `top`'s first, and the element numbers owning the page's
    marked-content IDs, in ID order (the recorder's `first_mcid` on)."""
    rec = _recorder(canv)
    page_refs = [b"%d 0 R" % page]
    made: list[list] = []  # [number, bytes], in number order
    known: dict[int, bool] = {}
    owner: dict[int, int] = {}

    def element(node: Node, parent_ref: bytes) -> bytes:
        number = first + len(made)
        entry = [number, b""]
        made.append(entry)
        owner[id(node)] = number
        ref = b"%d 0 R" % number
        kids = [element(kid, ref) for kid in node.kids if _has_content(rec, kid, known)]
        entry[1] = _element(rec, node, parent_ref, page_refs, kids, _Plain)
        return ref

    element(top, b"%d 0 R" % parent)
    chunks = [b"%d 0 obj\n" % number + data + b"\nendobj\n" for number, data in made]
    return chunks, [owner[id(node)] for node in rec.mcids.get(1, ())]


def _write_structure(canv, rec: _Recorder) -> None:
    doc = canv._doc
    numbers = doc.idToObjectNumberAndVersion

    def register(obj) -> bytes:
        return b"%d %d R" % numbers[doc.Reference(obj).name]

    def number(obj: _Written) -> bytes:
        """register(obj) for a new object of ours (a hundred a leaflet): numbered and named
        as ReportLab's Reference does, without its checks for objects met before."""
        n = doc.objectcounter + 1
        name = "R" + repr(n)
        if name in doc.idToObject:  # a name given by hand: ReportLab's own path (it refuses)
            return register(obj)
        doc.objectcounter = n
        obj.__InternalName__ = name
        numbers[name] = (n, 0)
        doc.numberToId[n] = name
        doc.idToObject[name] = obj
        return b"%d 0 R" % n

    page_refs = [register(p) for p in doc.Pages.pages]
    links = rec.links
    parent_tree: dict[int, bytes] = {}
    elements: dict[int, bytes] = {}
    known: dict[int, bool] = {}  # id(node) -> has_content, each subtree walked once

    def element(node: Node, parent_ref: bytes) -> bytes:
        written = _Written()
        ref = elements[id(node)] = number(written)
        kids = []
        if id(node) in links:
            annot, page, key = links[id(node)]
            kids.append(b"<<\n/Obj %s /Pg %s /Type /OBJR\n>>" % (pdfdoc.format(annot, doc), page_refs[page - 1]))
            parent_tree[key] = ref
        kids += [element(kid, ref) for kid in node.kids if _has_content(rec, kid, known)]
        written.data = _element(rec, node, parent_ref, page_refs, kids, doc)
        return ref

    root = pdfdoc.PDFDictionary({"Type": pdfdoc.PDFName("StructTreeRoot")})
    root_ref = doc.Reference(root, "StructTreeRoot")
    document = element(rec.root, pdfdoc.format(root_ref, doc))
    for page, owners in sorted(rec.mcids.items()):
        parent_tree[page - 1] = _array([elements[id(n)] for n in owners])
    for index in range(len(page_refs)):
        parent_tree.setdefault(index, _array([]))
    nums = []
    for key in sorted(parent_tree):
        nums += [b"%d" % key, parent_tree[key]]
    root["K"] = pdfdoc.PDFArray([document])
    root["ParentTree"] = doc.Reference(_Written(_dict([b"/Nums " + _array(nums)])))
    root["ParentTreeNextKey"] = _ANNOT_KEYS + len(rec.links)
    catalog = doc.Catalog
    catalog.StructTreeRoot = root_ref
    catalog.MarkInfo = pdfdoc.PDFDictionary({"Marked": "true"})
    catalog.Metadata = doc.Reference(_xmp(rec.title, rec.lang))


def _xmp(title: str, lang: str):
    """The XMP packet PDF/UA asks for: title, language and the PDF/UA part. No dates, so
    the same inputs give the same bytes."""
    packet = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>
<dc:language><rdf:Bag><rdf:li>{escape(lang)}</rdf:li></rdf:Bag></dc:language>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
<pdfuaid:part>1</pdfuaid:part>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return _Metadata(packet.encode("utf-8"))


class _Metadata(pdfdoc.PDFObject):
    """An uncompressed metadata stream (ReportLab's PDFStream writes an empty /Filter [])."""

    __RefOnly__ = 1

    def __init__(self, data: bytes):
        self.data = data

    def format(self, document):
        return (b"<< /Length %d /Subtype /XML /Type /Metadata >>\nstream\n" % len(self.data)
                + self.data + b"\nendstream")


# -- line breaks in web and e-mail addresses ----------------------------------------------------
# Not tagging, but a ReportLab internal all the same, so it lives here. ReportLab offers to
# break a word that is a URL with a scheme only after a '/', and otherwise cuts a word too
# long for its line at any letter ("example.or / g"). A patient copies an address as printed:
# it may break only after '/', '.', '@' or '-', with nothing added. ReportLab's word splitter
# (paragraph._hyGenPair) asks _uri_split_pairs for the places a word may break, longest head
# first, and joins the parts with no hyphen; answering for bare addresses too is enough.

import re as _re  # noqa: E402

from reportlab.platypus import paragraph as _paragraph  # noqa: E402

_ADDRESS = _re.compile(r"(?:[a-z][a-z0-9+.\-]*://)?[\w\-]+(?:\.[\w\-]+)*(?:@[\w\-]+(?:\.[\w\-]+)+|\.[a-z]{2,})"
                       r"(?:[/?#]\S*)?", _re.I)
_rl_uri_split_pairs = _paragraph._uri_split_pairs


def _address_breaks(word):
    """Where a web or e-mail address may break: after '/', '.', '@' or '-' (never inside its
    scheme), longest head first; None for any other word."""
    text = word.decode("utf8") if isinstance(word, bytes) else word
    if not _ADDRESS.fullmatch(text) or not any(c.isalpha() for c in text):
        return _rl_uri_split_pairs(word)
    start = text.find("://") + 3 if "://" in text else 0
    pairs = [(text[:i + 1], text[i + 1:]) for i in range(start + 1, len(text) - 1) if text[i] in "/.@-"]
    return list(reversed(pairs)) or None


_paragraph._uri_split_pairs = _address_breaks


# -- font subset names ----------------------------------------------------------------
# ReportLab names subset n of a font `AAAAAA+Font`, `AAAAAB+Font`, … in every file, so
# two files' different subsets share a name; a RIP, an imposition tool or a merged batch
# file keys fonts by name and may draw glyphs from the wrong one. The tag is derived from
# what the subset holds instead: deterministic, and different for different subsets.

def subset_tag(font_data: bytes, codes) -> bytes:
    """Six capital letters from the font file and the characters in the subset, in order."""
    digest = hashlib.sha256(_font_digest(font_data) + ",".join(map(str, codes)).encode()).digest()
    number = int.from_bytes(digest[:8], "big")
    return bytes(65 + (number // 26 ** i) % 26 for i in range(6))


_FONT_DIGESTS: dict[int, tuple[bytes, bytes]] = {}  # id(font file bytes) -> (those bytes, their sha256)


def _font_digest(font_data: bytes) -> bytes:
    """sha256 of a font file, hashed once per process rather than once per subset."""
    known = _FONT_DIGESTS.get(id(font_data))
    if known is None or known[0] is not font_data:
        known = _FONT_DIGESTS[id(font_data)] = (font_data, hashlib.sha256(font_data).digest())
    return known[1]


_ttf_add_objects = ttfonts.TTFont.addObjects


def _add_objects(self, doc):
    """ReportLab's addObjects, with `SUBSETN(n)` answering subset n's content tag; a file
    drawn in shared subsets (`share_subsets`) embeds only the subsets after them."""
    state = self.state.get(doc)
    kept = _KEPT.get()
    if kept is not None and state is not None:
        kept[self.fontName] = Subsets(state.internalName, dict(state.assignments),
                                      tuple(tuple(codes) for codes in state.subsets))
    shared = getattr(state, "pr_shared", 0)
    if shared:
        state.subsets = state.subsets[shared:]
    tags = [subset_tag(self.face._ttf_data, codes) for codes in (state.subsets if state else ())]
    numbered = ttfonts.SUBSETN
    ttfonts.SUBSETN = lambda n, *_: tags[n]
    try:
        _ttf_add_objects(self, doc)
    finally:
        ttfonts.SUBSETN = numbered
    if shared:  # ReportLab numbered the file's own subsets from 0: give them the drawing's numbers
        fonts = doc.idToObject["BasicFonts"].dict
        for n in reversed(range(len(tags))):
            font = fonts.pop(f"{state.internalName}+{n}")
            font.Name = f"{state.internalName}+{n + shared}"
            fonts[font.Name] = font


# -- subsets shared with another file ---------------------------------------------------
# render.overlay draws a patient's box on a page of its own and splices it into a leaflet
# already made. The box is drawn in the leaflet's own subsets (the same codes), so a name
# in letters the leaflet has needs no font of its own; letters it lacks go into new subsets,
# the only ones the box's file embeds.

@dataclass(frozen=True)
class Subsets:
    """One font's subsets in a file: their resource names' prefix (`F1` for /F1+0 …), and
    ReportLab's record of them (character -> code, and each subset's characters)."""
    prefix: str
    assignments: dict
    subsets: tuple


_KEPT = contextvars.ContextVar("kept_subsets", default=None)


@contextmanager
def subsets_kept():
    """Files saved inside report their fonts' subsets in the dict yielded (font name ->
    Subsets); the last file saved wins."""
    kept: dict[str, Subsets] = {}
    token = _KEPT.set(kept)
    try:
        yield kept
    finally:
        _KEPT.reset(token)


def share_subsets(canv, shared: dict[str, Subsets]) -> None:
    """Call before drawing: each of these fonts starts from another file's subsets, so text
    is drawn in that file's codes and names (/F1+0 …); new characters open a new subset."""
    doc = canv._doc
    for name, known in shared.items():
        font = pdfmetrics.getFont(name)
        state = font.state[doc] = ttfonts.TTFont.State(font._asciiReadable, font)
        state.assignments = dict(known.assignments)
        state.subsets = [list(codes) for codes in known.subsets]
        state.nextCode = 256 * len(known.subsets)
        state.pr_shared = len(known.subsets)


ttfonts.TTFont.addObjects = _add_objects

_ttf_make_subset = ttfonts.TTFontFace.makeSubset
_SUBSETS: dict[tuple, tuple] = {}  # (id(face), its characters) -> (face, the subset font file)
_SUBSETS_MOST, _SUBSET_BYTES = 8_000_000, 0


def _make_subset(self, subset):
    """ReportLab's subset font file, made once per face and characters in a process:
    documents set in the same words embed the same subsets."""
    global _SUBSET_BYTES
    key = (id(self), tuple(subset))
    known = _SUBSETS.get(key)
    if known is None or known[0] is not self:
        data = _ttf_make_subset(self, subset)
        if not learning():  # a patient's name is being set: its letters are not kept
            return data
        if _SUBSET_BYTES + len(data) > _SUBSETS_MOST:  # a few MB at most (peak memory counts)
            _SUBSETS.clear()
            _SUBSET_BYTES = 0
        known = _SUBSETS[key] = (self, data)
        _SUBSET_BYTES += len(data)
    return known[1]


ttfonts.TTFontFace.makeSubset = _make_subset


# -- setting text -------------------------------------------------------------------------
# ReportLab turns every line it draws into subset codes one character at a time in Python;
# most lines use only letters the document's first subset already holds.

_ttf_split_string = ttfonts.TTFont.splitString


class _Codes(dict):
    """A font's codes in a document as a str.translate table (character -> its code as a
    one-character string), filled from ReportLab's record of them (`assignments`: a code,
    once given, never changes) as characters are met. A character without a code yet, or
    whose code is past the first subset, becomes one that no byte holds."""

    __slots__ = ("assignments",)

    def __init__(self, assignments: dict):
        super().__init__()
        self.assignments = assignments

    def __missing__(self, key):
        n = self.assignments.get(32 if key == 0xA0 else key)  # ReportLab sets a no-break space as a space
        if n is None:
            return "\U0010ffff"  # not kept: the character may get a code later
        self[key] = code = chr(n) if n < 256 else "\U0010ffff"
        return code


def _split_string(self, text, doc, encoding="utf-8"):
    """ReportLab's splitString (text -> (subset, codes) runs), without its loop over every
    character for a line whose characters all have codes in the document's first subset
    already: most lines of a page, once its first few have set their letters."""
    state = self.state.get(doc)
    if state is not None and text and type(text) is str:
        codes = state.assignments
        table = state.__dict__.get("_pr_codes")
        if table is None or table.assignments is not codes:
            table = state._pr_codes = _Codes(codes)
        try:
            return [(0, text.translate(table).encode("latin-1"))]
        except UnicodeEncodeError:  # a character new to the document, or one in a later subset
            pass
    return _ttf_split_string(self, text, doc, encoding)


ttfonts.TTFont.splitString = _split_string


# -- formatting ReportLab's objects ---------------------------------------------------------
# pdfdoc.format dispatches every value of every object through isinstance checks and a
# text encoding, and PDFDictionary escapes each key character by character: a font's
# widths alone are hundreds of numbers. The same bytes, made on a fast path for the kinds
# that are most of a file (whole numbers, names, bytes, references); any other value takes
# ReportLab's own path.

_rl_pdf_format = pdfdoc.format
_Reference = pdfdoc.PDFObjectReference


def _pdf_format(element, document, toplevel=0):
    kind = type(element)
    if kind is int:
        return b"%d" % element  # what fp_str writes for a whole number
    if kind is str:
        return element.encode("extpdfdoc")
    if kind is bytes:
        return element
    if kind is _Reference:
        numbered = document.idToObjectNumberAndVersion.get(element.name)
        if numbered is not None:
            return b"%d %d R" % numbered
    return _rl_pdf_format(element, document, toplevel)


@remembered(2048)
def _key(name: str) -> bytes:
    """A dictionary key as a PDF name (/Type, /F1+0 …), escaped once."""
    return pdfdoc.PDFName(name).encode("extpdfdoc")


def _dict_format(self, document, IND=b"\n "):
    entries = self.dict
    keys = list(entries)
    if not isinstance(entries, pdfdoc.OrderedDict):
        keys.sort()
    items = [_key(k) + b" " + _pdf_format(entries[k], document) for k in keys]
    if (self.multiline and pdfdoc.rl_config.pdfMultiLine) or self.multiline == "forced":
        return b"<<\n" + IND.join(items) + b"\n>>"
    return b"<<\n" + _joined(items, 6) + b"\n>>"


def _array_format(self, document, IND=b"\n "):
    items = [_pdf_format(e, document) for e in self.sequence]
    if (self.multiline and pdfdoc.rl_config.pdfMultiLine) or self.multiline == "forced":
        return b"[ " + IND.join(items) + b" ]"
    return b"[ " + _joined(items, 10) + b" ]"


pdfdoc.format = _pdf_format
pdfdoc.PDFDictionary.format = _dict_format
pdfdoc.PDFArray.format = _array_format


# -- stream compression -------------------------------------------------------------------
# Six of a leaflet's eight Flate streams (font subsets, their ToUnicode maps) are the very
# bytes other documents of the process embed too, and zlib gives the same output for the
# same input: their compressed form is remembered. A page's content is new in every file, so
# a stream is kept only when its data comes a second time: content never pushes the fonts
# out. Inside memo.private() (a patient's box) nothing is noted or kept.

_DEFLATED: dict[bytes, bytes] = {}  # sha256 of data seen again -> that data compressed
_SEEN: dict[bytes, None] = {}       # sha256 of data compressed once
_DEFLATED_MOST, _SEEN_MOST, _DEFLATED_BYTES = 4_000_000, 4096, 0


def _deflate(self, text) -> bytes:
    """ReportLab's PDFStreamFilterZCompress.encode, remembered for data seen before."""
    global _DEFLATED_BYTES
    if isinstance(text, str):
        text = text.encode("utf8")
    key = hashlib.sha256(text).digest()
    packed = _DEFLATED.get(key)
    if packed is not None:
        return packed
    packed = zlib.compress(text)
    if not learning():
        return packed
    if key not in _SEEN:
        if len(_SEEN) >= _SEEN_MOST:
            _SEEN.clear()
        _SEEN[key] = None
        return packed
    if _DEFLATED_BYTES + len(packed) > _DEFLATED_MOST:  # a few MB at most
        _DEFLATED.clear()
        _DEFLATED_BYTES = 0
    _DEFLATED[key] = packed
    _DEFLATED_BYTES += len(packed)
    return packed


pdfdoc.PDFStreamFilterZCompress.encode = _deflate


# -- compact files ----------------------------------------------------------------------
# A tagged file is mostly small objects (structure elements and their kids, annotations,
# font widths) that ReportLab writes uncompressed and lists in a classic xref table: a
# guide carries about 100 KB of them. PDF 1.5 object streams hold them zlib-compressed and
# a cross-reference stream replaces the table: the same objects, far fewer bytes. Press
# files (PDF/X-1a: PDF 1.4 at most) keep ReportLab's classic layout. No file wraps its
# streams in ASCII85, a 7-bit transport of old that costs a quarter more bytes.

pdfdoc.rl_config.useA85 = 0  # page, form and image streams as plain binary Flate (ASCII85 adds a quarter)
_ID_ARRAY = re.compile(rb"\[[^\]]*\]")
_rl_format = pdfdoc.PDFDocument.format


_CLASSIC = contextvars.ContextVar("classic", default=False)


@contextmanager
def classic_files():
    """Files saved inside keep ReportLab's classic layout (every object whole, an xref
    table): render.overlay splices them object by object."""
    token = _CLASSIC.set(True)
    try:
        yield
    finally:
        _CLASSIC.reset(token)


def compact(canv) -> None:
    """Call before `save`: write this file with object and cross-reference streams."""
    doc = canv._doc
    doc._pdfVersion = max(doc._pdfVersion, (1, 5))
    doc._pr_compact = True


def _format(self) -> bytes:
    """ReportLab's PDFDocument.format, for a compact document: every object that is not a
    stream goes into an object stream, and the cross-reference table is a stream."""
    if not getattr(self, "_pr_compact", False) or self.encrypt.info() or getattr(self, "_digiSigs", None):
        return _rl_format(self)
    self.encrypt.prepare(self)
    root, info = self.Reference(self.Catalog), self.Reference(self.info)
    objects = []
    number = 0
    while (number := number + 1) in self.numberToId:  # formatting may register more objects
        objects.append((number, pdfdoc.format(self.idToObject[self.numberToId[number]], self, toplevel=1)))
    out = pdfdoc.PDFFile(self._pdfVersion)
    parts, where, free = xref.place(objects, out.offset, len(self.numberToId) + 1)
    for part in parts:
        out.add(part)
    ident = _ID_ARRAY.search(self.ID()).group()
    out.add(xref.xref_stream(free, where, out.offset, root.format(self), info.format(self), ident))
    return out.format(self)


pdfdoc.PDFDocument.format = _format


# -- PDF/X identification ---------------------------------------------------------------
# A press file claims the PDF/X standard its layout chooses (`pdfx:`): an OutputIntent
# naming a registered characterization (no profile embedded), GTS_PDFXVersion and Trapped
# in the Info dictionary, and an XMP packet saying the same, with the Info's dates.

PDFX_VERSIONS = {"PDF/X-1a:2003": ("PDF/X-1:2003", (1, 4))}  # standard -> (Info version, max PDF version)


class _PdfxInfo(pdfdoc.PDFInfo):
    """ReportLab's Info dictionary plus the PDF/X version keys."""

    def format(self, document):
        text = super().format(document)
        extra = pdfdoc.PDFDictionary({"GTS_PDFXVersion": pdfdoc.PDFString(self.pdfx_version),
                                      "GTS_PDFXConformance": pdfdoc.PDFString(self.pdfx_conformance)})
        return text[:text.rindex(b">>")] + extra.format(document)[2:]


def declare_pdfx(canv, pdfx: dict) -> None:
    """Call before `save`: make the file claim `pdfx` = {standard, condition, info}."""
    doc = canv._doc
    version, highest = PDFX_VERSIONS[pdfx["standard"]]
    doc._pdfVersion = min(doc._pdfVersion, highest)
    info = doc.info
    info.__class__ = _PdfxInfo
    info.pdfx_version, info.pdfx_conformance, info.trapped = version, pdfx["standard"], "False"
    intent = pdfdoc.PDFDictionary({
        "Type": pdfdoc.PDFName("OutputIntent"), "S": pdfdoc.PDFName("GTS_PDFX"),
        "OutputConditionIdentifier": pdfdoc.PDFString(pdfx["condition"]),
        "OutputCondition": pdfdoc.PDFString(pdfx["info"]), "Info": pdfdoc.PDFString(pdfx["info"]),
        "RegistryName": pdfdoc.PDFString("http://www.color.org")})
    catalog = doc.Catalog
    catalog.__NoDefault__ = list(pdfdoc.PDFCatalog.__NoDefault__) + ["OutputIntents"]
    catalog.OutputIntents = pdfdoc.PDFArray([intent])
    stamp = "%04d-%02d-%02dT%02d:%02d:%02dZ" % doc._timeStamp.YMDhms
    catalog.Metadata = doc.Reference(_Metadata(f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(info.title)}</rdf:li></rdf:Alt></dc:title>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
<xmp:CreateDate>{stamp}</xmp:CreateDate>
<xmp:ModifyDate>{stamp}</xmp:ModifyDate>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<pdf:Trapped>False</pdf:Trapped>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdfx="http://ns.adobe.com/pdfx/1.3/">
<pdfx:GTS_PDFXVersion>{version}</pdfx:GTS_PDFXVersion>
<pdfx:GTS_PDFXConformance>{escape(pdfx["standard"])}</pdfx:GTS_PDFXConformance>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode("utf-8")))


# -- a slot in a page's content -----------------------------------------------------------
# render.overlay sets a leaflet with room kept for a personalised box, then splits page 1's
# content where that room was set and draws the box between the two halves.

SLOT_MARK = "%pressroom:slot"  # a PDF comment: inert if it were ever left in a file


def mark_slot(canv) -> int:
    """Mark the current point of the page's content (between tagged leaves: an artifact is
    open there) and return the page number."""
    canv._code.append(SLOT_MARK)
    return canv._pageNumber


# -- page room -----------------------------------------------------------------------

def room_left(frame) -> float:
    """The share (0 to 1) of a Platypus frame's height still free (ReportLab keeps both in
    private fields)."""
    return (frame._y - frame._y1p) / frame._height


def fits_below(frame, flowable, canv) -> bool:
    """Whether `flowable` fits whole in what is left of the frame (a KeepTogether reports an
    endless height from wrap to force its split; its content's height is kept aside)."""
    _, height = flowable.wrapOn(canv, frame._aW, frame._height)
    height = getattr(flowable, "_H", height)
    return height <= frame._y - frame._y1p


def page_started(doc) -> bool:
    """Whether anything has been set on the document's current page yet."""
    return doc._curPageFlowableCount > 0


def placed_on_page(doc) -> int:
    """In afterFlowable: how many flowables the current page holds, the one just set included."""
    return doc._curPageFlowableCount


def first_on_page(doc) -> bool:
    """In afterFlowable: whether the flowable just set is the first on its page."""
    return doc._curPageFlowableCount == 1
# -- scripts: fallback fonts and Chinese/Japanese line breaks --------------------------
# A paragraph's text fragments in a face that lacks some of their letters are split into
# runs set in the family that has them (fonts.runs: whole words, same weight). Lines of
# Chinese and Japanese (wordWrap 'CJK') break between characters, never before closing
# punctuation or after opening punctuation, never inside a run of Latin letters, digits or
# a no-break space (a phone number, "MISS", a web address), and never hang past the margin:
# ReportLab's own CJK breaker cuts Latin words and hangs punctuation outside the frame.

from reportlab.lib import textsplit as _textsplit  # noqa: E402

from ..layout import fonts as _fonts  # noqa: E402

CANNOT_START = frozenset(
    _textsplit.ALL_CANNOT_START
    + "!),.:;?]}\u00bb\u2019\u201d\u2010\u2013\u2014\u2026\u2025\u00b7\u30fb\u30fc\u3005\u3006\u309d\u309e\u30fd\u30fe"
    + "\uff0c\u3002\u3001\uff1a\uff1b\uff01\uff1f\uff09\u300d\u300f\u3015\u3011\u300b\u3009\uff3d\uff5d\u3017\u3019"
    + "\u301b\uff05\u2030\u2103\u00b0\uff0e\uff64\uff61\uff63\u301e\u301f\ufe50\ufe52\ufe54\ufe55\ufe56\ufe57")
CANNOT_END = frozenset(
    _textsplit.ALL_CANNOT_END
    + "([{\u00ab\u2018\u201c\uff08\u300c\u300e\u3014\u3010\u300a\u3008\uff3b\uff5b\u3016\u3018\u301a\u301d\uff62")
_GLUE = frozenset("\u00a0\u2060\u202f\ufeff")  # no-break spaces and joiners


def _breaks_between(ch: str) -> bool:
    """Characters a line may break beside without a space: ideographs, kana, CJK
    punctuation and fullwidth forms."""
    code = ord(ch)
    return (0x2e80 <= code <= 0x9fff or 0xf900 <= code <= 0xfaff or 0xff00 <= code <= 0xffef
            or 0x20000 <= code <= 0x3ffff)


def _break_before(prev: str, ch: str) -> bool:
    """May a line end after `prev` and the next start with `ch`? (Not beside an empty unit:
    a line break of its own, an anchor.)"""
    if not ch or not prev:
        return False
    if ch in _GLUE or prev in _GLUE or ch in CANNOT_START or prev in CANNOT_END:
        return False
    if ch.isspace():
        return False  # the space ends the line; the break comes after it
    if prev.isspace():
        return True
    return _breaks_between(prev) or _breaks_between(ch)


def _cjk_lines(frags, max_widths, calc_bounds):
    units = []
    for f in frags:
        text = f.text if not isinstance(f.text, bytes) else f.text.decode("utf8")
        units.extend(_paragraph.cjkU(t, f, "utf8") for t in text) if text else units.append(
            _paragraph.cjkU(text, f, "utf8"))
    lines, start, n = [], 0, len(units)

    def width_of(u, limit):
        w = u.width
        if hasattr(w, "normalizedValue"):
            w._normalizer = limit
            w = w.normalizedValue(limit)
        return w

    def emit(end: int, limit: float, line_break: bool) -> None:
        kept = end
        while kept > start and units[kept - 1].isspace():
            kept -= 1  # spaces at a line's end are not drawn
        used = sum(width_of(u, limit) for u in units[start:kept])
        lines.append(_paragraph.makeCJKParaLine(units[start:kept], limit, used, limit - used, line_break,
                                                calc_bounds))

    while start < n:
        limit = max_widths[min(len(lines), len(max_widths) - 1)]
        used, last_break, i, overflow, forced = 0.0, None, start, False, False
        while i < n:
            u = units[i]
            if i > start and _break_before(units[i - 1], u):
                last_break = i
            w = width_of(u, limit)
            if i > start and used + w > limit + _paragraph._FUZZ and not u.isspace():
                overflow = True
                break
            used += w
            i += 1
            if hasattr(u.frag, "lineBreak"):
                forced = True
                break
        end = i if not overflow else (last_break if last_break is not None and last_break > start
                                      else _address_cut(units, start, i) or i)
        emit(end, limit, forced)
        start = end
        while start < n and units[start].isspace():
            start += 1  # nor at the next one's start
    return _paragraph.ParaLines(kind=1, lines=lines)


def _address_cut(units, start: int, at: int) -> int | None:
    """Where a web or e-mail address too long for its line breaks, as in Latin text
    (_address_breaks): after the last '/', '.', '@' or '-' before `at`; None for any other
    word (then it is cut where the line ends)."""
    def inside(unit) -> bool:
        return bool(unit) and not unit.isspace() and not _breaks_between(unit)

    first = at  # the whole word, though its head may be on the line before
    while first > 0 and inside(units[first - 1]):
        first -= 1
    last = at
    while last < len(units) and inside(units[last]):
        last += 1
    word = "".join(units[first:last])
    if not _ADDRESS.fullmatch(word):
        return None
    return next((first + len(head) for head, _ in _address_breaks(word) or ()
                 if start < first + len(head) <= at), None)


def _break_lines_cjk(self, maxWidths):
    if not isinstance(maxWidths, (list, tuple)):
        maxWidths = [maxWidths]
    style = self.style
    self.height = 0
    _paragraph._handleBulletWidth(self.bulletText, style, maxWidths)
    if hasattr(self, "blPara") and getattr(self, "_splitpara", 0):
        return self.blPara
    if not self.frags:
        return _paragraph.ParaLines(kind=0, fontSize=style.fontSize, fontName=style.fontName,
                                    textColor=style.textColor, lines=[], ascent=style.fontSize,
                                    descent=-0.2 * style.fontSize)
    auto = getattr(self, "autoLeading", getattr(style, "autoLeading", ""))
    return _cjk_lines(self.frags, maxWidths, auto not in ("", "off"))


_rl_para_setup = Paragraph._setup


_PARSED: dict[tuple, tuple] = {}  # (markup, id(style), bullet, case, cleaner) -> a parse, kept with its style
_PARSED_MOST = 20_000


def _para_setup(self, text, style, bulletText, frags, cleaner):
    """ReportLab's parse, then runs in fallback fonts where a face lacks letters; remembered
    per markup and style object (documents sharing a layout's styles, see Styles.of, parse a
    paragraph they share once). Each paragraph gets its own copies of the fragments, which
    line breaking and splitting change."""
    key = None
    if frags is None and isinstance(text, str) and (bulletText is None or isinstance(bulletText, str)):
        key = (text, id(style), bulletText, self.caseSensitive, cleaner)
        hit = _PARSED.get(key)
        if hit is not None and hit[0] is style:  # the style kept alive with it: its id is not reused
            _, self.text, self.style, self.bulletText, parsed = hit
            self.frags = [_copy(f) for f in parsed]
            self.debug = 0
            self._pr_parsed = (key, self.frags)
            return
    _parse(self, text, style, bulletText, frags, cleaner)
    if key is not None and learning() and (self.bulletText is None or isinstance(self.bulletText, str)):
        if len(_PARSED) >= _PARSED_MOST:
            _PARSED.clear()
        _PARSED[key] = (style, self.text, self.style, self.bulletText, [_copy(f) for f in self.frags])
    if key is not None:
        self._pr_parsed = (key, self.frags)


def _copy(frag):
    """ABag.clone() without its keyword handling: a new fragment with the same attributes."""
    new = object.__new__(type(frag))
    new.__dict__.update(frag.__dict__)
    return new


def _parse(self, text, style, bulletText, frags, cleaner):
    _rl_para_setup(self, text, style, bulletText, frags, cleaner)
    if frags is None:
        out = []
        for f in self.frags:
            text = getattr(f, "text", None)
            if not isinstance(text, str) or not text or hasattr(f, "cbDefn") or _fonts.covers(f.fontName, text):
                out.append(f)
                continue
            for name, piece in _fonts.runs(f.fontName, text):
                part = f.clone()
                part.text, part.fontName = piece, name
                out.append(part)
        self.frags = out


Paragraph._setup = _para_setup
Paragraph.breakLinesCJK = _break_lines_cjk


_rl_para_wrap = Paragraph.wrap
_rl_para_split = Paragraph.split
_rl_min_width = Paragraph.minWidth

# Broken lines across paragraphs: leaflets of one set (and a catalogue's editions, and
# guides quoting leaflets) set the same paragraph (same markup, style object and width)
# again and again, and ReportLab breaks each afresh (issue 17: nine in ten breakLines).
# A paragraph parsed through _PARSED's key and measured at a width breaks as the first one
# did, so it takes that one's lines (kept from the second time a paragraph is set). The
# lines are shared, not copied (a copy costs as much as the break): a paragraph holding
# shared lines gets its own copies before anything that changes them (a split at a page
# end, a break at another width). Right-to-left text, reordered in place when drawn, and
# paragraphs with images or callbacks break afresh. Nothing is kept inside memo.private().
_LINES: dict[tuple, tuple | None] = {}  # (parse key, class, width, extras) -> (style, its values, what
_LINES_MOST = 20_000                      # wrap set), None when set once so far; also minWidth's
_LINES_KEPT_MOST = 4_000  # broken lines kept (about 3 KB each; the catalogue keeps 2,400)
_lines_kept = 0
_WRAP_SETS = ("width", "_wrapWidths", "blPara", "height", "frags", "_width_max", "_hyphenations",
              "_splitLongWordCount")  # what Paragraph.wrap and breakLines set on a paragraph


def _lines_key(self, availWidth):
    """The key of the paragraph's lines at `availWidth`, or None when they may differ from
    another's with the same parse (fragments replaced since, a bullet object, right-to-left
    text, whose lines ReportLab reorders in place)."""
    parsed = self.__dict__.get("_pr_parsed")
    if parsed is None or parsed[1] is not self.frags or availWidth < _paragraph._FUZZ:
        return None
    bullet, style = self.bulletText, self.style
    if (bullet is not None and not isinstance(bullet, str)) or style.wordWrap in ("RTL", "LTR"):
        return None
    return (parsed[0], type(self), availWidth, bullet, self.__dict__.get("autoLeading"),
            getattr(self, "encoding", None))


def _unshare(self):
    """Own copies of shared lines and frag words, before ReportLab changes them (a split
    adds spaces to line words and recasts the last word; a break at another width marks
    frag words)."""
    if not self.__dict__.pop("_pr_shared", False):
        return
    bl = getattr(self, "blPara", None)
    if bl is not None:
        bl = self.blPara = _copy(bl)
        if bl.kind == 0:
            bl.lines = [(space, [w if type(w) is str else copy.copy(w) for w in words])
                        for space, words in bl.lines]
        else:
            lines = []
            for line in bl.lines:
                line = _copy(line)
                line.words = [_copy(g) for g in line.words]
                lines.append(line)
            bl.lines = lines
    if _paragraph._processed_frags(self.frags):
        self.frags = [copy.copy(w) for w in self.frags]  # a frag word: its pairs are never changed


def _para_wrap(self, availWidth, availHeight):
    """ReportLab's wrap, remembered per paragraph: measured again at the same width (a table
    measures its cells, then draws them; a list entry is measured, then set) it breaks its
    lines once. Its lines depend on the width, style and fragments only, not the height.
    Across paragraphs: _LINES."""
    done = getattr(self, "_pr_wrapped", None)
    if done is not None and done[0] == availWidth and done[1] is self.frags and done[2] is self.style \
            and done[3] is getattr(self, "blPara", None):
        self.width, self.height = availWidth, done[4]
        return availWidth, done[4]
    key = _lines_key(self, availWidth)
    hit = _LINES.get(key) if key is not None else None
    if hit is not None and hit[0] is self.style and hit[1] == self.style.__dict__:
        self.__dict__.update(hit[2])
        self._wrapWidths = list(self._wrapWidths)  # a bullet's width is taken from it in place
        self._pr_shared = True
        size = availWidth, self.height
    else:
        _unshare(self)
        size = _rl_para_wrap(self, availWidth, availHeight)
        if key is not None and learning() and not any(hasattr(f, "cbDefn") for f in self._pr_parsed[1]):
            _remember_lines(self, key)
    if availWidth >= _paragraph._FUZZ:
        self._pr_wrapped = (availWidth, self.frags, self.style, self.blPara, self.height)
    return size


def _bound_lines() -> None:
    global _lines_kept
    if len(_LINES) >= _LINES_MOST or _lines_kept >= _LINES_KEPT_MOST:
        _LINES.clear()
        _lines_kept = 0


def _remember_lines(self, key) -> None:
    """Keep the lines of a paragraph set a second time (most of a catalogue's paragraphs are
    set once: keeping theirs costs memory and garbage collection for nothing)."""
    global _lines_kept
    _bound_lines()
    if key not in _LINES:
        _LINES[key] = None
        return
    _lines_kept += 1
    sets = {name: self.__dict__[name] for name in _WRAP_SETS if name in self.__dict__}
    if self.frags is self._pr_parsed[1]:
        del sets["frags"]  # unchanged (one fragment, or CJK): each keeps its own
    sets["_wrapWidths"] = list(self._wrapWidths)
    _LINES[key] = (self.style, dict(self.style.__dict__), sets)
    self._pr_shared = True


def _min_width(self):
    """ReportLab's minWidth (its widest word: a table sizes its columns by it), shared like
    the lines: by parse and style, while the paragraph has its parsed fragments."""
    parsed = self.__dict__.get("_pr_parsed")
    if parsed is None or parsed[1] is not self.frags:
        return _rl_min_width(self)
    key = (parsed[0], type(self), "minWidth")
    hit = _LINES.get(key)
    style = self.style
    if hit is not None and hit[0] is style and hit[1] == style.__dict__:
        return hit[2]
    width = _rl_min_width(self)
    if learning():
        _bound_lines()
        _LINES[key] = (style, dict(style.__dict__), width)
    return width


def _para_split(self, availWidth, availHeight):
    _unshare(self)
    return _rl_para_split(self, availWidth, availHeight)


def _para_deepcopy(self):
    """What ReportLab's cdeepcopy takes before it tries a split it may throw away (balanced
    columns try a dozen heights per page: deep copies of style, fragments and lines were a
    third of a glossary's setting). A split changes only the lines and frag words, so a
    copy that shares the rest and takes its own of those first (_unshare, as for lines
    shared between paragraphs) splits as the deep copy did and leaves the original as it was."""
    new = _copy(self)
    new._pr_shared = True
    return new


Paragraph.wrap = _para_wrap
Paragraph.split = _para_split
Paragraph.deepcopy = _para_deepcopy
Paragraph.minWidth = _min_width
