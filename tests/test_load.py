"""The loader: the shipped 2021 edition as a model, noise normalised, bad input refused in one line."""
from __future__ import annotations

import subprocess
import sys

import pytest

from pipeline.errors import SourceError
from pipeline.load import load

from .conftest import PROJECT, edit

# What the 2021 paper prints in Tables 2-4 (counted in the seed text; see sources/TRANSCRIPTION.md).
PRINTED_ACTIONS = 40  # three cells print two or three action paragraphs
PRINTED_EXAMPLES_IN_TABLES_2_4 = 46  # distinct examples (10 more appear only in Table 5)
PRINTED_CITATIONS_IN_TABLES_2_4 = 58  # 56 "Example:" lines, one of which names three examples


def test_matrix_has_36_cells_each_with_an_action_and_an_example(shipped):
    cells = list(shipped.cells())
    assert len(cells) == 36
    for cell in cells:
        where = f"{cell.priority.id}/{cell.challenge.id}/{cell.function.id}"
        assert cell.actions, f"no action in {where}"
        assert cell.examples, f"no example in {where}"


def test_counts_equal_what_the_paper_prints(shipped):
    assert len(shipped.actions) == PRINTED_ACTIONS
    in_tables = {c.example for c in shipped.cell_examples}
    assert len(in_tables) == PRINTED_EXAMPLES_IN_TABLES_2_4
    assert len(shipped.cell_examples) == PRINTED_CITATIONS_IN_TABLES_2_4
    assert len(shipped.recommendations) == 15
    assert [len(shipped.recommendations_in(a.id)) for a in shipped.taxonomy.areas] == [5, 5, 5]
    assert len(shipped.figures) == 7
    assert len(shipped.references) == 7


def test_every_example_has_a_country_and_a_link(shipped):
    for example in shipped.examples:
        assert example.country, example.id
        assert example.link.startswith(("http://", "https://")), example.id


def test_an_example_in_several_cells_is_one_record(shipped):
    saxony = shipped.example_by_id["innovation-clusters-saxony"]
    cells = shipped.cells_of_example(saxony.id)
    assert {c.cell for c in cells} == {("green", "value-chains", "intelligence"),
                                       ("green", "value-chains", "business-services")}
    assert [e.id for e in shipped.examples].count(saxony.id) == 1


def test_records_know_where_they_came_from(shipped):
    action = shipped.actions[0]
    assert action.origin.file.endswith("actions.csv") and action.origin.row == 2
    assert str(shipped.examples[2].origin).endswith("examples.csv:4")
    intro = shipped.sections[0]
    assert intro.origin.file.endswith("01-introduction.md") and intro.origin.line > 1


def test_document_and_event_metadata(shipped):
    assert shipped.document.title.startswith("Leveraging clusters for a green, digital and resilient EU economy")
    assert [a.name for a in shipped.document.authors] == [
        "Lucas Porsch", "Madalina Nunu", "Pierre Hausemer", "James Wilson"]
    assert (shipped.document.edition_id, shipped.edition) == ("2021-corrected", "2021-corrected")  # the latest
    first = load(PROJECT / "sources", edition="2021").document
    assert (first.edition_id, first.edition_date.isoformat()) == ("2021", "2021-11-22")
    assert shipped.event.city == "Saint-Ouen"
    assert len(shipped.event.feedback_questions) == 5


def test_noise_is_normalised(sources):
    path = sources / "examples.csv"
    text = path.read_text(encoding="utf-8")
    header, first, rest = text.split("\n", 2)
    first = first.replace("Brussels", "\u00a0 Brussels", 1)
    noisy = "\ufeff" + "\r\n".join([header, first] + rest.split("\n")) + "\r\n,,,,\r\n,,,,\r\n"
    path.write_bytes(noisy.encode("utf-8"))
    toolkit = load(sources)
    assert toolkit.examples[0].name.startswith("Brussels")
    assert len(toolkit.examples) == len(load(PROJECT / "sources").examples)


def _error(sources, **kwargs) -> str:
    with pytest.raises(SourceError) as info:
        load(sources, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_unknown_taxonomy_value_names_file_row_column_and_choices(sources):
    edit(sources / "actions.csv", "\ngreen-skills-intelligence-1,green,", "\ngreen-skills-intelligence-1,gren,")
    message = _error(sources)
    assert "actions.csv:" in message
    assert "column 'priority': unknown value 'gren' (expected one of: green, digital, resilience)" in message


def test_missing_file(sources):
    (sources / "examples.csv").unlink()
    assert _error(sources).endswith("examples.csv: file not found")


def test_missing_and_unknown_columns(sources):
    edit(sources / "actions.csv", "id,priority,challenge,function,text", "id,priority,challenge,function,txt")
    message = _error(sources)
    assert "actions.csv:1:" in message and "unknown column 'txt'" in message or "missing column 'text'" in message


def test_unknown_column(sources):
    path = sources / "recommendations.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0] + ",colour"] + [l + "," for l in lines[1:]]) + "\n", encoding="utf-8")
    assert "recommendations.csv:1: unknown column 'colour'" in _error(sources)


def test_duplicate_id_names_both_rows(sources):
    path = sources / "examples.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines + [lines[1]]) + "\n", encoding="utf-8")
    message = _error(sources)
    assert f"examples.csv:{len(lines) + 1}: column 'id': duplicate id" in message
    assert "first used at" in message and "examples.csv:2" in message


def test_empty_required_field(sources):
    path = sources / "actions.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    parts = lines[3].split(",")
    parts[2] = ""
    lines[3] = ",".join(parts)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert "actions.csv:4: column 'challenge': empty, but this column is required" in _error(sources)


def test_malformed_yaml_names_its_line(sources):
    path = sources / "event.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(2, "name: [unclosed")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = _error(sources)
    assert "event.yaml:" in message and "malformed YAML" in message
    line = int(message.split("event.yaml:")[1].split(":")[0].split(" ")[0])
    assert 3 <= line <= 5


def test_non_utf8_file(sources):
    path = sources / "examples.csv"
    path.write_bytes(path.read_bytes().replace("Łódź".encode(), b"") + "Skellefte\u00e5".encode("latin-1"))
    message = _error(sources)
    assert "examples.csv:" in message and "not UTF-8" in message


def test_bad_date(sources):
    edit(sources / "event.yaml", "2021-11-23", "23/11/2021")
    assert "event.yaml:" in _error(sources) and "not a date" in _error(sources)


def test_workbook_with_a_missing_sheet(sources, tmp_path):
    from openpyxl import load_workbook

    from pipeline.workbook import write_workbook

    book = write_workbook(sources, tmp_path / "toolkit.xlsx")
    wb = load_workbook(book)
    del wb["examples"]
    wb.save(book)
    assert "toolkit.xlsx: no sheet named 'examples'" in _error(sources, workbook=book)


def test_bad_input_gives_one_line_and_exit_2_from_the_command_line(sources):
    edit(sources / "actions.csv", ",green,skills,", ",green,skils,")
    run = subprocess.run([sys.executable, "-m", "invoke", "check", "--sources", str(sources)],
                         cwd=PROJECT, capture_output=True, text=True)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    lines = [l for l in run.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and "unknown value 'skils'" in lines[0]


def test_quickly_made_records_equal_and_are_frozen_like_the_classes_own(shipped):
    """load() makes examples and citations without their dataclass __init__ (load._records): every
    field is there, equal to what the class itself makes, and as immutable."""
    import dataclasses

    for record in (shipped.examples[0], shipped.cell_examples[0], shipped.table5_examples[0]):
        assert vars(record).keys() == {f.name for f in dataclasses.fields(record)}
        assert record == dataclasses.replace(record)  # replace() calls the class's own __init__
        assert hash(record.origin) == hash(dataclasses.replace(record.origin))
        with pytest.raises(dataclasses.FrozenInstanceError):
            record.name = "changed"
    assert str(shipped.cell_examples[0].origin).endswith("cell_examples.csv:2")


def test_citations_hold_exactly_their_fields_whatever_the_columns(sources):
    """A citation is its row's cells copied (load._citations): a column the table lacks, a short row, the
    provenance and edition columns, same_line as yes/no all give what the class's own __init__ gives."""
    import csv
    import dataclasses

    path = sources / "table5_examples.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    drop = header.index("label")  # a table without the optional label column
    rows = [r[:drop] + r[drop + 1:] + [""] * 2 for r in rows]
    rows[0][-2:] = ["status", "status_reason"]
    rows[1][-2:] = ["reconstructed", "read from the 2021 PDF's link list"]
    rows[2][rows[0].index("same_line")] = "yes"
    rows[3] = rows[3][:3]  # recommendation, function, example: the rest left off
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    citations = load(sources).table5_examples
    names = {f.name for f in dataclasses.fields(citations[0])}
    for c in citations:
        assert vars(c).keys() == names and c == dataclasses.replace(c)
    assert citations[0].provenance.status == "reconstructed" and citations[1].provenance.status == "printed"
    assert citations[1].same_line is True and citations[0].same_line is False
    assert (citations[2].label, citations[2].name, citations[2].note) == ("", "", "")
    assert str(citations[2].origin).endswith("table5_examples.csv:4")


def test_a_yaml_file_read_twice_gives_two_independent_copies(sources):
    from pipeline.sources.texts import read_yaml

    first = read_yaml(sources / "taxonomy.yaml")
    first.data["priorities"].clear()  # a reader changing what it got does not change the next read
    second = read_yaml(sources / "taxonomy.yaml")
    assert second.data["priorities"] and second.lines == first.lines
    edit(sources / "taxonomy.yaml", "priorities:", "priorities:  # edited")
    assert read_yaml(sources / "taxonomy.yaml").data["priorities"]  # a changed text is parsed again


def test_libyaml_reads_every_shipped_yaml_text_as_the_pure_python_parser_does():
    """The YAML files and Markdown front matters are parsed by libyaml (a tenth of the time); the data and
    the line of every key path are what the pure-Python parser gives, which still words every error."""
    import yaml

    from pipeline.errors import Origin
    from pipeline.sources import texts

    assert yaml.__with_libyaml__  # setup.sh installs PyYAML with libyaml: `invoke check` relies on its speed
    docs = [(p.read_text(encoding="utf-8"), 0) for p in sorted((PROJECT / "sources").glob("*.yaml"))]
    for path in sorted((PROJECT / "sources" / "text").glob("*.md")):
        lines = path.read_text(encoding="utf-8").split("\n")
        end = lines.index("---", 1)
        docs.append(("\n".join(lines[1:end]), 1))
    assert len(docs) > 20
    for text, offset in docs:
        fast = texts._parse_with_libyaml(text, Origin("x.yaml"), offset)
        assert fast is not None and repr(fast) == repr(texts._parse_in_python(text, Origin("x.yaml"), offset))
    for bad in ("name: [unclosed\n", "a: 1\na: *nowhere\n", "date: 2021-13-45\n", "x: " + "[" * 60 + "]" * 60):
        assert texts._parse_with_libyaml(bad, Origin("x.yaml"), 0) is None  # the pure-Python parser says why
        with pytest.raises(SourceError):
            texts.parse_yaml(bad, Origin("x.yaml"))


@pytest.mark.parametrize("cell", ["12.0", " 12.0 ", '"12.0"', '" -3.0"', "Industry 4.0", "4.0x", "v4.0", "1.05",
                                  "1" * 60 + ".0", '"Industry 4.0, 2nd ed"', '"12.0\n"'])
def test_a_number_excel_wrote_as_a_float_is_cleaned_whatever_else_the_file_holds(tmp_path, cell):
    """read_csv cleans a file's cells only if some cell may need it (noise, or a number like "12.0"):
    each value is what clean() makes of the cell, in the middle of a row and at its end."""
    import csv
    import io

    from pipeline.sources.tables import clean, read_csv

    text = f"id,name,note\nx,{cell},a\ny,b,{cell}\n"
    path = tmp_path / "examples.csv"
    path.write_text(text, encoding="utf-8")
    parsed = list(csv.reader(io.StringIO(text, newline="")))[1:]
    assert [list(r.values.values()) for r in read_csv(path).rows] == [[clean(v) for v in row] for row in parsed]
