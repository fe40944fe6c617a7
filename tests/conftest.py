"""Shared fixtures: a private copy of the shipped sources that a test may edit freely."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
SHIPPED = PROJECT / "sources"
CHROMIUM = "/usr/bin/chromium"  # Debian's; Playwright's own browser download fails here


@pytest.fixture(scope="session")
def shipped():
    """The toolkit loaded from the shipped sources (read-only: do not mutate)."""
    from pipeline.load import load

    return load(SHIPPED)


@pytest.fixture
def sources(tmp_path) -> Path:
    """A copy of the shipped sources in a temporary folder."""
    target = tmp_path / "sources"
    shutil.copytree(SHIPPED, target)
    return target


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a source file, failing loudly if the text is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


VERIFIED = dict(status="verified", verified_by="A. Editor", verified_on="2026-11-30",
                verified_source="the 2021 PDF as printed (EISMEA archive copy)")


def verify_all(tk):
    """The toolkit as it is once an editor has verified every reconstructed item (model level)."""
    from dataclasses import fields, is_dataclass, replace

    from pipeline.provenance import Provenance

    done = Provenance(**VERIFIED)

    def fix(record):
        if not is_dataclass(record) or not hasattr(record, "provenance"):
            return record
        changes = {}
        if record.provenance.unverified:
            changes["provenance"] = done
        if getattr(record, "field_provenance", None):
            changes["field_provenance"] = {k: done if p.unverified else p for k, p in record.field_provenance.items()}
        return replace(record, **changes) if changes else record

    out = replace(tk)
    for f in fields(out):
        value = getattr(out, f.name)
        if isinstance(value, list):
            setattr(out, f.name, [fix(r) for r in value])
    tx = out.taxonomy
    out.taxonomy = replace(tx, **{n: tuple(fix(t) for t in getattr(tx, n))
                                  for n in ("priorities", "challenges", "functions", "areas")})
    out.document, out.event = fix(out.document), fix(out.event)
    return out


def verify_sources(folder: Path) -> None:
    """Mark every reconstructed item of a copy of the sources as verified (source level, as an editor would)."""
    import csv
    import re

    for path in folder.glob("*.csv"):
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        if not rows or "status" not in rows[0]:
            continue
        columns = list(rows[0]) + [c for c in ("verified_by", "verified_on", "verified_source") if c not in rows[0]]
        for row in rows:
            if row["status"] == "reconstructed":
                row.update(VERIFIED)
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    for path in list(folder.glob("*.yaml")) + list((folder / "text").glob("*.md")):
        text = path.read_text(encoding="utf-8")

        def verified(m):
            indent, prefix = m.group(1), m.group(2)
            return "".join(f"{indent}{prefix}{k}: \"{v}\"\n" for k, v in VERIFIED.items())

        new = re.sub(r"^( *-? *)(\w*?)status: reconstructed\n(?: *\w*status_reason: .*\n)?", verified, text, flags=re.M)
        if new != text:
            path.write_text(new, encoding="utf-8")


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium, one per test module."""
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        yield browser
        browser.close()
