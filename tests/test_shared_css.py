"""A linked stylesheet parsed once per process (pipeline/render/shared_css.py): later documents get its
@page rules as a parse would have given them, an edited file is parsed again, a sheet with fonts is never
shared, and a handout's PDF is byte for byte the one WeasyPrint makes without sharing."""
from __future__ import annotations

import pytest

from pipeline.render import shared_css
from pipeline.render.common import layout_html

PAGE = "<!DOCTYPE html><html><head><link rel='stylesheet' href='sheet.css'></head><body><p>x</p></body></html>"


def page_width_mm(folder, html=PAGE) -> float:
    document = layout_html(html, folder, source="test", allowed=(folder,), shared_css=True)
    return round(document.pages[0].width * 25.4 / 96, 1)


def test_each_document_gets_the_shared_sheets_page_rules_and_an_edit_is_parsed_again(tmp_path):
    sheet = tmp_path / "sheet.css"
    sheet.write_text("@page { size: 100mm 150mm; margin: 5mm } p { color: red }")
    shared_css._PARSED.clear()
    assert page_width_mm(tmp_path) == 100.0
    assert page_width_mm(tmp_path) == 100.0  # from the shared parse: its @page rule reached this document
    assert len(shared_css._PARSED) == 1
    sheet.write_text("@page { size: 120mm 150mm; margin: 5mm } p { color: red }")
    assert page_width_mm(tmp_path) == 120.0
    inline = PAGE.replace("</head>", "<style>@page { size: 80mm 90mm }</style></head>")
    assert page_width_mm(tmp_path, inline) == 80.0  # the document's own <style> still comes after it


def test_a_sheet_with_effects_outside_itself_is_not_shared(tmp_path):
    font = (shared_css.__file__.rsplit("/pipeline/", 1)[0]) + "/templates/fonts/OpenSans-Regular.ttf"
    (tmp_path / "sheet.css").write_text(
        f"@font-face {{ font-family: X; src: url('file://{font}') }} @page {{ size: 90mm 90mm }}")
    shared_css._PARSED.clear()
    assert page_width_mm(tmp_path) == 90.0
    assert shared_css._PARSED == {}


def test_outside_sharing_weasyprint_is_untouched(tmp_path):
    import weasyprint
    import weasyprint.css

    with shared_css.sharing():
        assert weasyprint.css.CSS is not weasyprint.CSS
    assert weasyprint.css.CSS is weasyprint.CSS


@pytest.mark.slow
def test_a_fitted_handout_is_the_same_bytes_with_and_without_sharing(shipped, monkeypatch):
    import contextlib

    from pipeline.render import handouts

    target = next(t for t in handouts.targets(shipped, {"paper": "letter"}) if t.name.startswith("priority-"))
    shared = handouts.build_target(shipped, target)  # two or three layouts, the sheet parsed once
    monkeypatch.setattr(shared_css, "sharing", contextlib.nullcontext)
    assert handouts.build_target(shipped, target) == shared


def _fonted(body: str, size: str = "100mm 150mm") -> str:
    from pipeline.render.common import font_face_css

    return (f"<!DOCTYPE html><html><head><style>{font_face_css()} @page {{ size: {size} }} "
            f"body {{ font-family: 'Open Sans' }}</style></head><body>{body}</body></html>")


def test_documents_with_the_same_fonts_share_one_configuration_and_their_style_and_keep_their_bytes(tmp_path):
    from pipeline.render.common import layout_pdf

    shared_css._FONTS.clear()
    pages = [_fonted("<p>One <b>bold</b> line.</p>"), _fonted("<h1>Two</h1><p><i>Italic</i> text.</p>")]
    shared = [layout_html(html, tmp_path, source="test", shared_fonts=True) for html in pages]
    assert shared[0].font_config is shared[1].font_config  # fonts loaded once for both
    (config, styles), = shared_css._FONTS.values()
    assert config is shared[0].font_config and len(styles) == 1  # the one <style> parsed once
    assert round(shared[1].pages[0].width * 25.4 / 96, 1) == 100.0  # its @page rule reached the second
    alone = [layout_html(html, tmp_path, source="test") for html in pages]
    assert alone[0].font_config is not alone[1].font_config
    assert [layout_pdf(d, 0, source="test") for d in shared] == [layout_pdf(d, 0, source="test") for d in alone]


def test_other_fonts_or_a_linked_sheet_get_a_configuration_of_their_own(tmp_path):
    shared_css._FONTS.clear()
    bundled = shared_css.font_config(_fonted("<p>x</p>"))
    assert shared_css.font_config(_fonted("<p>y</p>", size="A5")) is bundled  # same fonts, other rules
    assert shared_css.font_config("<style>p { color: red }</style><p>x</p>") is not bundled  # no fonts
    assert shared_css.font_config(PAGE) is None  # a linked sheet could declare fonts: WeasyPrint's own


def _folder_of_a_shared_layout(folder) -> str:
    shared_css._FONTS.clear()  # the worker's own configuration, as a build's worker makes it
    document = layout_html(_fonted("<p>x</p>"), folder, source="test", shared_fonts=True)
    return str(document.font_config._folder)


def test_a_workers_shared_fonts_folder_is_removed_when_the_worker_ends(tmp_path):
    """WeasyPrint copies the fonts into a temporary folder that the configuration removes when freed; a
    pool's worker ends without freeing it (os._exit), so the shared one is removed by an exit hook."""
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
        folder = pool.submit(_folder_of_a_shared_layout, tmp_path).result()
        assert os.path.isdir(folder)  # the worker still uses it
    assert not os.path.exists(folder)
