"""What every builder shares: the Jinja environment, the locked-down URL fetcher, PDF writing.

Rules that hold for every output:
- templates autoescape and fail on an undefined name (a typo in a template is an error, not a blank);
- WeasyPrint may read only the project's own templates/ and the build's own folder, never the network;
- PDFs are reproducible: timestamps come from the edition date (SOURCE_DATE_EPOCH), fonts are bundled.
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from ..errors import PipelineError
from ..paths import TEMPLATES
from ..urlsafety import safe_html


class AssetError(PipelineError):
    """A template or a source asked WeasyPrint for something outside the project's own assets."""


def jinja_env(*folders: Path, **globals_):
    """A Jinja environment over templates/<folders>, autoescaped (HTML and XML), strict about undefined."""
    import jinja2

    from .template_cache import bytecode_cache

    settings = dict(
        autoescape=True,  # every output is HTML/XML/SVG: escape always, whatever the file suffix
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(TEMPLATES / f) for f in folders] + [str(TEMPLATES)]),
        undefined=jinja2.StrictUndefined,
        bytecode_cache=bytecode_cache(settings),  # compiled once per machine, not once per build
        **settings,
    )
    env.globals.update(globals_)
    return env


def asset_fetcher(*allowed_roots: Path, source: str = "template"):
    """A WeasyPrint url_fetcher that serves files under `allowed_roots` and refuses everything else.

    Refusal raises a fatal error so the build stops with a message naming the offending URL, rather than
    silently printing a PDF without the asset (or fetching from the network).
    """
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    roots = [Path(r).resolve() for r in (TEMPLATES, *allowed_roots)]

    class Refused(FatalURLFetchingError):
        pass

    class ProjectAssetsOnly(URLFetcher):
        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == "data":
                return super().fetch(url, headers)
            if parsed.scheme == "file":
                path = Path(unquote(parsed.path)).resolve()
                if any(path.is_relative_to(root) for root in roots):
                    return super().fetch(url, headers)
            raise Refused(f"{source} asks for '{url}', which is not one of the project's own assets "
                          "(only files under templates/ and the output folder are allowed)")

    return ProjectAssetsOnly(allowed_protocols=("file", "data"))


def render_pdf(html: str, base_dir: Path, epoch: int, *, source: str, allowed: tuple[Path, ...] = (),
               variant: str | None = "pdf/ua-1", forms: bool = False,
               figure_alts: tuple[str, ...] | None = None, lean_ua: bool = False, shared_css: bool = False) -> bytes:
    """HTML -> PDF bytes with WeasyPrint, reproducibly, reading only project assets.

    `forms`: <input>, <textarea> become fillable PDF form fields (the feedback form).
    `lean_ua`: WeasyPrint's user-agent stylesheet without its bare pseudo-element rules (lean_ua.py), for
    a document with no list markers, footnotes or notes (the example cards): the same PDF, cheaper.
    `shared_css`: its linked stylesheets parsed once per process (shared_css.py): the same PDF, cheaper
    for a renderer that lays out many documents with the same stylesheet (the handouts).
    A PDF/UA variant gets the tags WeasyPrint leaves out (pdftags.py): /Scope on table headers and
    `figure_alts`, one per figure in reading order, as their /Alt.
    """
    layout = layout_html(html, base_dir, source=source, allowed=allowed, forms=forms, lean_ua=lean_ua,
                         shared_css=shared_css)
    return layout_pdf(layout, epoch, source=source, variant=variant, forms=forms, figure_alts=figure_alts)


def layout_html(html: str, base_dir: Path, *, source: str, allowed: tuple[Path, ...] = (), forms: bool = False,
                lean_ua: bool = False, shared_css: bool = False, shared_fonts: bool = False):
    """WeasyPrint's layout of `html` (a weasyprint.Document, no PDF written yet), reading only project
    assets and with every unsafe link removed: what render_pdf writes, for a renderer that reads the layout
    first (page counts, fill, where rows fall) and then writes it with layout_pdf.
    `shared_fonts`: the process's font configuration for these fonts and its parsed <style>s
    (shared_css.font_config), for a renderer that lays out many documents with the same fonts."""
    from .weasyprint_import import import_weasyprint

    import_weasyprint()  # the first import in a worker: without ~20 library searches
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    if lean_ua:
        from .lean_ua import lean_html_class

        HTML = lean_html_class()  # noqa: N806 (a class, as imported above)
    fetcher = asset_fetcher(base_dir, *allowed, source=source)
    html = safe_html(html, links_only=True)  # an unsafe link never becomes a live link in a PDF
    from contextlib import nullcontext

    from .shared_css import font_config, sharing

    fonts = font_config(html) if shared_fonts else None
    try:
        document = HTML(string=html, base_url=str(base_dir.resolve()) + "/", url_fetcher=fetcher)
        with sharing() if shared_css or fonts is not None else nullcontext():
            # forms change the layout (the fields' boxes): laid out with them, as write_pdf would
            return document.render(font_config=fonts, pdf_forms=True) if forms else document.render(font_config=fonts)
    except FatalURLFetchingError as exc:
        raise AssetError(str(exc)) from None


def layout_pdf(layout, epoch: int, *, source: str, variant: str | None = "pdf/ua-1", forms: bool = False,
               figure_alts: tuple[str, ...] | None = None) -> bytes:
    """PDF bytes of a WeasyPrint layout (a `weasyprint.Document`, from HTML.render()): the same bytes as
    render_pdf of its HTML, for a renderer that laid the page out anyway (to count its pages, say)."""
    from weasyprint.urls import FatalURLFetchingError

    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)  # fontTools stamps subset fonts with it
    options = {"pdf_variant": variant} if variant else {}
    if forms:
        options["pdf_forms"] = True
    try:
        pdf = layout.write_pdf(**options, uncompressed_pdf=False)
    except FatalURLFetchingError as exc:
        raise AssetError(str(exc)) from None
    if variant and variant.startswith("pdf/ua"):
        from .pdftags import complete_tags

        pdf = complete_tags(pdf, figure_alts, source=source)
    return pdf


def event_dates(start, end, days_dash: str = "–") -> str:
    """'22–23 November 2021', '30 November – 1 December 2021', '31 December 2021 – 1 January 2022'."""
    def full(d) -> str:
        return f"{d.day} {d:%B %Y}"

    if start == end:
        return full(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}{days_dash}{full(end)}"
    if start.year == end.year:
        return f"{start.day} {start:%B} – {full(end)}"
    return f"{full(start)} – {full(end)}"


def font_face_css() -> str:
    """@font-face rules for the bundled Open Sans, as file URLs (usable from any output folder)."""
    faces = [("Regular", 400, "normal"), ("Italic", 400, "italic"), ("Semibold", 600, "normal"),
             ("SemiboldItalic", 600, "italic"), ("Bold", 700, "normal"), ("BoldItalic", 700, "italic")]
    fonts = TEMPLATES / "fonts"
    return "\n".join(
        f"@font-face {{ font-family: 'Open Sans'; font-weight: {w}; font-style: {s}; "
        f"src: url('{(fonts / f'OpenSans-{n}.ttf').as_uri()}'); }}" for n, w, s in faces)
