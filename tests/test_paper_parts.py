"""The paper laid out for scale is built in parts and joined (pipeline/render/paper_parts.py): at 250 made-up
examples the joined PDF is what one layout of the same HTML gives (text on every page, page numbers, the
contents' numbers, every link and named destination, the outline, the structure tree), an edit re-renders
only the parts that show it, an edit that adds a page re-renders what it must, and the joined bytes do not
depend on the page map a build started from (none, the last one, a wrong one)."""
from __future__ import annotations

import contextlib
import csv
import io
import json
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning")]
EXAMPLES = 250
ROW = ("digital", "skills")  # the challenge row whose examples the page-adding edit lengthens


def build(sources: Path, out: Path, *, force: bool = False) -> dict:
    """Build the paper; the manifest's entries of the paper's targets afterwards."""
    from pipeline.build import build_command

    assert build_command(sources, ["paper"], out=out, force=force) == 0
    manifest = json.loads((out / ".build" / "manifest.json").read_text())
    return {k: v for k, v in manifest.items() if k.startswith("paper:")}


def rebuilt(before: dict, after: dict) -> set[str]:
    return {k for k in after if after[k] != before.get(k)}


def page_counts(out: Path) -> list[int]:
    return [len(pages) for pages in json.loads((out / ".build" / "hints" / "paper-page-map.json").read_text())]


def lengthen_row(sources: Path, row: tuple[str, str]) -> None:
    """Longer names for the made-up examples cited in one challenge row: that row's part takes more pages."""
    with (sources / "cell_examples.csv").open(encoding="utf-8", newline="") as handle:
        cited = {r["example"] for r in csv.DictReader(handle) if (r["priority"], r["challenge"]) == row}
    path = sources / "examples.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    words = ("regional cooperation network innovation borders skills training finance public research digital "
             "partners industry services platform alliance programme centre mobility energy water health "
             "maritime textile food software robotics logistics tourism design").split()
    rnd = random.Random(5)
    for r in rows[1:]:
        if r[0] in cited and r[-1]:  # made up (`since` the second edition)
            r[1] = f"{r[1]} {' '.join(rnd.sample(words, 18))}"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    from pipeline.bench_scale import edit_one_example
    from pipeline.synth import synthesise

    root = tmp_path_factory.mktemp("paper-parts")
    synthesise(EXAMPLES, root / "sources")
    with contextlib.redirect_stdout(io.StringIO()) as said:  # no page map: one layout of the whole paper makes it
        fresh = build(root / "sources", root / "out")
    first = (root / "out" / "paper" / "toolkit.pdf").read_bytes()
    memo = root / "out" / ".build" / "paper-parts"  # what the page map's target kept for the parts' targets
    kept_left = sorted(p.name for p in memo.iterdir()) if memo.is_dir() else None
    first_map = json.loads((root / "out" / "paper" / "parts" / "page-map.json").read_text())
    settled_map = json.loads((root / "out" / ".build" / "hints" / "paper-page-map.json").read_text())
    forced = build(root / "sources", root / "out", force=True)  # with the last build's page map
    again = (root / "out" / "paper" / "toolkit.pdf").read_bytes()
    counts = page_counts(root / "out")

    shutil.copytree(root / "sources", root / "renamed")
    edit_one_example(root / "renamed", 7)
    with joins_after_the_pool() as late_joins:
        renamed = build(root / "renamed", root / "out")
    renamed_pdf = (root / "out" / "paper" / "toolkit.pdf").read_bytes()
    renamed_join = join_afresh(root / "out", root / "renamed-joined.pdf")

    shutil.copytree(root / "renamed", root / "longer")
    lengthen_row(root / "longer", ROW)
    longer = build(root / "longer", root / "out")

    (root / "stale" / ".build" / "hints").mkdir(parents=True)
    (root / "stale" / ".build" / "hints" / "paper-page-map.json").write_text(json.dumps([[["nowhere"]] * 3] * 14))
    build(root / "longer", root / "stale")
    return {"root": root, "fresh": fresh, "fresh_said": said.getvalue(), "first_map": first_map, "kept_left": kept_left,
            "settled_map": settled_map, "forced": forced, "first": first, "again": again, "counts": counts,
            "renamed": renamed, "renamed_pdf": renamed_pdf, "renamed_join": renamed_join, "late_joins": late_joins,
            "longer": longer}


def parts_and_infos(out: Path, infos: list | None = None) -> tuple[list[Path], list[dict], list[int]]:
    """The parts the last build left in `out`, their infos (or `infos`) and their first pages."""
    from pipeline.render.paper_parts import anchor_pages

    parts = sorted((out / "paper" / "parts").glob("toolkit-part-*.pdf"))
    infos = infos or [json.loads(p.with_suffix(".json").read_text()) for p in parts]
    return parts, infos, anchor_pages([i["pages"] for i in infos])[0]


def join_afresh(out: Path, joined: Path, infos: list | None = None) -> bytes:
    """The parts the last build left in `out`, spliced by the test itself without any kept segment."""
    from pipeline.render.paper_splice import splice_finish
    from pipeline.render.splice_cache import join_parts

    parts, infos, firsts = parts_and_infos(out, infos)
    joined.write_bytes(join_parts(parts, "toolkit", finish=splice_finish(infos, firsts)))  # outside a build
    return joined.read_bytes()


def join_with_pikepdf(out: Path, joined: Path, infos: list | None = None) -> Path:
    """The same parts joined as the splicer's fallback joins them (pdfjoin.join_tagged + finish_join)."""
    from pipeline.render.paper_join import finish_join
    from pipeline.render.pdfjoin import join_tagged

    parts, infos, firsts = parts_and_infos(out, infos)
    join_tagged(parts, joined, finish=finish_join(infos, firsts))
    return joined


@contextlib.contextmanager
def joins_after_the_pool():
    """Counts the joins made by the build's process after the pool (paper_settle.settle), where the parts
    were joined before the join target (paper.py `pdf-join`) joined them in a worker."""
    from pipeline.render import paper_settle, pdfjoin, splice_cache

    settle, join_tagged, join_parts, late, inside = (paper_settle.settle, pdfjoin.join_tagged,
                                                     splice_cache.join_parts, [], [])

    def settling(*args, **kwargs):
        inside.append(True)
        try:
            return settle(*args, **kwargs)
        finally:
            inside.pop()

    def joining(*args, **kwargs):
        if inside:
            late.append(args[0])
        return join_tagged(*args, **kwargs)

    def splicing(*args, **kwargs):
        if inside:
            late.append(args[0])
        return join_parts(*args, **kwargs)

    paper_settle.settle, pdfjoin.join_tagged, splice_cache.join_parts = settling, joining, splicing
    try:
        yield late
    finally:
        paper_settle.settle, pdfjoin.join_tagged, splice_cache.join_parts = settle, join_tagged, join_parts


def test_the_paper_at_scale_is_built_in_parts(builds):
    parts = [k for k in builds["fresh"] if k.startswith("paper:pdf-part-")]
    assert len(parts) == 14  # front, 12 challenges, back
    assert "paper:pdf" not in builds["fresh"]
    assert (builds["root"] / "out" / "paper" / "toolkit.pdf").is_file()


def test_a_fresh_build_lays_each_part_out_once(builds):
    assert builds["first_map"] == builds["settled_map"]  # the whole paper's one layout: the parts' own map
    assert len(builds["first_map"]) == 14
    assert "paper: built" not in builds["fresh_said"]  # no part laid out again after the build (settle)


def test_a_fresh_build_lays_the_parts_out_in_order_and_their_targets_take_those_layouts(builds):
    """The page map's target laid each part out on its way (paper_page_map.laid_out_in_order) and kept it;
    every part's target took its own (a part whose HTML differed would have left the kept one behind)."""
    assert builds["kept_left"] == []


def test_a_parts_html_does_not_depend_on_the_pages_of_later_parts_it_does_not_refer_to(builds):
    """What laying the parts out in order rests on: with the pages of the parts before it known and the
    parts after it still a guess, each part but the front is the HTML it is with the final page map."""
    from pipeline.load import load
    from pipeline.render.paper import paper_parts_of
    from pipeline.render.paper_parts import placed_html

    parts = paper_parts_of(load(builds["root"] / "sources"))
    final = builds["first_map"]
    for k in range(1, len(parts.names)):
        in_order = [*final[:k + 1], *(parts.guessed_pages(j) for j in range(k + 1, len(parts.names)))]
        assert placed_html(parts, k, in_order)[0] == placed_html(parts, k, final)[0], parts.names[k]
    front = [final[0], *(parts.guessed_pages(j) for j in range(1, len(parts.names)))]
    assert placed_html(parts, 0, front)[0] != placed_html(parts, 0, final)[0]  # the contents show every part


def test_a_part_lays_out_only_the_placeholder_pages_its_references_need(builds):
    from pipeline.load import load
    from pipeline.render.paper import paper_parts_of
    from pipeline.render.paper_parts import part_html

    parts = paper_parts_of(load(builds["root"] / "sources"))
    page_map = builds["first_map"]
    k = parts.names.index("green-skills")  # refers to nothing: one placeholder page for each other part
    html, before, after = part_html(parts, k, {j: pages for j, pages in enumerate(page_map) if j != k})
    assert (before, after) == (k, len(parts.names) - k - 1) and sum(map(len, page_map)) > len(parts.names) + 5
    assert "counter-increment: page" in html  # each stands for the pages it steps over


def test_same_bytes_with_no_page_map_and_with_the_last_one(builds):
    assert builds["again"] == builds["first"]


def test_an_edit_that_keeps_page_counts_rebuilds_only_its_parts(builds):
    from pipeline.load import load
    from pipeline.render.paper import paper_parts_of

    before = paper_parts_of(load(builds["root"] / "sources"))
    after = paper_parts_of(load(builds["root"] / "renamed"))
    shown = {f"paper:pdf-part-{k + 1:02d}" for k in range(len(after.names)) if after.key(k) != before.key(k)}
    assert 1 <= len(shown) <= 2  # the cell's part (and the back, whose annex lists what changed)
    # no part laid out again; the join waits for the parts (and for nothing else)
    assert rebuilt(builds["forced"], builds["renamed"]) == shown | {"paper:html", "paper:pdf-join"}


def test_an_edit_that_keeps_page_counts_joins_the_parts_beside_the_pool_as_a_fresh_join_would(builds):
    assert builds["late_joins"] == []  # the join target joined them: the build's process had nothing left to do
    assert builds["renamed"]["paper:pdf-join"]["outputs"] == []  # paper/toolkit.pdf stays settle's to check
    assert builds["renamed_pdf"] == builds["renamed_join"]
    assert builds["renamed_pdf"] != builds["again"]  # the edit is in it


def test_an_edit_that_adds_a_page_is_joined_after_the_parts_are_laid_out_again(builds):
    root = builds["root"]
    assert (root / "out" / "paper" / "toolkit.pdf").read_bytes() == join_afresh(root / "out", root / "longer.pdf")


def test_an_edit_that_adds_a_page_renders_what_it_must(builds):
    from pipeline.load import load
    from pipeline.render.paper import paper_parts_of

    before = paper_parts_of(load(builds["root"] / "renamed"))
    after = paper_parts_of(load(builds["root"] / "longer"))
    edited = {k for k in range(len(after.names)) if after.key(k) != before.key(k)}
    grown = after.names.index("-".join(ROW))
    counts = page_counts(builds["root"] / "out")
    assert counts[grown] > builds["counts"][grown]  # the edit did add a page
    changed = rebuilt(builds["renamed"], builds["longer"])
    parts = {int(k.rsplit("-", 1)[1]) - 1 for k in changed if k.startswith("paper:pdf-part-")}
    moved = set(range(grown, len(after.names))) | {0}  # every later part, and the contents' part
    assert moved | edited >= parts >= moved
    assert len(parts) < len(after.names)  # the parts before it that do not refer past it stay as they were


def test_same_bytes_after_an_edit_and_from_a_wrong_page_map(builds):
    root = builds["root"]
    assert (root / "out" / "paper" / "toolkit.pdf").read_bytes() == (root / "stale" / "paper" / "toolkit.pdf").read_bytes()


# -- the joined paper against one layout of the same HTML -------------------------------------------

@pytest.fixture(scope="module")
def pair(builds, tmp_path_factory):
    from pipeline.edition_pair import since_previous
    from pipeline.load import load
    from pipeline.render import paper

    toolkit = load(builds["root"] / "longer")
    one = tmp_path_factory.mktemp("one-piece") / "toolkit.pdf"
    one.write_bytes(paper.render_paper_pdf(toolkit, annex=since_previous(toolkit)))
    return one, builds["root"] / "out" / "paper" / "toolkit.pdf"


def pages_text(path: Path) -> list[str]:
    return subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout.split("\f")


def links_dests_outline(path: Path):
    import pikepdf

    with pikepdf.open(path) as pdf:
        index = {page.objgen: i for i, page in enumerate(pdf.pages)}

        def where(dest):
            return index[dest[0].objgen], round(float(dest[2]), 2), round(float(dest[3]), 2)

        flat = list(pdf.Root.Names.Dests.Names)
        dests = {str(name): where(dest) for name, dest in zip(flat[::2], flat[1::2])}
        links = [(i, [round(float(x), 2) for x in a.Rect], str(a.get("/Dest", "")),
                  str(a.A.URI) if "/A" in a else "") for i, page in enumerate(pdf.pages)
                 for a in page.obj.get("/Annots", [])]
        outline = []
        with pdf.open_outline() as tree:
            def walk(items, depth):
                for item in items:
                    outline.append((depth, item.title, *where(item.destination)))
                    walk(item.children, depth + 1)
            walk(tree.root, 0)
        return dests, links, outline, str(pdf.Root.Lang), len(pdf.pages)


def structure(path: Path) -> list[tuple]:
    """Every structure element in reading order: depth, type, page, marked content, alt text, and the
    header cells a cell names (as their places in the tree: ids differ between one layout and the parts)."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        index = {page.objgen: i for i, page in enumerate(pdf.pages)}
        root = pdf.Root.StructTreeRoot
        document = root.K[0] if isinstance(root.K, pikepdf.Array) else root.K
        order, ids = [], {}

        def kids(e):
            k = e.get("/K")
            return list(k) if isinstance(k, pikepdf.Array) else [k] if k is not None else []

        def collect(e, depth):
            order.append((e, depth))
            if "/ID" in e:
                assert str(e.ID) not in ids, f"structure element id {e.ID} twice"
                ids[str(e.ID)] = len(order)
            for kid in kids(e):
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    collect(kid, depth + 1)

        collect(document, 0)
        out = []
        for e, depth in order:
            attributes = e.get("/A")
            attributes = [attributes] if isinstance(attributes, pikepdf.Dictionary) else list(attributes or [])
            headers = tuple(ids[str(h)] for a in attributes for h in a.get("/Headers", []))
            content = tuple(k if isinstance(k, int) else str(k.get("/Type")) for k in kids(e)
                            if not (isinstance(k, pikepdf.Dictionary) and "/S" in k))
            out.append((depth, str(e.S), index.get(e.Pg.objgen) if "/Pg" in e else None, content,
                        str(e.get("/Alt", "")), headers))
        return out


def test_the_joined_paper_reads_as_one_layout_of_it(pair):
    one, joined = pair
    a, b = pages_text(one), pages_text(joined)
    assert len(a) == len(b) > 30
    for number, (x, y) in enumerate(zip(a, b), start=1):
        assert x == y, f"page {number} differs"
    contents = next(page for page in b if "Contents" in page)
    listed = re.findall(r"\.{3,}\s*(\d+)", contents)
    assert len(listed) > 10 and max(map(int, listed)) > 25  # numbers past the parts before them


def test_the_joined_paper_links_and_outline_as_one_layout(pair):
    one, joined = pair
    a, b = links_dests_outline(one), links_dests_outline(joined)
    assert a[4] == b[4]  # pages
    assert a[0] == b[0] and len(a[0]) > 100  # every named destination: page and place
    assert a[1] == b[1] and len(a[1]) > 500  # every link: page, rectangle, destination or address
    assert a[2] == b[2] and len(a[2]) > 20  # the outline: depth, title, page, place
    assert a[3] == b[3] == "en"


def test_the_joined_paper_is_tagged_as_one_layout(pair):
    from tests.pdfua_check import pdfua_problems

    one, joined = pair
    assert structure(one) == structure(joined)
    assert not pdfua_problems(joined)


@pytest.mark.huge
def test_at_2500_examples_the_joined_paper_is_one_layout_of_it(tmp_path):
    """The bench's 2,500 (invoke synth --examples 2444): 14 parts, ~83 pages, against one layout."""
    from pipeline.edition_pair import since_previous
    from pipeline.load import load
    from pipeline.render import paper
    from pipeline.synth import synthesise
    from tests.pdfua_check import pdfua_problems

    synthesise(2444, tmp_path / "sources")
    build(tmp_path / "sources", tmp_path / "out")
    joined = tmp_path / "out" / "paper" / "toolkit.pdf"
    toolkit = load(tmp_path / "sources")
    one = tmp_path / "one.pdf"
    one.write_bytes(paper.render_paper_pdf(toolkit, annex=since_previous(toolkit)))
    assert pages_text(one) == pages_text(joined)
    assert links_dests_outline(one) == links_dests_outline(joined)
    assert structure(one) == structure(joined)
    assert not pdfua_problems(joined)


# -- the spliced join (pdfsplice.py, paper_splice.py) against the pikepdf join it replaces -------------

def outline_items(path: Path) -> list[tuple]:
    """Every bookmark depth first: depth, title, page, place, /Count (negative: closed), as written."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        index = {page.objgen: i for i, page in enumerate(pdf.pages)}
        found = [("root", int(pdf.Root.Outlines.Count))]
        stack = [(pdf.Root.Outlines.First, 0)]
        while stack:
            item, depth = stack.pop()
            dest = item.Dest
            found.append((depth, str(item.Title), index[dest[0].objgen], str(dest[1]), float(dest[2]),
                          float(dest[3]), float(dest[4]), int(item.Count)))
            assert item.Parent.objgen != item.objgen
            if "/Next" in item:
                assert item.Next.Prev.objgen == item.objgen
                stack.append((item.Next, depth))
            if "/First" in item:
                stack.append((item.First, depth + 1))
        return found


def catalog_and_metadata(path: Path) -> dict:
    """What identifies the file and says how to show it: language, tagging, viewer preferences, the
    document information, the XMP (its PDF/UA identification)."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        root = pdf.Root
        return {"keys": sorted(root.keys()), "lang": str(root.Lang), "mark": root.MarkInfo.unparse(),
                "viewer": root.ViewerPreferences.unparse(), "version": pdf.pdf_version,
                "info": {k: str(v) for k, v in pdf.trailer.Info.items()}, "xmp": root.Metadata.read_bytes(),
                "struct": sorted(root.StructTreeRoot.keys())}


def qpdf_check(path: Path) -> str:
    run = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stderr


def test_the_spliced_paper_means_what_the_pikepdf_join_means(builds, tmp_path):
    """The build spliced the parts (each part's segment kept); the pikepdf join of the same parts (the
    splicer's fallback, and the join before it) is the reference: same pages, text, links, named
    destinations, outline (titles, levels, open or closed, targets), structure tree, metadata."""
    out = builds["root"] / "out"
    spliced = out / "paper" / "toolkit.pdf"
    kept = sorted((out / ".build" / "splice" / "toolkit").glob("*.seg"))
    assert len(kept) == len(parts_and_infos(out)[0]) == 14  # spliced, not joined by the fallback
    reference = join_with_pikepdf(out, tmp_path / "reference.pdf")
    assert spliced.read_bytes() != reference.read_bytes()
    assert pages_text(spliced) == pages_text(reference)
    assert links_dests_outline(spliced) == links_dests_outline(reference)
    assert outline_items(spliced) == outline_items(reference)
    assert structure(spliced) == structure(reference)  # with its table cells' header ids unique
    assert catalog_and_metadata(spliced) == catalog_and_metadata(reference)
    assert qpdf_check(spliced) == ""


def test_the_spliced_outline_writes_titles_and_closed_items_as_the_pikepdf_join(builds, tmp_path):
    # titles beyond ASCII (and beyond PDFDocEncoding), PDF's delimiters in them, closed items with children
    out = builds["root"] / "out"
    infos = parts_and_infos(out)[1]
    odd = ["Grüne Übergänge – “Zukunft”", "緑の移行 (green) \\ back", "Ελλάδα ✓ ) (", "plain"]
    n = 0
    for info in infos:
        for mark in info["bookmarks"]:
            mark[1], n = f"{odd[n % len(odd)]} {n}", n + 1
            mark[2] = "closed" if mark[0] <= 2 and n % 3 else "open"
    spliced = tmp_path / "spliced.pdf"
    join_afresh(out, spliced, infos)
    reference = join_with_pikepdf(out, tmp_path / "reference.pdf", infos)
    items = outline_items(spliced)
    assert items == outline_items(reference)
    assert any(i[-1] < 0 for i in items[1:]) and any(not t.isascii() for _, t, *_ in items[1:])
    assert qpdf_check(spliced) == ""


def test_parts_the_splicer_does_not_handle_are_joined_with_pikepdf(builds, tmp_path, monkeypatch):
    # the fallback, as the cards': what pdfsplice raises Unsupported for is joined by join_tagged + finish_join
    from pipeline.render import paper_settle, pdfsplice

    def unsupported(*args, **kwargs):
        raise pdfsplice.Unsupported("a part this test says the splicer does not handle")

    monkeypatch.setattr(pdfsplice, "make_segment", unsupported)
    out = builds["root"] / "out"
    parts, infos, _ = parts_and_infos(out)
    joined = tmp_path / "joined.pdf"
    paper_settle._join_if_changed(out, parts, infos, joined)  # outside a build: no segment kept to use
    assert joined.read_bytes() == join_with_pikepdf(out, tmp_path / "reference.pdf").read_bytes()
