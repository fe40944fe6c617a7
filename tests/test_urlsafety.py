"""URL safety independent of the check: even with --force, no output links anywhere but the web and none
loads anything from outside the project (HTML paper, PDF, roadmaps, web tool)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.urlsafety import safe_html, unsafe_docx_links, web_link
from tests.conftest import PROJECT, edit

HOSTILE_HREFS = ["file:///etc/passwd", "javascript:alert(1)", " JaVaScRiPt:alert(1)", "java&#x09;script:alert(1)",
                 "data:text/html,<b>x</b>", "vbscript:x", "//evil.example/x", "\\\\host\\share"]


@pytest.mark.parametrize("url", HOSTILE_HREFS)
def test_hostile_href_loses_its_link_and_keeps_its_text(url):
    page = f'<p><a class="x" href="{url}">Cluster</a></p>'
    cleaned = safe_html(page)
    assert "href" not in cleaned and ">Cluster</a>" in cleaned


def test_safe_links_and_sources_are_left_exactly_as_they_are():
    page = ('<a href="https://ec.europa.eu/x?a=1&amp;b=2">w</a><a href="#fn-1">1</a><a href="../examples/x.html">e</a>'
            '<a href="mailto:roadmaps@example.org">m</a><img src="assets/favicon.svg" alt=""><script src="../assets/site.js">'
            '</script><img src="data:image/png;base64,AAAA" alt="">')
    assert safe_html(page) == page


@pytest.mark.parametrize("src", ["http://127.0.0.1:9/x.png", "https://tracker.example/p.gif", "file:///etc/hosts",
                                 "/etc/hosts", "//cdn.example/x.js"])
def test_nothing_is_loaded_from_outside_the_project(src):
    assert "src=" not in safe_html(f'<img alt="x" src="{src}"><script src="{src}"></script>')
    assert "srcset" not in safe_html(f'<img alt="x" srcset="a.png 1x, {src} 2x">')


def test_web_link_is_only_http_or_https_with_a_host():
    assert web_link("https://example.org/a b") == ""  # a space: not one address
    assert web_link("http:/x") == "" and web_link("ftp://example.org") == "" and web_link("") == ""
    assert web_link(" https://example.org/x ") == "https://example.org/x"


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.srcs: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "xlink:href"):
                self.hrefs.append(value or "")
            if name in ("src", "srcset"):
                self.srcs.append(value or "")


def links_of(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.mark.slow
def test_forced_build_of_hostile_links_renders_none_of_them(sources, tmp_path):
    edit(sources / "examples.csv", "https://www.wirtschaft.sachsen.de/13344.html", "file:///etc/passwd")
    edit(sources / "references.yaml", "url: https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:52019DC0640",
         "url: \"javascript:alert(document.cookie)\"")
    out = tmp_path / "out"

    def build(only: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "invoke", "build", "--sources", str(sources), "--out", str(out),
                               "--force", "--only", only], cwd=PROJECT, capture_output=True, text=True,
                              env={**os.environ, "CI": "1"}, timeout=900)

    run = build("paper,roadmaps,site")
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr

    pages = [out / "paper" / "index.html", *sorted((out / "site").rglob("*.html"))]
    for page in pages:
        found = links_of(page)
        bad = [h for h in found.hrefs if not (h.startswith("#") or web_link(h) or h.startswith("mailto:")
                                              or not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//|^/", h))]
        assert bad == [], page
        assert [s for s in found.srcs if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//|^/", s)
                and not s.startswith("data:image/")] == [], page
    paper = (out / "paper" / "index.html").read_text(encoding="utf-8")
    assert "Innovation clusters Saxony" in paper and "127.0.0.1" not in paper

    from pypdf import PdfReader

    uris = [annot.get_object().get("/A", {}).get("/URI") for page in PdfReader(out / "paper" / "toolkit.pdf").pages
            for annot in page.get("/Annots") or []]
    uris = [str(u) for u in uris if u]
    assert uris and [u for u in uris if not web_link(u)] == []

    for docx in (out / "roadmaps").glob("*.docx"):
        assert unsafe_docx_links(docx.read_bytes()) == [], docx
    with zipfile.ZipFile(out / "roadmaps" / "green-value-chains.docx") as package:
        assert "etc/passwd" not in package.read("word/_rels/document.xml.rels").decode()

    # An image from elsewhere: dropped from the HTML, and the PDF refuses to fetch it (one line, exit 1).
    intro = sources / "text" / "01-introduction.md"
    intro.write_text(intro.read_text(encoding="utf-8") + "\n![tracker](http://127.0.0.1:9/pixel.png)\n",
                     encoding="utf-8")
    run = build("paper")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and errors[0].startswith("error: paper:pdf: ") and "127.0.0.1:9/pixel.png" in errors[0]
    html = (out / "paper" / "index.html").read_text(encoding="utf-8")
    assert 'alt="tracker"' in html and "127.0.0.1" not in html
