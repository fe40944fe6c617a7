"""Hostile and broken input fails fast in one line naming the file (exit 2), never a traceback or a hang.

Bounded input (pipeline/limits.py) and strict tables: duplicate columns, formula, date and number cells.
Most cases load in-process; a few go through `invoke check` to see the exit code and the one line.
"""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipeline import limits
from pipeline.errors import SourceError
from pipeline.load import load
from pipeline.workbook import write_workbook
from tests.conftest import PROJECT, edit


def check(sources: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "invoke", "check", "--sources", str(sources), "--out",
                           str(tmp_path / "out"), *args], cwd=PROJECT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "CI": "1"})


def refused(sources: Path, tmp_path: Path, *args: str) -> str:
    """The one error line of a check that refused its input (exit 2), outputs untouched."""
    run = check(sources, tmp_path, *args)
    assert run.returncode == 2, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    lines = [line for line in run.stderr.strip().splitlines() if not line.endswith("...")]  # slow-stage notes
    assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*.json"))
    return lines[0]


def load_error(sources: Path, **kwargs) -> str:
    with pytest.raises(SourceError) as raised:
        load(sources, **kwargs)
    assert "\n" not in str(raised.value)
    return str(raised.value)


# -- YAML -----------------------------------------------------------------------------------------

def test_deep_nesting_is_refused(sources, tmp_path):
    (sources / "taxonomy.yaml").write_text("priorities: " + "[" * 20000 + "]" * 20000 + "\n", encoding="utf-8")
    line = refused(sources, tmp_path)
    assert "taxonomy.yaml:1: nested more than 50 levels deep" in line


def test_deep_block_nesting_is_refused(sources):
    text = "priorities:\n" + "".join("  " * i + "- \n" for i in range(1, 500))
    (sources / "taxonomy.yaml").write_text(text, encoding="utf-8")
    assert "taxonomy.yaml:51: nested more than 50 levels deep" in load_error(sources)


def test_alias_bomb_is_refused(sources, tmp_path):
    bomb = "bomb0: &b0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"bomb{i}: &b{i} [" + ", ".join([f"*b{i - 1}"] * 9) + "]\n" for i in range(1, 9))
    edit(sources / "document.yaml", "language: en\n", "language: en\n" + bomb)
    line = refused(sources, tmp_path)
    assert "document.yaml:" in line and "expands to more than 100,000 values through its aliases" in line
    text = (sources / "document.yaml").read_text(encoding="utf-8")  # the line of the first part too big
    assert f"document.yaml:{text[:text.index('bomb5:')].count(chr(10)) + 1}:" in line


def test_too_many_aliases_are_refused(sources):
    many = "anchor: &a x\nmany: [" + ", ".join(["*a"] * (limits.MAX_YAML_ALIASES + 1)) + "]\n"
    edit(sources / "document.yaml", "language: en\n", "language: en\n" + many)
    assert f"more than {limits.MAX_YAML_ALIASES} YAML aliases" in load_error(sources)


def test_impossible_date_is_one_line_with_its_line(sources, tmp_path):
    edit(sources / "document.yaml", "  date: 2021-11-22", "  date: 2021-13-45")
    line = refused(sources, tmp_path)
    assert "document.yaml:" in line and "'2021-13-45' is not a valid date" in line


# -- sizes ----------------------------------------------------------------------------------------

def test_too_many_examples_are_refused_at_the_first_row_beyond_the_limit(sources, tmp_path):
    with (sources / "examples.csv").open("a", encoding="utf-8") as handle:
        for i in range(100_000):
            handle.write(f"pasted-{i},Pasted example {i},Germany,https://example.org/{i},\n")
    line = refused(sources, tmp_path)
    assert f"examples.csv:{limits.MAX_EXAMPLES + 2}: more than 20,000 examples (the limit" in line


def test_a_huge_source_file_is_refused_before_it_is_read(sources):
    with (sources / "references.yaml").open("a", encoding="utf-8") as handle:
        handle.write("#" + "x" * (limits.MAX_SOURCE_BYTES + 10) + "\n")
    assert "references.yaml: 20.0 MB, more than the 20 MB" in load_error(sources)


def test_zip_bomb_workbook_is_refused_before_it_is_unpacked(sources, tmp_path):
    book = write_workbook(sources, tmp_path / "toolkit.xlsx")
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(book) as original, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for item in original.infolist():
            out.writestr(item, original.read(item.filename))
        out.writestr("xl/worksheets/padding.xml", b" " * 30_000_000)  # 30 MB of blanks, ~30 kB packed
    line = refused(sources, tmp_path, "--workbook", str(bomb))
    assert "bomb.xlsx: unpacks to" in line and "times its size" in line


# -- strict tables --------------------------------------------------------------------------------

def test_duplicate_column_is_an_error_not_a_silent_winner(sources, tmp_path):
    edit(sources / "examples.csv", "id,name,country,link,note", "id,name,country,link,name")
    line = refused(sources, tmp_path)
    assert "examples.csv:1: column 'name': column 'name' appears twice in the header row (columns 2 and 5)" in line


def _workbook_with(sources: Path, tmp_path: Path, sheet: str, row: int, column: str, value, number_format=None):
    book = write_workbook(sources, tmp_path / "toolkit.xlsx")
    workbook = load_workbook(book)
    ws = workbook[sheet]
    header = [c.value for c in ws[1]]
    cell = ws.cell(row, header.index(column) + 1)
    cell.value = value
    if number_format:
        cell.number_format = number_format
    workbook.save(book)
    return book


def test_formula_cell_is_an_error_with_sheet_row_column(sources, tmp_path):
    book = _workbook_with(sources, tmp_path, "examples", 3, "link", '=HYPERLINK("https://example.org","x")')
    message = load_error(sources, workbook=book)
    assert "toolkit.xlsx[examples]:3: column 'link': a formula (=HYPERLINK(" in message


def test_date_cell_where_text_is_expected_is_an_error(sources, tmp_path):
    import datetime as dt

    book = _workbook_with(sources, tmp_path, "examples", 4, "name", dt.datetime(2021, 11, 22), "yyyy-mm-dd")
    message = load_error(sources, workbook=book)
    assert "toolkit.xlsx[examples]:4: column 'name': a date cell (2021-11-22 00:00:00) where text is expected" in message


def test_number_cell_where_text_is_expected_is_an_error(sources, tmp_path):
    book = _workbook_with(sources, tmp_path, "recommendations", 2, "title", 1.5)
    message = load_error(sources, workbook=book)
    assert "toolkit.xlsx[recommendations]:2: column 'title': a number cell (1.5) where text is expected" in message


def test_workbook_writes_text_that_looks_like_a_formula_as_text(sources, tmp_path):
    edit(sources / "examples.csv", "Innovation clusters Saxony,", '"=HYPERLINK(""x"") Innovation clusters Saxony",')
    book = write_workbook(sources, tmp_path / "toolkit.xlsx")
    sheet = load_workbook(book)["examples"]
    cells = [c for row in sheet.iter_rows() for c in row if str(c.value).startswith("=HYPERLINK")]
    assert len(cells) == 1 and cells[0].data_type == "s" and cells[0].number_format == "@"
    names = {e.name for e in load(sources, workbook=book).examples}
    assert '=HYPERLINK("x") Innovation clusters Saxony' in names


def test_long_stages_announce_themselves(sources, tmp_path, monkeypatch, capsys):
    """A stage longer than a second says what it is doing, then how long it took (here: made 'long')."""
    from pipeline import stages
    from pipeline.checks.run import check_command

    monkeypatch.setattr(stages, "ANNOUNCE_AFTER", 0.0)
    monkeypatch.setattr(stages, "ANNOUNCE_AFTER_IN_LOGS", 0.0)
    check_command(sources, out=tmp_path / "out")
    err = capsys.readouterr().err
    assert f"reading {sources}..." in err and "checking 56 examples..." in err
    assert "checking 56 examples: done in " in err


def _ods_with(sources: Path, tmp_path: Path, sheet: str, row: int, column: str, cell_xml: str) -> Path:
    """An .ods of the sources (written by pandas' odf engine, as LibreOffice would save it) whose cell at
    sheet:row:column is replaced by `cell_xml`: a formula or a date cell, as LibreOffice writes them."""
    import re

    import pandas as pd

    import tempfile

    tmp_path = Path(tempfile.mkdtemp(dir=tmp_path))
    book = write_workbook(sources, tmp_path / "toolkit.xlsx")
    plain = tmp_path / "plain.ods"
    with pd.ExcelWriter(plain, engine="odf") as writer:
        for name, frame in pd.read_excel(book, sheet_name=None, dtype=str, keep_default_na=False).items():
            frame.to_excel(writer, sheet_name=name, index=False)
    ods = tmp_path / "toolkit.ods"
    with zipfile.ZipFile(plain) as original, zipfile.ZipFile(ods, "w", zipfile.ZIP_DEFLATED) as out:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "content.xml":
                xml = data.decode("utf-8")
                start = xml.index(f'<table:table table:name="{sheet}"')
                rows = [m.start() for m in re.finditer("<table:table-row", xml[start:])]
                row_start = start + rows[row - 1]
                row_end = xml.index("</table:table-row>", row_start)
                header = re.findall(r"<text:p>(.*?)</text:p>", xml[start:start + rows[1]])
                cells = list(re.finditer(r"<table:table-cell\b.*?(?:/>|</table:table-cell>)", xml[row_start:row_end]))
                target = cells[header.index(column)]
                xml = xml[:row_start + target.start()] + cell_xml + xml[row_start + target.end():]
                data = xml.encode("utf-8")
            out.writestr(item, data)
    return ods


def test_ods_formula_cell_is_an_error_with_sheet_row_column(sources, tmp_path):
    formula = ('<table:table-cell table:formula="of:=HYPERLINK(&quot;https://example.org&quot;;&quot;x&quot;)" '
               'office:value-type="string" office:string-value="x"><text:p>x</text:p></table:table-cell>')
    ods = _ods_with(sources, tmp_path, "examples", 3, "link", formula)
    message = load_error(sources, workbook=ods)
    assert 'toolkit.ods[examples]:3: column \'link\': a formula (=HYPERLINK("https://example.org";"x"))' in message
    line = refused(sources, tmp_path, "--workbook", str(ods))  # the command: one line, exit 2
    assert "toolkit.ods[examples]:3: column 'link': a formula" in line


def test_ods_date_and_number_cells_where_text_is_expected_are_errors(sources, tmp_path):
    date = ('<table:table-cell office:value-type="date" office:date-value="2021-11-22">'
            '<text:p>22/11/21</text:p></table:table-cell>')
    message = load_error(sources, workbook=_ods_with(sources, tmp_path, "examples", 4, "name", date))
    assert "toolkit.ods[examples]:4: column 'name': a date cell (2021-11-22 00:00:00) where text is expected" in message
    number = '<table:table-cell office:value-type="float" office:value="1.5"><text:p>1.5</text:p></table:table-cell>'
    message = load_error(sources, workbook=_ods_with(sources, tmp_path, "recommendations", 2, "title", number))
    assert "toolkit.ods[recommendations]:2: column 'title': a number cell (1.5) where text is expected" in message


def test_ods_text_keeps_its_spaces_and_padding_rows_cost_nothing(tmp_path):
    """LibreOffice writes runs of spaces as <text:s>, and pads a sheet with a million repeated empty rows."""
    from pipeline.sources import ods

    xml = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
           'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
           '<table:table table:name="examples"><table:table-row><table:table-cell office:value-type="string">'
           '<text:p>id</text:p></table:table-cell><table:table-cell table:number-columns-repeated="1024"/>'
           '</table:table-row><table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s '
           'text:c="2"/>b <text:span>c</text:span></text:p></table:table-cell></table:table-row>'
           '<table:table-row table:number-rows-repeated="1048574"><table:table-cell '
           'table:number-columns-repeated="1024"/></table:table-row></table:table></office:spreadsheet>'
           '</office:body></office:document-content>')
    path = tmp_path / "padded.ods"
    with zipfile.ZipFile(path, "w") as out:
        out.writestr("content.xml", xml)
    assert ods.sheets(path) == {"examples": [["id"], ["a  b c"]]}


def test_every_long_stage_of_a_build_shows_progress(sources, tmp_path, monkeypatch, capsys):
    """Below the limits a build is never silent: reading, checking and planning announce themselves when
    they take long (here every stage is made 'long'), then each finished target is a line of progress."""
    from pipeline import stages
    from pipeline.build import build_command

    monkeypatch.setattr(stages, "ANNOUNCE_AFTER", 0.0)
    monkeypatch.setattr(stages, "ANNOUNCE_AFTER_IN_LOGS", 0.0)
    monkeypatch.setenv("CI", "1")  # plain lines, as in a log
    assert build_command(sources, ["roadmaps"], out=tmp_path / "out") == 0
    captured = capsys.readouterr()
    for stage in (f"reading {sources}", "checking 56 examples", "planning the outputs of 56 examples"):
        assert f"{stage}..." in captured.err and f"{stage}: done in " in captured.err, stage
    built = [line for line in captured.out.splitlines() if line.startswith("[")]
    assert len(built) == 12 and built[-1].startswith("[12/12] built ")
