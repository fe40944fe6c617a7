"""Section bodies (Markdown) -> HTML for the paper, with footnotes and the figure/table placeholders.

Markdown is CommonMark with footnotes; raw HTML in the sources is *not* markup (it prints literally), and
links with unsafe schemes are dropped by markdown-it. Two renderings of the footnotes:

- "pdf": each note becomes a `<span class="footnote">` where it is called; the stylesheet floats it to the
  foot of its page (`float: footnote`) and WeasyPrint numbers the calls.
- "html": a numbered call links to the section's end notes, which link back.

A paragraph that is exactly `{figure:ID}`, `{table:ID}` or `{references}` is replaced by the markup the
caller renders for it (`blocks(kind, id) -> str`), so this module knows nothing about figures or tables.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape
from typing import Callable

from ..errors import SourceError
from ..publication import Section

PLACEHOLDER = re.compile(r"^\{(figure|table):\s*([A-Za-z0-9_-]+)\s*\}$|^\{(references)\}$")

Blocks = Callable[[str, str], str]  # (kind, id) -> HTML; kind is "figure", "table" or "references"


@dataclass
class Notes:
    """Footnote numbering across the whole document (the sources number them per section)."""

    count: int = 0
    ids: dict[tuple[str, int], int] = field(default_factory=dict)


def _markdown():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    # html=False: a "<b>" typed in a source is text, never markup
    return MarkdownIt("commonmark", {"html": False}).use(footnote_plugin)


def _html_token(content: str):
    from markdown_it.token import Token

    token = Token("html_block", "", 0)
    token.content = content
    return token


def _line_of(section: Section, needle: str) -> int | None:
    """The source line of a placeholder, for the error message (the body starts at origin.line)."""
    for i, line in enumerate(section.body.splitlines()):
        if line.strip() == needle:
            return (section.origin.line or 1) + i
    return section.origin.line


def render_body(section: Section, blocks: Blocks, *, mode: str, notes: Notes, heading_base: int = 2) -> str:
    """The section body as HTML. `heading_base`: the HTML level of the section's own heading."""
    if mode not in ("pdf", "html"):
        raise ValueError(mode)
    md = _markdown()
    env: dict = {}
    tokens = md.parse(section.body, env)

    # 1. the footnotes' own text, rendered inline, keyed by the plugin's footnote id
    main, footnotes, i = [], {}, 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "footnote_open":
            fid, inner = tok.meta["id"], []
            i += 1
            while tokens[i].type != "footnote_close":
                if tokens[i].type not in ("paragraph_open", "paragraph_close", "footnote_anchor"):
                    inner.append(tokens[i])
                i += 1
            for t in inner:  # drop the plugin's own back-links; we draw ours
                if t.children:
                    t.children = [c for c in t.children if c.type != "footnote_anchor"]
            footnotes[fid] = md.renderer.render(inner, md.options, env).strip()
        elif tok.type not in ("footnote_block_open", "footnote_block_close"):
            main.append(tok)
        i += 1

    # 2. placeholders become the caller's blocks; body headings sit below the section's heading
    out = []
    j = 0
    while j < len(main):
        tok = main[j]
        if (tok.type == "paragraph_open" and j + 2 < len(main) and main[j + 1].type == "inline"
                and main[j + 2].type == "paragraph_close"):
            text = main[j + 1].content.strip()
            match = PLACEHOLDER.match(text)
            if match:
                kind = match.group(1) or match.group(3)
                ident = match.group(2) or ""
                try:
                    out.append(_html_token(blocks(kind, ident)))
                except KeyError:
                    raise SourceError(section.origin.at(line=_line_of(section, text)),
                                      f"section '{section.id}': {text} names no {kind} in the sources") from None
                j += 3
                continue
            if text.startswith("{") and text.endswith("}") and re.fullmatch(r"\{[a-z]+(:[^}]*)?\}", text):
                raise SourceError(section.origin.at(line=_line_of(section, text)),
                                  f"section '{section.id}': unknown placeholder {text} (expected "
                                  "{figure:ID}, {table:ID} or {references})")
        if tok.type in ("heading_open", "heading_close"):
            level = min(6, heading_base + int(tok.tag[1]) - 2)  # "###" in a section is one level below it
            tok.tag = f"h{max(level, heading_base + 1)}"
        out.append(tok)
        j += 1

    # 3. footnote calls
    called: list[tuple[int, int]] = []  # (global number, plugin id) in call order

    def footnote_ref(renderer, tokens, idx, options, env_):
        meta = tokens[idx].meta
        key = (section.id, meta["id"])
        first = key not in notes.ids
        if first:
            notes.count += 1
            notes.ids[key] = notes.count
            called.append((notes.count, meta["id"]))
        number = notes.ids[key]
        if mode == "pdf":
            if first:
                return f'<span class="footnote">{footnotes.get(meta["id"], "")}</span>'
            return f'<sup class="footnote-again">{number}</sup>'
        ref_id = f"fnref-{number}" if first else f"fnref-{number}-{meta['subId']}"
        return (f'<sup class="footnote-ref"><a href="#fn-{number}" id="{ref_id}" role="doc-noteref" '
                f'aria-label="Note {number}">{number}</a></sup>')

    md.add_render_rule("footnote_ref", footnote_ref)
    html = md.renderer.render(out, md.options, env)
    if mode == "html" and called:
        items = "".join(
            f'<li id="fn-{n}" value="{n}">{footnotes.get(fid, "")} '
            f'<a href="#fnref-{n}" class="footnote-back" role="doc-backlink" aria-label="Back to note {n}">'
            f'{escape("↑")}</a></li>' for n, fid in called)
        html += f'<aside class="footnotes" role="doc-endnotes" aria-label="Notes"><ol>{items}</ol></aside>\n'
    return html

