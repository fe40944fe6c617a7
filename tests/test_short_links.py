"""Printed QR codes stay sparse: with the web tool's address (`web_address` in sources/event.yaml) a card's
code opens the short page `e/<code>.html`, which leads on to the example's page; every code is as short
as every other, whatever the example's id."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from pipeline.build import run_targets
from pipeline.load import load
from pipeline.render import short_links, site
from tests.conftest import SHIPPED

WEB = "https://toolkit.example.eu/2021-corrected/"


@pytest.fixture(scope="module")
def addressed(tmp_path_factory):
    """The shipped sources with the web tool's public address in event.yaml."""
    sources = tmp_path_factory.mktemp("addressed") / "sources"
    shutil.copytree(SHIPPED, sources)
    with open(sources / "event.yaml", "a", encoding="utf-8") as f:
        f.write(f"web_address: {WEB}\n")
    return load(sources)


def test_a_short_code_is_stable_short_and_the_same_length_for_every_id():
    assert short_links.code("innovation-clusters-saxony") == short_links.code("innovation-clusters-saxony")
    codes = {short_links.code(f"example-{i}") for i in range(20_000)}
    assert len(codes) == 20_000  # no collision at the documented size limit (20,000 examples)
    assert all(re.fullmatch(r"[a-z2-7]{8}", c) for c in codes)
    assert short_links.url(WEB, "x") == f"{WEB}e/{short_links.code('x')}.html"


def test_two_ids_with_one_code_get_a_page_that_lists_both(monkeypatch):
    monkeypatch.setattr(short_links, "code", lambda example_id: "aaaaaaaa")
    assert short_links.pages(["b", "a"]) == {"e/aaaaaaaa.html": ["b", "a"]}


@pytest.fixture(scope="module")
def site_out(addressed, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site-short")
    targets = [t for t in site.targets(addressed, {}) if t.id == "site:assets"
               or t.id.startswith(("site:example-", "site:aliases-"))]
    summary = run_targets(addressed, targets, out=out, jobs=1, progress=False)
    assert not summary.failed, summary.failed
    return out / "site"


def test_every_short_page_leads_to_its_examples_page(addressed, site_out):
    pages = sorted((site_out / "e").glob("*.html"))
    assert len(pages) == len(addressed.examples)
    for example in addressed.examples:
        page = site_out / short_links.path(example.id)
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        refresh = soup.find("meta", attrs={"http-equiv": "refresh"})["content"]
        assert refresh == f"0; url=../examples/{example.id}.html"
        assert (page.parent / f"../examples/{example.id}.html").resolve().is_file()
        assert soup.find(id="alias-target").text == example.name and soup.html["lang"] == "en"


def test_every_cell_and_recommendation_has_a_short_page_for_and_n_more_codes(addressed, site_out):
    """A crowded handout's "and N more" code opens c/<code>.html: every cell's page and recommendation's
    entry has one, crowded or not today, so a code printed now still opens the right page later."""
    from pipeline.render import overflow

    places = overflow.places(addressed)
    assert len(places) == 36 + 15 and len(list((site_out / "c").glob("*.html"))) == len(places)
    for page, title in places.items():
        url = overflow.more_address(WEB, page)
        assert url == WEB + short_links.place_path(page) and len(url) == len(WEB) + len("c/12345678.html")
        soup = BeautifulSoup((site_out / short_links.place_path(page)).read_text(encoding="utf-8"), "html.parser")
        assert soup.find("meta", attrs={"http-equiv": "refresh"})["content"] == f"0; url=../{page}"
        assert soup.find(id="alias-target").text == title and soup.find(id="alias-target")["href"] == f"../{page}"
    assert overflow.more_address("", "cells/x.html") == ""  # no web address: no code (the line says where)


def test_and_n_more_codes_are_compact_with_modules_that_read_at_100_dpi(addressed):
    """The smallest version the short address allows, at the highest error level of that version, with
    the cards' modules of 0.6 mm: 22.2 mm for the synthetic site's 27-character address."""
    from pipeline.render import handouts, overflow
    from pipeline.render.handout_qr import compact_qr_code

    code = compact_qr_code(overflow.more_address("https://toolkit.example.eu/", "cells/green-skills-networking.html"))
    assert (code.version, code.error) == (3, "M")
    assert handouts.qr_size_mm(code, compact=True) == pytest.approx(37 * handouts.QR_MIN_MODULE_MM)
    long_site = "https://www.clustercollaboration.eu/eu-cluster-policy/policy-toolkit/"
    code = compact_qr_code(overflow.more_address(long_site, "recommendations.html#r15"))
    assert code.error in ("M", "Q", "H") or code.version <= 4  # a long address costs size, not legibility


def test_no_short_pages_without_a_web_address(shipped):
    assert not [t for t in site.targets(shipped, {}) if t.id.startswith("site:aliases")]


@pytest.mark.slow
def test_a_short_page_opens_the_example_page_in_chromium(addressed, site_out):
    from playwright.sync_api import sync_playwright

    example = max(addressed.examples, key=lambda e: len(e.id))  # the longest id
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page()
        page.goto((site_out / short_links.path(example.id)).as_uri())
        page.wait_for_url(re.compile(rf".*/examples/{re.escape(example.id)}\.html$"), timeout=10_000)
        assert page.locator("#example-name").inner_text() == example.name
        browser.close()


def test_with_a_web_address_every_card_code_is_short_and_equally_sparse(addressed):
    from pipeline.render import handouts

    cards = handouts.card_records(addressed)
    assert [c["qr"] for c in cards] == [short_links.url(WEB, c["example"].id) for c in cards]
    codes = [handouts.qr_code(c["qr"]) for c in cards]
    assert {(c.version, c.error) for c in codes} == {(4, "M")}  # 33 modules, 15 % error correction, for all
    assert {handouts.qr_size_mm(c) for c in codes} == {handouts.QR_SIZE_MM}  # modules of 0.68 mm


@pytest.mark.slow
@pytest.mark.parametrize("with_address", [True, False], ids=["web-address", "own-links"])
def test_every_card_code_decodes_at_100_dpi_with_and_without_a_web_address(addressed, shipped, tmp_path,
                                                                           with_address):
    """~2.4 pixels a module at 100 dpi (a cheap scan, a phone at arm's length): every code on every sheet."""
    import subprocess

    from pipeline.render import handouts

    toolkit = addressed if with_address else shipped
    target = next(t for t in handouts.targets(toolkit, {}) if t.name == "example-cards-a4")
    pdf = tmp_path / "cards.pdf"
    pdf.write_bytes(handouts.build_target(toolkit, target)[target.outputs[0]])
    subprocess.run(["pdftoppm", "-png", "-r", "100", str(pdf), str(tmp_path / "sheet")], check=True)
    decoded = []
    for png in sorted(tmp_path.glob("sheet-*.png")):
        decoded += [d for d in subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True,
                                              text=True).stdout.split("\n") if d]
    want = sorted(c["qr"] for c in handouts.card_records(toolkit) if c["qr"])
    assert sorted(decoded) == want and len(want) >= 50
    if with_address:
        assert all(d.startswith(WEB + "e/") and len(d) == len(WEB) + 15 for d in decoded)
