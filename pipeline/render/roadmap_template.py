"""Writes templates/roadmap.docx: the Word template of the consultants' roadmap, with docxtpl tags.

    .venv/bin/python -m pipeline.render.roadmap_template

The .docx is the thing people restyle (in Word: Design > Fonts/Colours, Modify Style, Table Design);
this script only makes the first version reproducibly. Once someone has restyled the .docx in Word,
do not run it again unless you mean to start over. Every look is a named style, never direct formatting,
so restyling one style changes every place that uses it:

    paragraph styles  Title-like "Cover Kicker", "Cover Title", "Cover Region", "Cover Country";
                      "Heading 1-3", "Normal", "Intro", "Fill-in Note", "Hint", "Table Text", "List Bullet"
    character style   "Hyperlink"
    table styles      "Roadmap Table" (toolkit content), "Roadmap Fill-in Table" (blank, for the consultant),
                      "Roadmap Cover" (the coloured block on the cover)

The tags (the README lists every variable) are plain text in the document: `{{ region }}`,
`{{r ... }}` for rich text (links), `{%p ... %}` paragraph and `{%tr ... %}` table-row loops.
The document is marked as ours by the custom property MARKER_PROPERTY, which `invoke harvest` checks.
"""
from __future__ import annotations

from ..paths import TEMPLATES
from .docx_styles import (FILL_IN, FONT, add_field, add_styles, add_table, cell_text, loop_rows, shade,
                          tag_paragraph, wtag)

TEMPLATE = TEMPLATES / "roadmap.docx"
MARKER_PROPERTY = "CPT_Roadmap"  # custom document property: "this is one of our roadmaps"
MARKER_VALUE = "cluster-policy-toolkit-roadmap/1"


# The consultant's blank tables: (heading, intro, columns with widths in cm, blank rows).
FILL_IN_TABLES = (
    ("4.1 Stakeholder engagement",
     "Who takes part, in what role, and what each has committed to.",
     (("Organisation", 5.0), ("Role in the roadmap", 6.0), ("Commitment", 6.0)), 6),
    ("4.2 Governance",
     "The bodies and mechanisms that steer the roadmap and take decisions.",
     (("Body or mechanism", 4.2), ("Members", 4.4), ("Responsibilities", 5.0), ("Meets / decides how", 3.4)), 4),
    ("4.3 Resources",
     "What the roadmap needs and who pays for it.",
     (("Item", 6.0), ("Source of funding", 5.0), ("Amount (EUR)", 3.0), ("Period", 3.0)), 5),
    ("4.4 Action plan",
     "The specific actions, who leads them, when, and how success is measured.",
     (("Action", 4.6), ("Lead", 2.6), ("Start", 1.9), ("End", 1.9), ("Indicator", 3.2), ("Target", 2.8)), 6),
    ("4.5 Monitoring and assessment",
     "How progress is followed and assessed over time.",
     (("Indicator", 4.6), ("Baseline", 3.0), ("Target", 3.0), ("Frequency", 3.0), ("Owner", 3.4)), 5),
)

# The table `invoke harvest` reads back. It is found by these header words, not by its place. It sits on a
# landscape page (25.7 cm of text width) whose column widths fit every header word and every drop-down item
# whole in Open Sans 8.5 pt bold (tests/test_roadmap_template.py measures them).
PROPOSALS_HEADING = "5. New examples and actions you propose"
PROPOSALS_COLUMNS = (("Kind (example or action)", 2.8, "kind"),
                     ("Name of the example, or text of the action", 5.7, "name"),
                     ("Country", 2.3, "country"), ("Link (web address)", 4.0, "link"),
                     ("Priority", 2.9, "priority"), ("Challenge", 3.2, "challenge"),
                     ("Function", 2.8, "function"), ("Note", 2.0, "note"))  # 25.7 cm
PROPOSAL_ROWS = 6
CHOICES = ("kind", "priority", "challenge", "function")  # the columns with drop-down content controls

# -- the document ----------------------------------------------------------------------------------

def _cover(document) -> None:
    from docx.shared import Cm

    block = add_table(document, "RoadmapCover", [17.0], 1, header=False)
    cell = block.rows[0].cells[0]
    cell_text(cell, "Cluster Policy Toolkit · Phase 4 · Developing a roadmap", "Cover Kicker")
    for text, style in (("Cluster policy roadmap", "Cover Title"), ("{{ region }}", "Cover Region"),
                        ("{{ country or '' }}", "Cover Country")):
        cell.add_paragraph(text, style=style)
    block.rows[0].height = Cm(6.2)

    document.add_paragraph("", style="Normal")
    rows = (("Region", "{{ region }}"), ("Country", "{{ country or '–' }}"),
            ("Thematic priorities (phase 1)", "{{ choices.priorities }}"),
            ("Strategic challenges (phase 2)", "{{ choices.challenges }}"),
            ("Cluster functions (phase 3)", "{{ choices.functions }}"),
            ("Contact", "{{ contact or '–' }}"),
            ("Prepared from", "{{ source.series }}: {{ source.title }} (edition {{ source.edition }})"),
            ("Toolkit edition date", "{{ source.date }}"))
    details = add_table(document, "RoadmapTable", [5.0, 12.0], len(rows), header=False, first_column=True)
    for row, (label, value) in zip(details.rows, rows):
        cell_text(row.cells[0], label)
        cell_text(row.cells[1], value)

    document.add_paragraph("How to use this roadmap", style="Heading 3")
    for text in (
        "Sections 1–3 are pre-filled from the choices you made in phases 1–3 of the toolkit: your thematic "
        "priorities, strategic challenges and cluster functions, the policy actions the toolkit proposes "
        "for them with their examples, and the Expert Group recommendations those actions serve.",
        "Section 4 is yours: the tables marked “To be completed” are blank. Add or delete rows as you need.",
        "Section 5 collects new examples and actions you know of. They are read back into the toolkit, so "
        "keep that table's header row as it is; everything else can be restyled freely.",
    ):
        document.add_paragraph(text, style="List Bullet")
    document.add_paragraph("The policy actions, examples and recommendations are reproduced from "
                           "{{ source.series }}: {{ source.title }}. {{ source.copyright }}.", style="Hint")
    document.add_page_break()


def _choices(document) -> None:
    document.add_paragraph("1. Your choices (phases 1–3)", style="Heading 1")
    document.add_paragraph(
        "The toolkit works through three choices before the roadmap: which transition to support, which "
        "strategic challenges to address, and which cluster functions to use. Write down why.", style="Intro")
    table = add_table(document, "RoadmapTable", [4.2, 5.8, 7.0], 4, first_column=True)
    for cell, text in zip(table.rows[0].cells, ("Phase", "Your choice", "Why (to be completed)")):
        cell_text(cell, text)
    for row, (phase, value) in zip(table.rows[1:], (
            ("1 · Thematic priorities", "{{ choices.priorities }}"),
            ("2 · Strategic challenges", "{{ choices.challenges }}"),
            ("3 · Cluster functions", "{{ choices.functions }}"))):
        cell_text(row.cells[0], phase)
        cell_text(row.cells[1], value)
        cell_text(row.cells[2], "")
        shade(row.cells[2], FILL_IN)


def _actions(document) -> None:
    document.add_paragraph("2. Policy actions and examples from the toolkit", style="Heading 1")
    document.add_paragraph(
        "Every policy action the toolkit proposes for your choices, by cluster function, with the examples "
        "it cites. The example names are links to their web pages.", style="Intro")
    tag_paragraph(document, "{%p for group in groups %}")
    document.add_paragraph("{{ group.title }}", style="Heading 2")
    document.add_paragraph("Source: Table {{ group.table_number }} of the toolkit, {{ group.table_title }}.",
                           style="Hint")
    table = add_table(document, "RoadmapTable", [3.0, 8.6, 5.4], 4, first_column=True)
    for cell, text in zip(table.rows[0].cells, ("Cluster function", "Policy actions", "Examples")):
        cell_text(cell, text)
    loop_rows(table, "{%tr for row in group.rows %}", "{%tr endfor %}",
               ["{{ row.function }}", "{{r row.actions }}", "{{r row.examples }}"])
    tag_paragraph(document, "{%p endfor %}")


def _recommendations(document) -> None:
    document.add_paragraph("3. Recommendations of the Expert Group these actions serve", style="Heading 1")
    document.add_paragraph(
        "The European Expert Group on Clusters' recommendations (Table {{ recommendations_table }} of the "
        "toolkit) whose actions appear in section 2.", style="Intro")
    tag_paragraph(document, "{%p if recommendations %}")
    table = add_table(document, "RoadmapTable", [1.6, 11.0, 4.4], 4)
    for cell, text in zip(table.rows[0].cells, ("No.", "Recommendation", "Area")):
        cell_text(cell, text)
    loop_rows(table, "{%tr for rec in recommendations %}", "{%tr endfor %}",
               ["{{ rec.number }}", "{{ rec.title }}", "{{ rec.area }}"])
    tag_paragraph(document, "{%p else %}")
    document.add_paragraph("None of the actions in section 2 appears in the Expert Group's recommendations.",
                           style="Normal")
    tag_paragraph(document, "{%p endif %}")


def _fill_in(document) -> None:
    # No page break before it: a forced break left a page holding only the last rows of section 3.
    # Its heading keeps with the next paragraph, and table rows are never cut in two.
    document.add_paragraph("4. Your roadmap (phase 4)", style="Heading 1")
    document.add_paragraph(
        "An action plan for {{ region }}: a stakeholder engagement strategy, a governance mechanism, resource "
        "planning, specific actions, and ongoing monitoring and assessment.", style="Intro")
    for heading, intro, columns, blank_rows in FILL_IN_TABLES:
        document.add_paragraph(heading, style="Heading 2")
        document.add_paragraph(f"✎ To be completed by you. {intro} Add or delete rows as you need.",
                               style="Fill-in Note")
        table = add_table(document, "RoadmapFillinTable", [w for _, w in columns], blank_rows + 1,
                       min_height_cm=0.75)
        for cell, (text, _) in zip(table.rows[0].cells, columns):
            cell_text(cell, text)
        for row in table.rows[1:]:
            for cell in row.cells:
                cell_text(cell, "")


def _choices_of(column: str) -> list[tuple[str, str]]:
    """(shown text, value) of a drop-down: the kinds, or the taxonomy's labels and ids."""
    from ..load_yaml import load_taxonomy
    from ..paths import PROJECT
    from ..sources.texts import read_yaml

    if column == "kind":
        return [("Example", "example"), ("Action", "action")]
    taxonomy = load_taxonomy(read_yaml(PROJECT / "sources" / "taxonomy.yaml"))  # the shipped one
    plural = {"priority": "priorities", "challenge": "challenges", "function": "functions"}[column]
    return [(t.label, t.id) for t in getattr(taxonomy, plural)]


def _landscape_section(document) -> None:
    """A new page in landscape for the proposals table (the header and footer follow the first section's)."""
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.shared import Cm

    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)


def _proposals(document) -> None:
    from .docx_controls import drop_down, placeholder_style

    _landscape_section(document)
    placeholder_style(document)
    document.add_paragraph(PROPOSALS_HEADING, style="Heading 1")
    document.add_paragraph(
        "The toolkit is a dynamic toolkit: it grows with the examples and actions its users know of. "
        "Add one row per proposal. An example is a programme, project or organisation that shows an action "
        "at work (give its name, country and web address); an action is something policymakers can do "
        "through clusters (give its text).", style="Intro")
    document.add_paragraph("✎ To be completed by you. Keep this table's header row: your proposals are read "
                           "back from it. Choose kind, priority, challenge and function from their lists; "
                           "add rows as you need.", style="Fill-in Note")
    table = add_table(document, "RoadmapFillinTable", [w for _, w, _ in PROPOSALS_COLUMNS], PROPOSAL_ROWS + 1,
                   min_height_cm=0.9)
    for cell, (text, _, _) in zip(table.rows[0].cells, PROPOSALS_COLUMNS):
        cell_text(cell, text)
    control_id = 7001
    for row in table.rows[1:]:
        for cell, (text, _, column) in zip(row.cells, PROPOSALS_COLUMNS):
            cell_text(cell, "")
            if column in CHOICES:
                drop_down(cell.paragraphs[0], control_id, text.split(" (")[0], f"cpt-{column}", _choices_of(column))
                control_id += 1
    document.add_paragraph(
        "Priority: {{ allowed.priorities }}. Challenge: {{ allowed.challenges }}. "
        "Function: {{ allowed.functions }}. Leave a cell empty when it does not apply.", style="Hint")


def _header_footer(document) -> None:
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.shared import Cm

    section = document.sections[0]
    section.different_first_page_header_footer = True  # the cover has neither
    header = section.header.paragraphs[0]
    header.style = "Header"
    header.text = "Cluster policy roadmap · {{ region }}"
    footer = section.footer.paragraphs[0]
    footer.style = "Footer"
    footer.paragraph_format.tab_stops.add_tab_stop(Cm(17.0), WD_TAB_ALIGNMENT.RIGHT)
    footer.add_run("{{ source.series }}: {{ source.short_title }} · edition {{ source.edition }}\tPage ")
    add_field(footer, "PAGE")
    footer.add_run(" of ")
    add_field(footer, "NUMPAGES")


def _page(document) -> None:
    from docx.shared import Cm

    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    section.header_distance = section.footer_distance = Cm(1.0)


def _custom_properties(document) -> None:
    """docProps/custom.xml with the marker `invoke harvest` looks for (Word keeps it on every save)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    xml = custom_properties_xml({MARKER_PROPERTY: MARKER_VALUE, "CPT_Region": "", "CPT_Country": ""})
    part = Part(PackURI("/docProps/custom.xml"), CUSTOM_PROPERTIES_TYPE, xml, document.part.package)
    document.part.package.relate_to(part, RT.CUSTOM_PROPERTIES)


CUSTOM_PROPERTIES_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"


def custom_properties_xml(values: dict[str, str]) -> bytes:
    """The custom properties part; values are XML-escaped here."""
    from xml.sax.saxutils import escape

    props = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{pid}" name="{escape(name)}">'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(values.items(), start=2))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            f"{props}</Properties>").encode("utf-8")


def _drop_leftovers(document) -> None:
    """python-docx's stock template ships a thumbnail of itself, a second styles part and an empty paragraph."""
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del package.rels[rel_id]
    for rel_id, rel in list(document.part.rels.items()):  # Word 2010's duplicate of styles.xml
        if rel.reltype.endswith("/stylesWithEffects"):
            del document.part.rels[rel_id]
    settings = document.settings.element
    for child in list(settings):
        if child.tag == wtag("savePreviewPicture"):
            settings.remove(child)
    body = document.element.body
    for p in list(body)[:1]:
        if p.tag == wtag("p") and not "".join(p.itertext()).strip():
            body.remove(p)


def build_template() -> bytes:
    """The template's bytes (same code -> same bytes, see pipeline.render.roadmaps.package_bytes)."""
    import datetime as dt

    import docx

    from .docx_fonts import embed_font
    from .roadmaps import package_bytes

    document = docx.Document()
    _drop_leftovers(document)
    add_styles(document)
    _page(document)
    _cover(document)
    _choices(document)
    _actions(document)
    _recommendations(document)
    _fill_in(document)
    _proposals(document)
    _header_footer(document)
    _custom_properties(document)
    embed_font(document, FONT)
    props = document.core_properties
    fixed = dt.datetime(2021, 11, 22, tzinfo=dt.timezone.utc)
    props.author, props.last_modified_by = "Cluster Policy Toolkit", "Cluster Policy Toolkit"
    props.title = "Cluster policy roadmap"
    props.subject = "Phase 4 of the Cluster Policy Toolkit: developing a roadmap"
    props.keywords, props.comments, props.category = "clusters; roadmap; policy toolkit", "", "Roadmap template"
    props.created = props.modified = fixed
    props.last_printed = fixed
    props.revision = 1
    return package_bytes(document.part.package, fixed.date())


def main(argv: list[str] | None = None) -> int:
    """Write the template; refuse to overwrite one that was restyled in Word unless --force."""
    import sys

    from ..outputs import atomic_write_bytes

    argv = sys.argv[1:] if argv is None else argv
    data, name = build_template(), TEMPLATE.relative_to(TEMPLATE.parent.parent)
    if TEMPLATE.exists() and TEMPLATE.read_bytes() == data:
        print(f"{name} is up to date")
        return 0
    if TEMPLATE.exists() and "--force" not in argv:
        print(f"error: {name} differs from what this script generates (restyled in Word?); "
              "rerun with --force to replace it", file=sys.stderr)
        return 2
    atomic_write_bytes(TEMPLATE, data)
    print(f"wrote {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
