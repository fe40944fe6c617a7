"""`invoke workbook`: the tables as one .xlsx for editors, and back to the same model."""
from __future__ import annotations

import dataclasses
import shutil

import pytest
from openpyxl import load_workbook

from pipeline.load import TABLES, load
from pipeline.workbook import write_workbook
from tests.conftest import SHIPPED


def content(toolkit):
    """The model without provenance: what must survive CSV -> xlsx -> model."""
    def strip(value):
        if dataclasses.is_dataclass(value):
            return tuple((f.name, strip(getattr(value, f.name))) for f in dataclasses.fields(value)
                         if f.name != "origin")
        if isinstance(value, (list, tuple)):
            return tuple(strip(v) for v in value)
        return value
    return {name: strip(getattr(toolkit, name)) for name in
            ("taxonomy", "actions", "examples", "cell_examples", "recommendations", "table5_actions",
             "table5_examples", "sections", "figures", "references", "document", "event")}


def test_csv_to_xlsx_to_model_is_equal(sources, tmp_path):
    from_csv = load(sources)
    book = write_workbook(sources, tmp_path / "toolkit.xlsx")
    from_xlsx = load(sources, workbook=book)
    assert content(from_xlsx) == content(from_csv)
    assert from_xlsx.examples[0].origin.sheet == "examples"
    assert from_xlsx.examples[0].origin.row == 2


def test_a_workbook_in_sources_replaces_the_csvs(sources, tmp_path):
    book = write_workbook(sources, tmp_path / "toolkit.xlsx")
    expected = content(load(sources))
    for name in TABLES:
        (sources / f"{name}.csv").unlink()
    shutil.copy(book, sources / "toolkit.xlsx")
    assert content(load(sources)) == expected


def test_workbook_is_made_for_editors(sources, tmp_path):
    book = load_workbook(write_workbook(sources, tmp_path / "toolkit.xlsx"))
    for name in TABLES:
        assert book[name].freeze_panes == "A2"
    actions = book["actions"]
    header = [c.value for c in actions[1]]
    validations = {str(v.sqref).split(":")[0]: v.formula1 for v in actions.data_validations.dataValidation}
    for column in ("priority", "challenge", "function"):
        letter = chr(ord("A") + header.index(column))
        assert f"{letter}2" in validations, column
    lists = book["lists"]
    assert lists.sheet_state == "hidden"
    values = {c.value for c in lists["A"]}
    assert {"green", "digital", "resilience"} <= values
    examples = book["examples"]
    country_col = [c.value for c in examples[1]].index("country")
    assert any(v.sqref and str(v.sqref).startswith(chr(ord("A") + country_col))
               for v in examples.data_validations.dataValidation)


def test_ods_workbook_loads_too(sources, tmp_path):
    import pandas as pd

    from_csv = content(load(sources))
    book = write_workbook(sources, tmp_path / "toolkit.xlsx")
    ods = tmp_path / "toolkit.ods"
    with pd.ExcelWriter(ods, engine="odf") as writer:
        for name, frame in pd.read_excel(book, sheet_name=None, dtype=str, keep_default_na=False).items():
            frame.to_excel(writer, sheet_name=name, index=False)
    assert content(load(sources, workbook=ods)) == from_csv


def test_workbook_never_replaces_an_editors_file_without_force(tmp_path, monkeypatch):
    from pipeline.errors import PipelineError
    from pipeline.workbook import write_workbook

    monkeypatch.chdir(tmp_path)
    edited = tmp_path / "sources" / "toolkit.xlsx"
    edited.parent.mkdir()
    edited.write_bytes(b"an editor's work")
    with pytest.raises(PipelineError, match="pass --force"):
        write_workbook(SHIPPED, edited)
    assert edited.read_bytes() == b"an editor's work"
    write_workbook(SHIPPED, tmp_path / "output" / "toolkit.xlsx")
    write_workbook(SHIPPED, tmp_path / "output" / "toolkit.xlsx")  # its own output: rewritten freely
    write_workbook(SHIPPED, edited, force=True)
    assert edited.read_bytes().startswith(b"PK")
