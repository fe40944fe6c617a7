"""Table 5's bands are placed from a layout of an excerpt, not of the whole paper (pipeline/render/pagination.py):
the excerpt's pages are the whole paper's, box for box; the PDF is the same bytes as the long way; an excerpt
that lays out otherwise is caught and changes nothing; no excerpt where a hidden part would number a note."""
from __future__ import annotations

import dataclasses

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning")]

PAGES: list[int] = []  # pages of each WeasyPrint layout made, in order


@pytest.fixture(scope="module", autouse=True)
def count_pages():
    from weasyprint import HTML

    render = HTML.render

    def counted(self, *args, **kwargs):
        document = render(self, *args, **kwargs)
        PAGES.append(len(document.pages))
        return document

    HTML.render = counted
    yield
    HTML.render = render


@pytest.fixture(scope="module")
def annex(shipped):
    from pipeline.edition_pair import since_previous

    return since_previous(shipped)


def layout(html):
    from pipeline.paths import TEMPLATES
    from pipeline.render.common import layout_html

    return layout_html(html, TEMPLATES / "paper", source="test")


def boxes(page) -> list[tuple]:
    """Every box of a page's flow and footnote area (not its margin boxes, which print the page's number):
    kind, element, place, size and text."""
    def walk(box):
        if type(box).__name__ == "MarginBox":
            return
        element = getattr(box, "element", None)
        yield (type(box).__name__, getattr(element, "tag", None), element.get("id") if element is not None else None,
               box.position_x, box.position_y, box.width, box.height, getattr(box, "text", None))
        for child in getattr(box, "children", None) or ():
            yield from walk(child)

    return list(walk(page._page_box))


def long_way(toolkit, annex) -> bytes:
    """The paper's PDF with every pass laid out whole (no excerpt)."""
    from pipeline.paths import TEMPLATES
    from pipeline.render import paper
    from pipeline.render.pagination import render_with_bands

    return render_with_bands(lambda continued: paper.paper_html(toolkit, pdf=True, annex=annex, continued=continued),
                             paper.table5_groups(toolkit), TEMPLATES / "paper", toolkit.document.source_date_epoch,
                             source="test")


@pytest.fixture(scope="module")
def long_pdf(shipped, annex):
    del PAGES[:]
    pdf = long_way(shipped, annex)
    assert len(PAGES) == 2 and PAGES[0] == PAGES[1]  # the whole paper twice: without bands, then with them
    return pdf


def test_the_excerpts_pages_are_the_whole_papers_box_for_box(shipped, annex):
    from pipeline.render import paper
    from pipeline.render.pagination import anchor_places

    whole = layout(paper.paper_html(shipped, pdf=True, annex=annex))
    part = layout(paper.table5_excerpt_html(shipped, annex))
    assert 0 < len(part.pages) <= len(whole.pages) // 2
    places = anchor_places(part)
    assert "table-recommendations" in places and "recommendation-r15" in places  # all of Table 5 is in it
    shift = anchor_places(whole)["table-recommendations"][0] - places["table-recommendations"][0]
    assert shift > 0
    for number, page in enumerate(part.pages):
        mine, its = boxes(page), boxes(whole.pages[number + shift])
        if number == len(part.pages) - 1:  # the paper goes on after it: its root boxes reach the page's foot
            mine, its = ([b[:6] + b[7:] if b[1] in ("html", "body", "main") else b for b in x] for x in (mine, its))
        assert mine == its, f"page {number + 1} of the excerpt"


def test_the_pdf_is_the_same_bytes_as_laying_out_the_whole_paper_twice(shipped, annex, long_pdf):
    from pipeline.render import paper

    del PAGES[:]
    assert paper.render_paper_pdf(shipped, annex=annex) == long_pdf
    assert len(PAGES) == 2 and PAGES[0] < PAGES[1] / 2  # the excerpt, then the whole paper with its bands


def test_an_excerpt_that_lays_out_otherwise_is_caught_and_changes_nothing(shipped, annex, long_pdf):
    from pipeline.paths import TEMPLATES
    from pipeline.render import paper
    from pipeline.render.pagination import render_with_bands

    good = paper.table5_excerpt_html(shipped, annex)
    # one section more hidden (the stretch's first, <main> holds the stretch alone): the stretch no longer
    # starts after a forced page break, so it starts higher
    wrong = good.replace("</head>", "<style>main > :first-child { display: none }</style></head>", 1)
    assert wrong != good
    del PAGES[:]
    pdf = render_with_bands(lambda continued: paper.paper_html(shipped, pdf=True, annex=annex, continued=continued),
                            paper.table5_groups(shipped), TEMPLATES / "paper", shipped.document.source_date_epoch,
                            source="test", make_excerpt=lambda: wrong)
    assert pdf == long_pdf
    assert len(PAGES) == 4  # the excerpt, the whole paper that caught it, then the long way's two


def test_no_excerpt_where_a_hidden_part_would_number_a_footnote(shipped, annex):
    from pipeline.render import paper

    index = next(i for i, s in enumerate(shipped.sections) if "{table:recommendations}" in s.body)
    section = shipped.sections[index]
    noted = dataclasses.replace(section, body=section.body.replace(
        "{table:recommendations}", "A note.[^n]\n\n[^n]: Its number counts the paper's notes before it.\n\n"
        "{table:recommendations}"))
    edited = dataclasses.replace(shipped, sections=[*shipped.sections[:index], noted, *shipped.sections[index + 1:]])
    assert paper.table5_excerpt_html(shipped, annex) is not None
    assert paper.table5_excerpt_html(edited, annex) is None


def test_the_papers_html_does_not_depend_on_what_the_process_rendered_before(shipped, annex):
    """The paper's templates are compiled once per process (paper._environment); each document's marks
    are its own (a mark's anchor is set where it is first printed): a proof, then a final edition (no
    marks), then the proof again give the same proof, anchors and all."""
    from pipeline.render import paper

    paper._environment.cache_clear()
    proof = paper.paper_html(shipped, pdf=True, annex=annex)
    final = paper.paper_html(dataclasses.replace(shipped, final=True), pdf=True, annex=annex)
    assert proof.count('id="prov-mark-') > 10 and 'id="prov-mark-' not in final
    assert paper.paper_html(shipped, pdf=True, annex=annex) == proof
    assert paper.paper_html(shipped, pdf=False, annex=annex) != proof
