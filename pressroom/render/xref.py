"""PDF 1.5 object streams and cross-reference streams, from objects already formatted.

A tagged file is mostly small objects (structure elements, annotations, font widths):
held zlib-compressed in object streams, with the cross-reference table a stream too, a
guide halves. The compact writer (tagging) and the overlay's copies (overlay) both write
files this way, so the bytes of either are made here.
"""

from __future__ import annotations

import zlib

PER_STREAM = 200  # objects in one object stream


def chunk(number: int, body: bytes) -> bytes:
    """`body` as the whole indirect object `number`."""
    return b"%d 0 obj\n%s%sendobj\n" % (number, body, b"" if body.endswith(b"\n") else b"\n")


def pack(objects: list[tuple[int, bytes]], first: int, level: int = 9) -> tuple[list[tuple[int, bytes]], dict]:
    """`objects` ((number, body), none a stream) in object streams numbered from `first`:
    the streams as (number, whole object), and each packed object's cross-reference entry."""
    streams, where = [], {}
    for start in range(0, len(objects), PER_STREAM):
        number = first + len(streams)
        heads, bodies, offset = [], [], 0
        for index, (packed, body) in enumerate(objects[start:start + PER_STREAM]):
            heads.append(b"%d %d" % (packed, offset))
            bodies.append(body)
            offset += len(body) + 1
            where[packed] = (2, number, index)
        head = b" ".join(heads) + b"\n"
        data = zlib.compress(head + b"\n".join(bodies) + b"\n", level)
        streams.append((number, b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\n"
                        b"stream\n%s\nendstream\nendobj\n" % (number, len(bodies), len(head), len(data), data)))
    return streams, where


def place(objects: list[tuple[int, bytes]], at: int, first: int, level: int = 9) -> tuple[list[bytes], dict, int]:
    """`objects` ((number, body)) written from offset `at`: streams whole, the rest packed
    in object streams numbered from `first`. Returns the bytes in file order, each object's
    cross-reference entry, and the next free object number."""
    out, where, plain = [], {}, []
    for number, body in objects:
        if body.rstrip().endswith(b"endstream"):
            where[number] = (1, at, 0)
            out.append(chunk(number, body))
            at += len(out[-1])
        else:
            plain.append((number, body))
    packs, packed = pack(plain, first, level)
    where.update(packed)
    for number, whole in packs:
        where[number] = (1, at, 0)
        out.append(whole)
        at += len(whole)
    return out, where, first + len(packs)


def xref_stream(number: int, where: dict, at: int, root: bytes, info: bytes, ident: bytes, level: int = 9) -> bytes:
    """The cross-reference stream, object `number` at offset `at`, listing objects 1 to
    `number` (`where`: number -> (type, field 2, field 3)), and the end of the file."""
    where = {**where, number: (1, at, 0)}
    table = b"".join(b"%c%s%s" % (kind, second.to_bytes(4, "big"), third.to_bytes(2, "big"))
                     for kind, second, third in [(0, 0, 0xFFFF)] + [where[n] for n in range(1, number + 1)])
    table = zlib.compress(table, level)
    return (b"%d 0 obj\n<< /Type /XRef /Size %d /W [ 1 4 2 ] /Root %s /Info %s /ID %s /Filter /FlateDecode "
            b"/Length %d >>\nstream\n%s\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n"
            % (number, number + 1, root, info, ident, len(table), table, at))
