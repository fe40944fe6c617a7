"""Event handouts: read the real PDFs (pdftotext, pdffonts, pdfinfo, zbarimg) built from the shipped sources."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.render import handouts as mod
from tests.pdfua_check import figure_alts_in

pytestmark = pytest.mark.slow  # every test here reads PDFs rendered by WeasyPrint

MM = 72 / 25.4
TOOLS = ("pdftotext", "pdffonts", "pdfinfo", "pdftoppm", "zbarimg")
if any(shutil.which(t) is None for t in TOOLS):
    pytest.skip("poppler-utils and zbar-tools are needed", allow_module_level=True)


def build(toolkit, options: dict, out: Path) -> dict[str, Path]:
    """Every handout for these options, written under out; name -> path (the builder's own interface)."""
    files = {}
    for target in mod.targets(toolkit, options):
        for rel, data in mod.build_target(toolkit, target).items():
            path = out / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            files[target.name] = path
    return files


@pytest.fixture(scope="module")
def a4(shipped, tmp_path_factory):
    return build(shipped, {}, tmp_path_factory.mktemp("a4"))


@pytest.fixture(scope="module")
def letter(shipped, tmp_path_factory):
    return build(shipped, {"paper": "letter"}, tmp_path_factory.mktemp("letter"))


def run(*args) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def pages(pdf: Path) -> int:
    return int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", str(pdf))).group(1))


def text(pdf: Path, page: int | None = None) -> str:
    args = ["pdftotext", "-enc", "UTF-8"] + (["-f", str(page), "-l", str(page)] if page else [])
    return run(*args, str(pdf), "-")


def words(s: str) -> list[str]:
    """Word sequence, punctuation dropped, hyphens inside words dropped on both sides of a comparison:
    pdftotext joins 'inter-' + line break + 'regional' into 'interregional', so 'inter-regional' must match."""
    s = re.sub(r"(\w)-\s*(\w)", r"\1\2", s)
    return re.findall(r"\w+", s.lower())


def contains(haystack: str, needle: str) -> bool:
    """needle's words appear in order and adjacent in haystack (whitespace and line breaks ignored)."""
    return f" {' '.join(words(needle))} " in f" {' '.join(words(haystack))} "


def bbox_words(pdf: Path) -> list[tuple[int, float, float, float, float, float, float, str]]:
    """(page, page width, page height, xMin, yMin, xMax, yMax, word) for every word, from pdftotext -bbox."""
    html = run("pdftotext", "-bbox", str(pdf), "-")
    out, page, size = [], 0, (0.0, 0.0)
    for line in html.splitlines():
        if m := re.search(r'<page width="([\d.]+)" height="([\d.]+)"', line):
            page += 1
            size = (float(m.group(1)), float(m.group(2)))
        elif m := re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>',
                            line):
            out.append((page, *size, *(float(v) for v in m.groups()[:4]), m.group(5)))
    return out


# -- priority matrices ---------------------------------------------------------------------------
@pytest.mark.parametrize("priority", ["green", "digital", "resilience"])
def test_priority_handout_is_one_landscape_page_with_every_action_and_example(a4, shipped, priority):
    pdf = a4[f"priority-{priority}-a4"]
    assert pages(pdf) == 1
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", run("pdfinfo", str(pdf)))
    assert float(size.group(1)) == pytest.approx(297 * MM, abs=1) and float(size.group(2)) == pytest.approx(
        210 * MM, abs=1)
    got = text(pdf)
    cells = list(shipped.cells(priority))
    assert sum(len(c.actions) for c in cells) > 10
    for cell in cells:
        for action in cell.actions:
            assert contains(got, action.text), action.id
        for example in cell.examples:
            assert contains(got, example.name), example.name
            if example.country:
                assert contains(got, f"{example.name} ({example.country})"), example.name
    assert shipped.event.name in got and "How to read this" in got


@pytest.mark.parametrize("priority", ["green", "digital", "resilience"])
def test_letter_priority_handout_is_one_letter_page(letter, shipped, priority):
    pdf = letter[f"priority-{priority}-letter"]
    assert pages(pdf) == 1
    assert "792 x 612 pts (letter)" in run("pdfinfo", str(pdf))
    got = text(pdf)
    for cell in shipped.cells(priority):
        for action in cell.actions:
            assert contains(got, action.text), action.id


def test_letter_set_is_letter_sized_and_within_its_limits(letter):
    for name, pdf in letter.items():
        if name.startswith("four-phases"):
            continue  # the pocket guide is half a Letter sheet (test_pocket_guide_is_a_folded_sheet)
        info = run("pdfinfo", str(pdf))
        w, h = (float(v) for v in re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
        assert sorted((w, h)) == pytest.approx([612, 792], abs=1), name
    assert pages(letter["recommendations-letter"]) <= 2
    assert pages(letter["four-phases-letter"]) <= 2


@pytest.mark.parametrize("paper, size", [("a4", (420.9, 595.3)), ("letter", (396, 612))])
def test_pocket_guide_is_a_folded_sheet_with_the_four_phases(a4, letter, shipped, paper, size):
    pdf = {"a4": a4, "letter": letter}[paper][f"four-phases-{paper}"]
    info = run("pdfinfo", str(pdf))
    w, h = (float(v) for v in re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert (w, h) == pytest.approx(size, abs=1)  # portrait A5 / half Letter: the sheet folded once
    assert pages(pdf) <= 2  # front and back
    got = text(pdf)
    roadmap = next(f for f in shipped.figures if f.id == "roadmap")
    assert len(roadmap.data["phases"]) == 4
    for phase in roadmap.data["phases"]:
        assert contains(got, phase["title"]), phase["title"]


# -- recommendations --------------------------------------------------------------------------------
def test_recommendations_sheet_has_all_15_with_their_actions_on_at_most_two_pages(a4, shipped):
    pdf = a4["recommendations-a4"]
    assert pages(pdf) <= 2
    got = text(pdf)
    assert len(shipped.recommendations) == 15
    for rec in shipped.recommendations:
        assert contains(got, rec.title), rec.id
        for f in shipped.taxonomy.functions:
            cell = shipped.table5_cell(rec.id, f.id)
            for action in cell.actions:
                assert contains(got, action), (rec.id, f.id)
            for example in cell.examples:
                assert contains(got, example.name), (rec.id, example.name)
    for area in shipped.taxonomy.areas:
        assert contains(got, area.label)


# -- feedback form ------------------------------------------------------------------------------------
def test_feedback_form_has_every_question_and_respondent_type(a4, shipped):
    pdf = a4["feedback-form-a4"]
    got = text(pdf)
    assert shipped.event.feedback_questions and shipped.event.respondent_types
    # each group of questions fills exactly one page (no overflow page with a stray ruled line), then the
    # page of proposed examples and actions
    assert pages(pdf) == len(mod.question_pages(list(shipped.event.feedback_questions))) + 1 == 3
    for question in shipped.event.feedback_questions:
        assert contains(got, question), question
    for kind in shipped.event.respondent_types:
        assert contains(got, kind), kind
    assert contains(got, "Examples and policy actions to add")


def test_feedback_form_is_a_fillable_pdf_form(a4, shipped):
    """Every box is a real PDF form field with the name harvest reads, and prints (Print flag)."""
    from pypdf import PdfReader

    reader = PdfReader(str(a4["feedback-form-a4"]))
    fields = reader.get_fields()
    questions = len(shipped.event.feedback_questions)
    assert {f"answer_{n}" for n in range(1, questions + 1)} <= set(fields)
    assert {f"respondent_{n}" for n in range(1, len(shipped.event.respondent_types) + 1)} <= set(fields)
    assert {f"proposal_{n}_{f}" for n in range(1, mod.PROPOSAL_ROWS + 1) for f, _ in mod.PROPOSAL_FIELDS} <= set(fields)
    assert {"contributor_name", "contributor_organisation", "contributor_email"} <= set(fields)
    assert fields["answer_3"]["/TU"] == shipped.event.feedback_questions[2]
    assert fields["respondent_1"]["/FT"] == "/Btn" and fields["proposal_1_name"]["/FT"] == "/Tx"
    widgets = [a.get_object() for page in reader.pages for a in page.get("/Annots", [])
               if a.get_object().get("/Subtype") == "/Widget"]
    assert len(widgets) == len(fields) and all(w["/F"] & 4 for w in widgets)  # printable


# -- example cards --------------------------------------------------------------------------------------
def test_every_card_page_has_four_cards_and_every_example_has_one(a4, shipped):
    pdf = a4["example-cards-a4"]
    cards = mod.card_records(shipped)
    n = pages(pdf)
    assert n == -(-len(cards) // 4)
    for page in range(1, n + 1):
        got = text(pdf, page)
        on_page = cards[(page - 1) * 4: page * 4]
        expected = 4 if page < n else len(on_page)
        assert len(on_page) == expected
        assert len(re.findall(r"\d+ / %d" % len(cards), got)) == expected, page  # the card numbers
        for card in on_page:
            assert contains(got, card["example"].name), (page, card["example"].name)
    cited = {e.example_id for c in shipped.cells() for e in c.examples} | {e.example for e in shipped.table5_examples}
    assert {c["example"].id for c in cards} == cited & set(shipped.example_by_id)


def test_qr_codes_on_a_card_page_decode_to_its_examples_links(a4, shipped, tmp_path):
    cards = mod.card_records(shipped)
    for page in (1, 7):  # the first sheet and the one with the longest card
        run("pdftoppm", "-png", "-r", "300", "-f", str(page), "-l", str(page), "-singlefile",
            str(a4["example-cards-a4"]), str(tmp_path / f"p{page}"))
        decoded = subprocess.run(["zbarimg", "--raw", "-q", str(tmp_path / f"p{page}.png")],
                                 capture_output=True, text=True).stdout.split("\n")
        want = sorted(c["example"].link for c in cards[(page - 1) * 4: page * 4])
        assert sorted(d for d in decoded if d) == want


def test_every_qr_code_decodes_at_100_dpi(a4, letter, shipped, tmp_path):
    """A cheap scan or a phone at arm's length: ~2.4 pixels a module. Every code on every card sheet."""
    for name, pdf in (("a4", a4["example-cards-a4"]), ("letter", letter["example-cards-letter"])):
        run("pdftoppm", "-png", "-r", "100", str(pdf), str(tmp_path / name))
        decoded = []
        for png in sorted(tmp_path.glob(f"{name}-*.png")):
            decoded += [d for d in subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True,
                                                  text=True).stdout.split("\n") if d]
        want = sorted(c["qr"] for c in mod.card_records(shipped) if c["qr"])
        assert sorted(decoded) == want, name


def test_qr_codes_stay_sparse_with_error_correction_for_print(shipped):
    for card in mod.card_records(shipped):
        code = mod.qr_code(card["qr"])
        size = mod.qr_size_mm(code)
        assert size / code.symbol_size(border=mod.QR_QUIET_MODULES)[0] >= mod.QR_MIN_MODULE_MM - 1e-9
        assert code.error in ("M", "L") and (code.error == "M" or mod.qr_code(card["qr"]).version <= 8)
        assert size <= 35, card["example"].id


def test_cards_point_to_the_web_tool_when_the_event_names_it(sources):
    from pipeline.load import load

    with open(sources / "event.yaml", "a", encoding="utf-8") as f:
        f.write("web_address: https://toolkit.example.eu/2021/\n")
    toolkit = load(sources)
    cards = mod.card_records(toolkit)
    from pipeline.render import short_links

    # the short page the site writes for the example (e/<code>.html), which leads on to its page
    assert cards[0]["qr"] == f"https://toolkit.example.eu/2021/{short_links.path(cards[0]['example'].id)}"
    assert all(c["qr"].startswith("https://toolkit.example.eu/2021/e/") for c in cards)
    sizes = [mod.qr_size_mm(mod.qr_code(c["qr"])) for c in cards]
    assert set(sizes) == {mod.QR_SIZE_MM}  # as sparse as the shortest: every code the same size
    context = mod.priority_context(toolkit, "green", mod.PAPERS["a4"])
    assert context["web_view"]["url"] == "https://toolkit.example.eu/2021/index.html?priority=green"
    target = next(t for t in mod.targets(toolkit, {}) if t.name == "priority-green-a4")
    pdf = sources.parent / "priority-green.pdf"
    pdf.write_bytes(mod.build_target(toolkit, target)[target.outputs[0]])
    run("pdftoppm", "-png", "-r", "100", "-singlefile", str(pdf), str(sources.parent / "matrix"))
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(sources.parent / "matrix.png")], capture_output=True,
                             text=True).stdout.split()
    assert decoded == ["https://toolkit.example.eu/2021/index.html?priority=green"]  # its filtered web view
    assert pages(pdf) == 1
    assert figure_alts_in(pdf) == ["QR code for Green transition on the web tool: "  # what the code opens
                                   "https://toolkit.example.eu/2021/index.html?priority=green"]


def test_printed_links_are_decoded_for_people(a4, shipped):
    got = text(a4["example-cards-a4"])
    encoded = [e.link for e in shipped.examples if "%20" in e.link]
    assert encoded  # the shipped sources have some
    assert "%20" not in got
    assert contains(got, "Programi drzavnih")


def test_no_handout_prints_a_label_twice(a4, letter):
    for pdfs in (a4, letter):
        for name, pdf in pdfs.items():
            got = squash_text(text(pdf))
            assert "Example: Example:" not in got, name
    matrix = squash_text(text(a4["priority-resilience-a4"]))
    assert "Example: FI-Media" in matrix
    recs = squash_text(text(a4["recommendations-a4"]))
    assert "Example: TANDEM" in recs
    assert "Examples: Logistics" not in recs and "Example: Logistics" in recs  # one example: singular


def squash_text(text_: str) -> str:
    return re.sub(r"\s+", " ", text_)


def test_every_handout_passes_pdfua(a4, letter):
    from tests.pdfua_check import pdfua_problems

    problems = [p for pdfs in (a4, letter) for pdf in pdfs.values() for p in pdfua_problems(pdf)]
    assert not problems, problems


def test_qr_codes_carry_alt_text_naming_the_example_and_link(a4, shipped):
    alts = figure_alts_in(a4["example-cards-a4"])
    cards = mod.card_records(shipped)
    assert alts == [f"QR code for {c['example'].name}: {mod.printed_url(c['qr'])}" for c in cards if c["qr"]]
    assert "QR code for Circular Flanders: https://economiecirculaire.wallonie.be/" in alts


def test_no_card_text_runs_into_its_qr_code(a4, letter, shipped):
    # the QR code is pinned to the card's foot; a card with too much text would print over it
    for name, pdf in (("a4", a4["example-cards-a4"]), ("letter", letter["example-cards-letter"])):
        assert words_in_qr_codes(pdf, name, mod.card_records(shipped)) == []


def words_in_qr_codes(pdf: Path, paper: str, cards: list[dict]) -> list[tuple[str, str]]:
    """(example id, word) for every word printed over a card's QR code (with its quiet zone)."""
    w, h = mod.PAPERS[paper].size(False)
    words_ = bbox_words(pdf)
    assert words_
    found = []
    for n, card in enumerate(cards):
        page, slot = n // 4 + 1, mod.CARD_SHEET.cards(w, h)[n % 4]
        # the code's square, from the card CSS: 6 mm padding less a 2.5 mm quiet-zone overhang, 4 mm foot;
        # its size is the card's own (a dense code is printed larger)
        size = mod.qr_size_mm(mod.qr_code(card["qr"]))
        left, bottom = slot["x"] + 3.5, slot["y"] + slot["h"] - 4
        box = (left * MM, (bottom - size) * MM, (left + size) * MM, bottom * MM)
        found += [(card["example"].id, wd) for p, _, _, x0, y0, x1, y1, wd in words_
                  if p == page and x1 > box[0] and x0 < box[2] and y1 > box[1] and y0 < box[3]]
    return found


def test_card_qr_codes_are_sharp_bitmaps_of_their_codes(a4, shipped):
    # the cards' codes are bitmaps (handout_qr.qr_image: WeasyPrint draws them at a fraction of a vector
    # path's cost): each must be exactly its code, 4 x 4 black or white pixels a module with the quiet
    # zone, greyscale, and marked /Interpolate false so that no viewer or printer smooths its modules
    import pikepdf
    from PIL import Image

    def bitmap(link: str) -> bytes:
        rows = mod.qr_code(link).matrix_iter(scale=mod.QR_PIXELS_PER_MODULE, border=mod.QR_QUIET_MODULES)
        return b"".join(bytes(0 if dark else 255 for dark in row) for row in rows)

    with pikepdf.open(a4["example-cards-a4"]) as document:
        images = {x.objgen: pikepdf.PdfImage(x) for page in document.pages for x in page.get_images().values()}
        for image in images.values():
            assert image.obj.get("/Interpolate") is False and image.mode == "L" and image.bits_per_component == 8
        drawn = [image.as_pil_image().tobytes() for image in images.values()]
    # one image per distinct link (two examples sharing a link share its image)
    assert sorted(drawn) == sorted({bitmap(card["qr"]) for card in mod.card_records(shipped) if card["qr"]})


def test_other_handouts_draw_their_qr_codes_as_vectors(a4):
    # an image XObject would mean a bitmap (or any raster) slipped into a matrix or a sheet
    import pypdf

    for name, pdf in a4.items():
        if name.startswith("example-cards"):
            continue
        for page in pypdf.PdfReader(str(pdf)).pages:
            xobjects = page["/Resources"].get("/XObject") or {}
            assert not [k for k, v in xobjects.items() if v.get_object().get("/Subtype") == "/Image"], name


# -- print rules for every handout ----------------------------------------------------------------------
def test_fonts_are_embedded_and_bundled(a4):
    for name, pdf in a4.items():
        rows = run("pdffonts", str(pdf)).splitlines()[2:]
        assert rows, name
        for row in rows:
            assert " yes " in row.split("Identity-H")[-1] or row.split()[-5] == "yes", (name, row)
            assert "OpenSans" in row.replace("-", "") or "Open-Sans" in row, (name, row)


def test_no_text_in_the_outer_10_mm(a4, letter):
    for name, pdf in {**a4, **letter}.items():
        for page, w, h, x0, y0, x1, y1, word in bbox_words(pdf):
            safe = mod.SAFE_MARGIN_MM * MM
            assert x0 >= safe and y0 >= safe and x1 <= w - safe and y1 <= h - safe, (name, page, word)


def test_crop_marks_and_cards_keep_clear_of_the_outer_10_mm():
    for paper in mod.PAPERS.values():
        w, h = paper.size(False)
        for line in mod.CARD_SHEET.marks(w, h):
            assert min(line["x1"], line["x2"]) > mod.SAFE_MARGIN_MM and max(line["x1"], line["x2"]) < w - 10
            assert min(line["y1"], line["y2"]) > mod.SAFE_MARGIN_MM and max(line["y1"], line["y2"]) < h - 10
        for card in mod.CARD_SHEET.cards(w, h):
            assert card["x"] > 10 and card["y"] > 10 and card["x"] + card["w"] < w - 10
            assert card["y"] + card["h"] < h - 10


def test_nothing_printed_under_7_5_pt(a4, letter):
    # a word box from pdftotext -bbox is the font's ascent + descent: 1.36 x the size for Open Sans (7.5 pt
    # gives 10.2 pt boxes, 7 pt gives 9.5); 1.3 x keeps rounding slack and still fails at 7.25 pt
    for name, pdf in {**a4, **letter}.items():
        smallest = min(y1 - y0 for _, _, _, _, y0, _, y1, _ in bbox_words(pdf))
        assert smallest >= mod.MIN_FONT_PT * 1.3, (name, smallest)


def test_same_sources_same_bytes(shipped, a4):
    for target in mod.targets(shipped, {}):
        if target.name in ("priority-green-a4", "example-cards-a4"):
            (data,) = mod.build_target(shipped, target).values()
            assert data == a4[target.name].read_bytes(), target.name


# -- options and input -----------------------------------------------------------------------------------
def test_unknown_paper_size_is_a_one_line_error(shipped):
    from pipeline.errors import PipelineError

    with pytest.raises(PipelineError, match="unknown paper size 'a3'"):
        mod.targets(shipped, {"paper": "a3"})


def test_event_dates_and_names():
    import datetime as dt

    assert mod.event_dates(dt.date(2021, 11, 22), dt.date(2021, 11, 23)) == "22–23 November 2021"
    assert mod.event_dates(dt.date(2021, 11, 30), dt.date(2021, 12, 1)) == "30 November – 1 December 2021"
    assert mod.event_dates(dt.date(2021, 12, 31), dt.date(2022, 1, 1)) == "31 December 2021 – 1 January 2022"
    assert mod.join_names(["A", "B", "C"]) == "A, B and C"


def test_markup_in_an_example_name_prints_literally(sources, tmp_path):
    from pipeline.load import load
    from tests.conftest import edit

    edit(sources / "examples.csv", ",Circular Flanders,", ",<script>alert(1)</script> & <b>Co</b>,")
    toolkit = load(sources)
    wanted = {"priority-green-a4", "example-cards-a4"}
    for target in mod.targets(toolkit, {}):
        if target.name in wanted:
            (data,) = mod.build_target(toolkit, target).values()
            pdf = tmp_path / f"{target.name}.pdf"
            pdf.write_bytes(data)
            assert "<script>alert(1)</script> & <b>Co</b>" in " ".join(text(pdf).split()), target.name


def test_event_edits_reach_the_headers_only_through_the_event_file(sources, tmp_path):
    from pipeline.load import load
    from tests.conftest import edit

    edit(sources / "event.yaml", 'name: "Clusters Driving the Green and Digital transitions"',
         'name: "Cluster Days Lisbon"')
    toolkit = load(sources)
    target = next(t for t in mod.targets(toolkit, {}) if t.name == "feedback-form-a4")
    (data,) = mod.build_target(toolkit, target).values()
    pdf = tmp_path / "f.pdf"
    pdf.write_bytes(data)
    assert "Cluster Days Lisbon" in text(pdf)


def test_editing_one_example_rebuilds_only_the_handouts_that_show_it(shipped, sources):
    from pipeline.load import load
    from pipeline.targets import fingerprint
    from tests.conftest import edit

    before = {t.name: fingerprint(t, "v") for t in mod.targets(shipped, {})}
    edit(sources / "examples.csv", ",Circular Flanders,", ",Circular Flanders Renamed,")
    after = {t.name: fingerprint(t, "v") for t in mod.targets(load(sources), {})}
    changed = {name for name in before if before[name] != after[name]}
    # Circular Flanders is cited in Table 2 (green) and Table 5 (recommendation 2)
    assert changed == {"priority-green-a4", "recommendations-a4", "example-cards-a4"}


def test_an_event_without_questions_is_a_one_line_error_naming_the_field(sources):
    from pipeline.errors import PipelineError
    from pipeline.load import load

    text_ = (sources / "event.yaml").read_text(encoding="utf-8")
    start = text_.index("feedback_questions:")
    end = text_.index("# Derived from question 4")
    (sources / "event.yaml").write_text(text_[:start] + "feedback_questions: []\n" + text_[end:], encoding="utf-8")
    with pytest.raises(PipelineError) as error:
        mod.targets(load(sources), {})
    assert "event.yaml" in str(error.value) and "feedback_questions" in str(error.value)
    assert "\n" not in str(error.value)


def test_question_pages_keep_the_order_and_fill_two_sides():
    pages_ = mod.question_pages([f"q{n}" for n in range(1, 6)])
    assert [[q["number"] for q in p] for p in pages_] == [[1, 2], [3, 4, 5]]
    assert mod.question_pages(["only"]) == [[{"number": 1, "text": "only"}]]
