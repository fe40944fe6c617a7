"""Text readers: YAML files and Markdown files with YAML front matter.

YAML is read with the safe loader only. Each document comes back with a map from key path
(``authors[0].name``) to its line, so that later errors can point into the user's file.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

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


def parse_yaml(text: str, origin: Origin, line_offset: int = 0) -> YamlDoc:
    try:
        data = yaml.safe_load(text)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 + line_offset if mark else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SourceError(origin.at(line=line), f"malformed YAML: {problem}") from None
    lines: dict[str, int] = {}
    if node is not None:
        _key_lines(node, "", lines)
        lines = {k: v + line_offset for k, v in lines.items()}
    return YamlDoc(data, lines, origin)


def read_yaml(path: Path) -> YamlDoc:
    return parse_yaml(read_text(path), Origin(display_path(path)))


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
