"""A published edition is frozen: its lock, and the errors for any change that is not an erratum."""
from __future__ import annotations

import json
import subprocess
import sys

from pipeline.freeze import lock_data, lock_path
from pipeline.load import load
from tests.conftest import PROJECT, SHIPPED, edit


def invoke(*args):
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=PROJECT, capture_output=True, text=True)


def frozen(sources, tmp_path) -> tuple[int, str]:
    result = invoke("check", "--sources", str(sources), "--out", str(tmp_path))
    lines = [line.strip() for line in result.stdout.replace(str(sources), "sources").splitlines()]
    return result.returncode, "\n".join(lines)


def test_the_2021_edition_prints_today_exactly_what_it_printed_when_frozen():
    """The 2021 edition is reproducible for ever: every item, its place and its text, as locked."""
    locked = json.loads(lock_path(SHIPPED, "2021").read_text(encoding="utf-8"))
    now = lock_data(load(SHIPPED, edition="2021"))
    assert locked["edition"] == "2021" and now["items"] == locked["items"]
    assert len([k for k in locked["items"] if k.startswith("action:")]) == 40
    assert locked["items"]["citation:fi-media@resilience/value-chains/business-services"]["label"] == "Example: Example:"


def test_a_valid_country_changed_in_a_published_row_is_an_error(sources, tmp_path):
    edit(sources / "examples.csv", "circular-wallonia,Circular Wallonia,Belgium,", "circular-wallonia,Circular Wallonia,Austria,")
    code, out = frozen(sources, tmp_path)
    assert code == 1
    assert ("the 2021 edition changed: the country of 'Circular Wallonia' (example:circular-wallonia) is now "
            "'Austria', was 'Belgium' — add an erratum or a new edition") in out
    assert "at sources/examples.csv:4" in out


def test_an_action_moved_two_rows_swapped_and_a_recommendation_dropped_are_errors(sources, tmp_path):
    lines = (sources / "actions.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    lines[5] = lines[5].replace(",green,skills,networking,", ",green,skills,intelligence,")  # moved
    (sources / "actions.csv").write_text("".join(lines), encoding="utf-8")
    recs = (sources / "recommendations.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (sources / "recommendations.csv").write_text("".join(recs[:-1]), encoding="utf-8")  # r15 dropped
    cells = (sources / "cell_examples.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    cells[1], cells[2] = cells[2], cells[1]  # two examples of one cell printed in the other order
    (sources / "cell_examples.csv").write_text("".join(cells), encoding="utf-8")
    code, out = frozen(sources, tmp_path)
    assert code == 1
    assert "the cell of action:green-skills-networking-1 is now 'green/skills/intelligence', was 'green/skills/networking'" in out
    assert "recommendation:r15 is no longer printed" in out
    assert ("the place in its cell of 'Brussels Regional Programme for the Circular Economy' (citation:brussels-"
            "regional-programme-for-the-circular-economy@green/innovation/intelligence) is now '2', was '1'") in out
    assert "at sources/actions.csv:6" in out and "at sources/cell_examples.csv:3" in out


def test_errata_and_new_editions_are_the_way_to_change(sources, tmp_path):
    """The shipped corrected edition changes 10 things through errata: the 2021 lock still holds."""
    code, out = frozen(sources, tmp_path)
    assert code == 0 and "editions.frozen" not in out


def test_freeze_writes_only_published_editions_and_never_silently_rewrites(sources):
    result = invoke("freeze", "--sources", str(sources), "--edition", "2021-corrected")
    assert result.returncode == 2 and "in preparation: publish it first" in result.stderr
    same = invoke("freeze", "--sources", str(sources))
    assert same.returncode == 0 and "items of edition 2021" in same.stdout
    edit(sources / "examples.csv", "circular-wallonia,Circular Wallonia,Belgium,", "circular-wallonia,Circular Wallonia,Austria,")
    refused = invoke("freeze", "--sources", str(sources), "--edition", "2021")
    assert refused.returncode == 2 and "--force" in refused.stderr and "Traceback" not in refused.stderr
