"""A linked stylesheet parsed once per process, not once per layout (the handouts' fitting, issue 17).

A fitted handout is laid out two to four times to choose its type size, and every layout made WeasyPrint
fetch, tokenize, validate and compile `handouts.css` again (17 KB, 0.04 s of a priority matrix's ~0.2 s
layout: a fifth of it). The parsed sheet does not depend on the document: WeasyPrint keeps it as a
selector matcher and the declarations of its rules, read, never changed, when a document's styles are
computed. Its only effects outside itself are the `@page` rules it adds to the document's list (and
fonts, counter styles, colour profiles, layers and imports, which a shared sheet must not have).

So, inside `sharing()`, the `CSS(url=...)` that WeasyPrint makes for a document's `<link rel=stylesheet>`
is looked up by address, media type and the bytes the document's own URL fetcher returns (the fetcher
is asked every time: what it refuses stays refused, an edited file is parsed again). The first parse
is kept; each later document gets a copy whose `@page` rules are appended to that document's list, as
a parse would have appended them. A sheet with any other at-rule with effects outside itself is not
shared. `<style>` elements are parsed as before. The PDFs are byte-identical either way
(tests/test_shared_css.py).

WeasyPrint makes those `CSS` objects in `weasyprint.css.find_stylesheets` from its module's name `CSS`;
where the installed WeasyPrint has no such name, nothing is shared.

A renderer that lays out many documents with the same fonts (the paper: 15 layouts for its 14 parts at
250 examples, two for the 2021 paper) may also share their font configuration (`font_config`): one
FontConfiguration per process for documents with the same `@font-face` rules, in which those fonts are
loaded once and Pango's font caches stay warm, instead of a new one per layout. Inside `sharing()`, a
`<style>` parsed into such a configuration is shared like a linked sheet (its `@font-face` rules went
into that very configuration when it was first parsed). A paper part's layout went from ~0.145-0.19 s to
~0.10-0.13 s of CPU with both (one process, alternating, load 3.7), the PDFs byte-identical.
"""
from __future__ import annotations

import copy
import hashlib
import os
import re
import shutil
from contextlib import contextmanager

# at-rules whose effect reaches outside the sheet (the document's fonts, counters, profiles, layers)
NOT_SHAREABLE = re.compile(rb"@(font-face|import|counter-style|color-profile|layer)\b", re.IGNORECASE)
# ... and of a <style> parsed into a shared font configuration, which holds its fonts already
NOT_SHAREABLE_INLINE = re.compile(r"@(import|counter-style|color-profile|layer)\b", re.IGNORECASE)
_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}", re.IGNORECASE)
_LINKED_SHEET = re.compile(r"<link\b[^>]*stylesheet", re.IGNORECASE)

_PARSED: dict[tuple, tuple] = {}  # (url, media type, sha256 of its bytes) -> (CSS, its @page rules)
_MAX_SHEETS = 16  # a process renders a handful of sheets; a bound against one that changes all the time
# a document's @font-face rules -> (the FontConfiguration they went into, {key: (its <style>'s CSS, @page rules)})
_FONTS: dict[tuple[str, ...], tuple[object, dict]] = {}


def _sheet_bytes(url: str, url_fetcher) -> bytes | None:
    """The stylesheet as the document's fetcher serves it, or None (WeasyPrint then fetches and reports)."""
    from weasyprint.urls import fetch

    try:
        with fetch(url_fetcher, url) as resource:
            return resource.read()
    except Exception:  # noqa: BLE001 (the real CSS() below raises or warns exactly as it would have)
        return None


def _shared_css_class(real):
    """A stand-in for weasyprint.CSS that shares what can be shared and makes the rest as `real` does."""

    def make(*args, url=None, url_fetcher=None, media_type="print", page_rules=None, layers=None, **kwargs):
        if kwargs.get("string") is not None and not args and page_rules is not None and layers is not None:
            return _inline(real, url_fetcher, media_type, page_rules, layers, kwargs)
        body = _sheet_bytes(url, url_fetcher) if url is not None and not args and url_fetcher is not None else None
        if body is None or NOT_SHAREABLE.search(body) or page_rules is None or layers is None:
            return real(*args, url=url, url_fetcher=url_fetcher, media_type=media_type,
                        page_rules=page_rules, layers=layers, **kwargs)
        key = (url, media_type, hashlib.sha256(body).hexdigest())
        return _shared(_PARSED, key, page_rules, layers,
                       lambda rules, own: real(url=url, url_fetcher=url_fetcher, media_type=media_type,
                                               page_rules=rules, layers=own, **kwargs))

    return make


def _shared(parsed: dict, key: tuple, page_rules: list, layers: list, parse):
    """The sheet kept in `parsed` under `key` (parse(page_rules, layers) makes it the first time), as this
    document's: its @page rules appended to the document's list, as a parse would have appended them."""
    if key not in parsed:
        own_rules: list = []
        own_layers: list = []
        sheet = parse(own_rules, own_layers)
        if own_layers:  # not expected without @layer; then simply not shared
            page_rules.extend(own_rules)
            layers.extend(own_layers)
            sheet.page_rules, sheet.layers = page_rules, layers
            return sheet
        if len(parsed) >= _MAX_SHEETS:
            parsed.clear()
        parsed[key] = (sheet, tuple(own_rules))
    sheet, rules = parsed[key]
    page_rules.extend(rules)  # what parsing it into this document would have appended
    mine = copy.copy(sheet)  # the matcher and base URL shared, the document's own lists
    mine.page_rules, mine.layers = page_rules, layers
    return mine


def font_config(html: str):
    """The process's FontConfiguration for documents with exactly the `@font-face` rules of `html`, or
    None (a new one per layout, as WeasyPrint makes it) when a linked stylesheet may add fonts of its own."""
    if _LINKED_SHEET.search(html):
        return None
    from weasyprint.text.fonts import FontConfiguration

    faces = tuple(_FONT_FACE.findall(html))
    if faces not in _FONTS:
        if len(_FONTS) >= 4:  # a bound, as for the sheets: a process uses one or two sets of fonts
            _FONTS.clear()
        _FONTS[faces] = (FontConfiguration(), {})
        _made_here.append(_FONTS[faces][0])
        _remove_folders_at_exit()
    return _FONTS[faces][0]


_made_here: list = []  # the configurations this process made (a forked worker's own, not its parent's)
_exit_hook_in: list[int] = []  # the process that registered _remove_folders


def _remove_folders_at_exit() -> None:
    """A configuration copies its fonts into a temporary folder that it removes when it is freed; a shared
    one lives as long as its process, and a pool's worker ends with os._exit (no atexit, no freeing):
    multiprocessing's own exit hook, which runs there and at a plain interpreter's exit, removes it."""
    if _exit_hook_in == [os.getpid()]:
        return
    from multiprocessing import util

    _made_here[:] = _made_here[-1:]  # what a parent made is its own to remove
    _exit_hook_in[:] = [os.getpid()]
    util.Finalize(None, _remove_folders, exitpriority=0)


def _remove_folders() -> None:
    for config in _made_here:
        folder = getattr(config, "_folder", None)  # WeasyPrint's: made on the first @font-face
        if folder:
            shutil.rmtree(folder, ignore_errors=True)


def _inline(real, url_fetcher, media_type, page_rules, layers, kwargs):
    """A <style>'s sheet: shared when parsed into a shared font configuration (font_config), else parsed."""
    config, string = kwargs.get("font_config"), kwargs["string"]
    parsed = next((styles for shared, styles in _FONTS.values() if shared is config), None)
    if parsed is None or NOT_SHAREABLE_INLINE.search(string):
        return real(url_fetcher=url_fetcher, media_type=media_type, page_rules=page_rules, layers=layers, **kwargs)
    key = (media_type, kwargs.get("base_url"), hashlib.sha256(string.encode()).hexdigest())
    return _shared(parsed, key, page_rules, layers,
                   lambda rules, own: real(url_fetcher=url_fetcher, media_type=media_type, page_rules=rules,
                                           layers=own, **kwargs))


@contextmanager
def sharing():
    """Inside: linked stylesheets are parsed once per process (see above). Not thread-safe: a build's
    worker lays out one document at a time."""
    try:
        import weasyprint
        import weasyprint.css as css_module
    except ImportError:
        yield
        return
    real = getattr(css_module, "CSS", None)
    if real is not weasyprint.CSS:  # another WeasyPrint layout (or already inside): change nothing
        yield
        return
    css_module.CSS = _shared_css_class(real)
    try:
        yield
    finally:
        css_module.CSS = real
