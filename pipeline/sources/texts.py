"""Text readers: YAML files and Markdown files with YAML front matter.

YAML is read with the safe loader only (libyaml's when PyYAML has it; the pure-Python one words every
error, see _parse_yaml). Each document comes back with a map from key path
(``authors[0].name``) to its line, so that later errors can point into the user's file.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .. import limits
from ..errors import Origin, SourceError
from .tables import display_path, read_text


@dataclass(frozen=True)
class YamlDoc:
    data: object
    lines: dict[str, int]  # key path -> 1-based line
    origin: Origin

    def at(self, key: str) -> Origin:
        """The origin of one key path, with its line when known."""
        line = self.lines.get(key)
        return self.origin.at(key=key, line=line)


@dataclass(frozen=True)
class MarkdownDoc:
    meta: dict
    meta_lines: dict[str, int]
    body: str
    body_line: int  # line of the file where the body starts
    origin: Origin


def _key_lines(node, path: str, out: dict[str, int]) -> None:
    out[path or "."] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = f"{path}.{key_node.value}" if path else str(key_node.value)
            _key_lines(value_node, key, out)
            out[key] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _key_lines(item, f"{path}[{i}]", out)


class _BoundedLoader(yaml.SafeLoader):
    """The safe loader, refusing what would eat the machine: deep nesting, alias bombs; bad dates as errors."""

    def __init__(self, text: str, origin: Origin, line_offset: int):
        super().__init__(text)
        self.origin, self.line_offset = origin, line_offset
        self.depth = self.aliases = 0

    def where(self, mark) -> Origin:
        return self.origin.at(line=mark.line + 1 + self.line_offset if mark else None)

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > limits.MAX_YAML_ALIASES:
                raise SourceError(self.where(self.peek_event().start_mark),
                                  f"more than {limits.MAX_YAML_ALIASES} YAML aliases (*name); write the values out")
        self.depth += 1
        if self.depth > limits.MAX_YAML_DEPTH:
            raise SourceError(self.where(self.peek_event().start_mark),
                              f"nested more than {limits.MAX_YAML_DEPTH} levels deep (see README 'Limits')")
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_yaml_timestamp(self, node):
        try:
            return yaml.constructor.SafeConstructor.construct_yaml_timestamp(self, node)
        except ValueError as exc:
            raise SourceError(self.where(node.start_mark),
                              f"'{node.value}' is not a valid date ({exc}); write it as YYYY-MM-DD") from None


_BoundedLoader.add_constructor("tag:yaml.org,2002:timestamp", _BoundedLoader.construct_yaml_timestamp)


def _expanded_size(node, memo: dict, origin: Origin, offset: int) -> int:
    """How many values the document holds once every alias is expanded (an alias bomb is small on disk)."""
    key = id(node)
    if key not in memo:
        memo[key] = 1  # guards against a recursive alias
        if isinstance(node, yaml.MappingNode):
            memo[key] += sum(_expanded_size(k, memo, origin, offset) + _expanded_size(v, memo, origin, offset)
                             for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            memo[key] += sum(_expanded_size(item, memo, origin, offset) for item in node.value)
        if memo[key] > limits.MAX_YAML_VALUES:  # the smallest part that is too big: its line
            raise SourceError(origin.at(line=node.start_mark.line + 1 + offset),
                              f"expands to more than {limits.MAX_YAML_VALUES:,} values through its aliases (*name); "
                              "write the values out (see README 'Limits')")
    return memo[key]


_OPENERS = re.compile(r"[\[{](?:\s*[\[{]){%d}" % limits.MAX_YAML_DEPTH)


_PARSED: dict[tuple, tuple] = {}  # (text, origin, offset) -> (data, lines): a check reads each file 2-4 times
_PARSED_KEEP = 64  # the YAML files and front matters of one source folder


def parse_yaml(text: str, origin: Origin, line_offset: int = 0) -> YamlDoc:
    """`text` as YAML with the line of every key path. The same text parsed again (loading a second edition,
    reading the editions for the waivers) is a copy of the first parse: the pure-Python parser is slow."""
    key = (text, origin, line_offset)
    if key not in _PARSED:
        if len(_PARSED) >= _PARSED_KEEP:
            _PARSED.pop(next(iter(_PARSED)))
        _PARSED[key] = _parse_yaml(text, origin, line_offset)
    data, lines = _PARSED[key]
    return YamlDoc(copy.deepcopy(data), dict(lines), origin)  # a copy: a reader may change what it got


def _parse_yaml(text: str, origin: Origin, line_offset: int) -> tuple[object, dict[str, int]]:
    """libyaml first (0.01 s for the sources' YAML, against 0.12 s); anything it refuses, or that is past
    the limits, is parsed again in pure Python so that the error names the same line in the same words."""
    fast = _parse_with_libyaml(text, origin, line_offset)
    return fast if fast is not None else _parse_in_python(text, origin, line_offset)


class _BoundedCLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """libyaml's safe loader: the same constructors, bad dates an error as in _BoundedLoader."""

    def __init__(self, text: str, origin: Origin, line_offset: int):
        super().__init__(text)
        self.origin, self.line_offset = origin, line_offset

    where = _BoundedLoader.where
    construct_yaml_timestamp = _BoundedLoader.construct_yaml_timestamp


_BoundedCLoader.add_constructor("tag:yaml.org,2002:timestamp", _BoundedCLoader.construct_yaml_timestamp)


def _within_limits(root) -> bool:
    """Whether a composed document stays within the depth and alias limits _BoundedLoader enforces while
    composing: depth counts every node from the root (1), an alias is a second reference to a node."""
    seen: set[int] = set()
    aliases = 0
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            aliases += 1
            if aliases > limits.MAX_YAML_ALIASES:
                return False
            continue
        seen.add(id(node))
        if depth > limits.MAX_YAML_DEPTH:
            return False
        if isinstance(node, yaml.MappingNode):
            stack.extend((n, depth + 1) for pair in reversed(node.value) for n in reversed(pair))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((n, depth + 1) for n in reversed(node.value))
    return True


def _parse_with_libyaml(text: str, origin: Origin, line_offset: int) -> tuple[object, dict[str, int]] | None:
    """The document parsed by libyaml (a tenth of the pure-Python parser's time), or None when libyaml is
    missing or the document is anything but well-formed and within the limits: then the pure-Python
    parser reads it again and words the error exactly as it always has."""
    if not getattr(yaml, "__with_libyaml__", False):
        return None
    loader = _BoundedCLoader(text, origin, line_offset)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        if not _within_limits(node):
            return None
        _expanded_size(node, {}, origin, line_offset)
        data = loader.construct_document(node)
    except Exception:  # YAMLError, SourceError, RecursionError...: the pure-Python parser says which
        return None
    finally:
        loader.dispose()
    lines: dict[str, int] = {}
    _key_lines(node, "", lines)
    return data, {k: v + line_offset for k, v in lines.items()}


def _parse_in_python(text: str, origin: Origin, line_offset: int) -> tuple[object, dict[str, int]]:
    deep = _OPENERS.search(text)  # [[[[... : refused before the scanner's look-ahead crawls through it
    if deep:
        raise SourceError(origin.at(line=text.count("\n", 0, deep.start()) + 1 + line_offset),
                          f"nested more than {limits.MAX_YAML_DEPTH} levels deep (see README 'Limits')")
    loader = _BoundedLoader(text, origin, line_offset)
    try:
        node = loader.get_single_node()
        if node is not None:
            _expanded_size(node, {}, origin, line_offset)
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 + line_offset if mark else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SourceError(origin.at(line=line), f"malformed YAML: {problem}") from None
    except RecursionError:
        raise SourceError(origin, "nested too deeply to read (see README 'Limits')") from None
    finally:
        loader.dispose()
    lines: dict[str, int] = {}
    if node is not None:
        _key_lines(node, "", lines)
        lines = {k: v + line_offset for k, v in lines.items()}
    return data, lines


def read_yaml(path: Path) -> YamlDoc:
    return parse_yaml(read_text(path), Origin(display_path(path)))


def list_entries(doc: YamlDoc, keys, list_hint: str, item_hint: str):
    """(index, origin, mapping) for each entry of a YAML file that is a list of mappings (editions, errata,
    waivers); SourceError at the line of a non-list, a non-mapping entry or the first unknown key."""
    if not isinstance(doc.data, list):
        raise SourceError(doc.origin.at(line=1), f"expected a list of {list_hint}")
    for i, item in enumerate(doc.data):
        where = doc.at(f"[{i}]")
        if not isinstance(item, dict):
            raise SourceError(where, f"expected a mapping with {item_hint}")
        unknown = sorted(set(map(str, item)) - set(keys))
        if unknown:
            raise SourceError(doc.at(f"[{i}].{unknown[0]}"),
                              f"unknown key '{unknown[0]}' (expected: {', '.join(keys)})")
        yield i, where, item


def read_markdown(path: Path) -> MarkdownDoc:
    """A Markdown file whose first lines are `---`, YAML front matter, `---`."""
    origin = Origin(display_path(path))
    text = read_text(path).replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise SourceError(origin.at(line=1), "expected YAML front matter starting with '---'")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise SourceError(origin.at(line=1), "front matter is not closed by a '---' line") from None
    meta = parse_yaml("\n".join(lines[1:end]), origin, line_offset=1)
    if not isinstance(meta.data, dict):
        raise SourceError(origin.at(line=2), "front matter must be a mapping of keys to values")
    return MarkdownDoc(meta.data, meta.lines, "\n".join(lines[end + 1:]), end + 2, origin)
