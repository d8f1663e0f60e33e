"""Reading a tagged PDF as a screen reader does: the structure tree (pypdf) and the text
each marked-content ID holds on its page (pdfium's page objects)."""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject


@dataclass
class Element:
    role: str
    alt: str | None
    kids: list = field(default_factory=list)   # Element | ("mcid", page, n) | ("objr", page)

    def walk(self):
        yield self
        for kid in self.kids:
            if isinstance(kid, Element):
                yield from kid.walk()

    def own_mcids(self):
        """(page, mcid) of the content this element holds itself."""
        return [(k[1], k[2]) for k in self.kids if not isinstance(k, Element) and k[0] == "mcid"]


def structure(path: Path) -> tuple[Element, PdfReader]:
    reader = PdfReader(path)
    pages = {p.indirect_reference.idnum: i for i, p in enumerate(reader.pages)}
    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()

    def page_of(d, inherited):
        ref = d.get("/Pg")
        return pages[ref.idnum] if isinstance(ref, IndirectObject) else inherited

    def element(d, inherited=None) -> Element:
        here = page_of(d, inherited)
        el = Element(str(d["/S"])[1:], str(d["/Alt"]) if "/Alt" in d else None)
        kids = d.get("/K", [])
        kids = kids if isinstance(kids, (list, ArrayObject)) else [kids]
        for kid in kids:
            kid = kid.get_object() if isinstance(kid, IndirectObject) else kid
            if isinstance(kid, int):
                el.kids.append(("mcid", here, int(kid)))
            elif isinstance(kid, DictionaryObject) and kid.get("/Type") == "/MCR":
                el.kids.append(("mcid", page_of(kid, here), int(kid["/MCID"])))
            elif isinstance(kid, DictionaryObject) and kid.get("/Type") == "/OBJR":
                el.kids.append(("objr", page_of(kid, here)))
            else:
                el.kids.append(element(kid, here))
        return el

    kids = root["/K"]
    kids = kids if isinstance(kids, (list, ArrayObject)) else [kids]
    return Element("root", None, [element(k.get_object()) for k in kids]), reader


def marked_text(path: Path) -> dict[tuple[int, int], str]:
    """(page, mcid) -> the text drawn inside that marked content; mcid -1 is everything else."""
    doc = pdfium.PdfDocument(str(path))
    out: dict[tuple[int, int], str] = {}
    for index in range(len(doc)):
        page = doc[index]
        textpage = page.get_textpage()
        for obj in page.get_objects():
            if obj.type != raw.FPDF_PAGEOBJ_TEXT:
                continue
            mcid = raw.FPDFPageObj_GetMarkedContentID(obj.raw)
            size = raw.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
            buffer = ctypes.create_string_buffer(size)
            raw.FPDFTextObj_GetText(obj.raw, textpage.raw, ctypes.cast(buffer, ctypes.POINTER(raw.FPDF_WCHAR)), size)
            text = buffer.raw[:size - 2].decode("utf-16-le")
            key = (index, mcid)
            out[key] = (out.get(key, "") + " " + text).strip()
    return out


def read_aloud(path: Path) -> list[tuple[str, str]]:
    """(role, text) of every leaf element, in structure order: what a screen reader reads."""
    tree, _ = structure(path)
    texts = marked_text(path)
    out = []
    for el in tree.walk():
        own = [k for k in el.kids if not isinstance(k, Element) and k[0] == "mcid"]
        if el.role == "Figure":  # a figure is read as its alternative text
            out.append(("Figure", el.alt or ""))
        elif own:
            out.append((el.role, " ".join(" ".join(texts.get((p, n), "").split()) for _, p, n in own).strip()))
    return out
