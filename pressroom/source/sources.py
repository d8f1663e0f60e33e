"""Read YAML files safely, keeping the line of every key and item.

YAML is composed into nodes and converted by hand, so no tag can construct a Python
object, duplicate keys are caught, and each value remembers where it was written.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from yaml.composer import Composer

from .. import limits
from ..errors import Problems
from ..inputs import Refused, read_bytes

from ..limits import MAX_YAML_DEPTH

# Tags a plain data file may use; anything else (e.g. !!python/object) is refused.
_SAFE_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq",
}
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when present: same nodes, faster
_MAX_NODES = 200_000  # an alias bomb stops here instead of eating the machine


class Map(dict):
    """A mapping that knows its own line and the line of each key."""

    def __init__(self, line: int):
        super().__init__()
        self.line = line
        self.lines: dict[str, int] = {}

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)


class Seq(list):
    """A sequence that knows its own line and the line of each item."""

    def __init__(self, line: int):
        super().__init__()
        self.line = line
        self.lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.lines[index] if index < len(self.lines) else self.line


class _Written:
    """A number that remembers how it was written: to YAML `version: 1.10` is 1.1 and
    `phone: 0142` is 98, but a version or a phone number is text to its author."""

    def __new__(cls, value, text: str = ""):
        number = super().__new__(cls, value)
        number.text = text
        return number


class Int(_Written, int):
    pass


class Float(_Written, float):
    pass


_AS_WRITTEN = {int: Int, float: Float}


def as_written(value) -> str:
    """A scalar as its author wrote it: numbers keep their digits, everything else is str()."""
    return getattr(value, "text", None) or str(value)

class _TooDeep(Exception):
    """Lists and mappings nested past MAX_YAML_DEPTH, found while composing or converting."""

    message = (f"the YAML nests deeper than {MAX_YAML_DEPTH} levels (lists and mappings inside "
               "each other); flatten it")

    def __init__(self, line: int):
        self.line = line


class _Loader(*([_LOADER] if issubclass(_LOADER, Composer) else [Composer, _LOADER])):
    """_LOADER's parser with PyYAML's own composer, stopped at MAX_YAML_DEPTH: libyaml's
    composer recurses in C and crashes the interpreter on lists nested 100,000 deep."""

    def __init__(self, stream):
        _LOADER.__init__(self, stream)
        Composer.__init__(self)  # libyaml's loader does not set up PyYAML's composer
        self.depth = 0

    def compose_node(self, parent, index):
        if not self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent):  # exact classes for libyaml
            return super().compose_node(parent, index)
        if self.depth >= MAX_YAML_DEPTH:
            raise _TooDeep(self.peek_event().start_mark.line + 1)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _Converter:
    def __init__(self, path: str, problems: Problems):
        self.path, self.problems, self.count = path, problems, 0
        self.scalars = yaml.SafeLoader("")

    def convert(self, node: yaml.Node, depth: int = 0):
        """`depth`: the lists and mappings around `node` (an alias can put a deep one deeper)."""
        self.count += 1
        line = node.start_mark.line + 1
        if self.count > _MAX_NODES:
            raise _TooBig(line)
        if isinstance(node, yaml.CollectionNode) and depth >= MAX_YAML_DEPTH:
            raise _TooDeep(line)
        if node.tag not in _SAFE_TAGS:
            self.problems.add(self.path, line, f"YAML tag {node.tag!r} is not allowed in content; "
                              "write plain text, lists and mappings")
            return None
        if isinstance(node, yaml.MappingNode):
            out = Map(line)
            self.scalars.flatten_mapping(node)
            for key_node, value_node in node.value:
                key = self.convert(key_node, depth + 1)
                key_line = key_node.start_mark.line + 1
                if isinstance(key, bool):
                    self.problems.add(self.path, key_line, "this key reads as true/false (YAML takes "
                                      "yes/no/on/off that way); put it in quotes")
                    continue
                if not isinstance(key, (str, int, float)):
                    self.problems.add(self.path, key_line, "a key must be plain text")
                    continue
                key = str(key)
                if key in out:
                    self.problems.add(self.path, key_line,
                                      f"duplicate key {key!r} (first at line {out.lines[key]})")
                    continue
                out[key] = self.convert(value_node, depth + 1)
                out.lines[key] = key_line
            return out
        if isinstance(node, yaml.SequenceNode):
            out = Seq(line)
            for item in node.value:
                out.append(self.convert(item, depth + 1))
                out.lines.append(item.start_mark.line + 1)
            return out
        try:
            value = self.scalars.construct_object(node)
        except (yaml.YAMLError, ValueError) as exc:
            self.problems.add(self.path, line, f"invalid value: {exc}")
            return None
        if isinstance(value, dt.datetime):
            value = value.date()
        elif type(value) in _AS_WRITTEN:
            value = _AS_WRITTEN[type(value)](value, node.value)
        return value


class _TooBig(Exception):
    def __init__(self, line: int):
        self.line = line


def decode_text(data: bytes, path: str, problems: Problems) -> str | None:
    """UTF-8 only: a stray byte is reported at its line, not turned into mojibake."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.add(path, line, f"byte 0x{data[exc.start]:02x} is not UTF-8 text; "
                     "save the file as UTF-8")
        return None


def load_yaml(path: Path, shown: str, problems: Problems, root: Path):
    """Return the file's data as Map/Seq/scalars, or None after adding problems.
    Only a regular file inside `root`, within the size limit, is read."""
    try:
        data = read_bytes(path, root, limits.MAX_YAML_BYTES)
    except Refused as exc:
        problems.add(shown, 0, f"cannot use this file: {exc}")
        return None
    text = decode_text(data, shown, problems)
    if text is None:
        return None
    before = len(problems.items)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except _TooDeep as exc:
        problems.add(shown, exc.line, exc.message)
        return None
    except RecursionError:  # a last resort: _Loader stops nesting long before this
        problems.add(shown, 0, _TooDeep.message)
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        what = exc.problem or exc.context or "not valid YAML"
        if "nesting depth" in what:  # libyaml's own cap (PyYAML 6.0.4 on): the same limit, told alike
            problems.add(shown, line, _TooDeep.message)
        else:
            problems.add(shown, line, f"invalid YAML: {what}")
        return None
    except yaml.YAMLError as exc:
        problems.add(shown, 0, f"invalid YAML: {exc}")
        return None
    if node is None:
        return Map(1)
    try:
        value = _Converter(shown, problems).convert(node)
    except _TooBig as exc:
        problems.add(shown, exc.line, "the file expands to too much data (YAML alias bomb?)")
        return None
    except _TooDeep as exc:
        problems.add(shown, exc.line, exc.message)
        return None
    return None if len(problems.items) > before else value
