"""Run `pdfua check` (PyPI pdfua: PDF/UA-1's machine-checkable rules, pikepdf-based, no JVM) on a PDF."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def pdfua_problems(path: Path) -> list[str]:
    """Every error and warning pdfua reports for the file, one line each ([] when it passes)."""
    run = subprocess.run([sys.executable, "-m", "pdfua", "check", "--format", "json", str(path)],
                         capture_output=True, text=True)
    assert run.returncode != 4 and run.stdout, run.stderr  # 4: not readable as a PDF
    data = json.loads(run.stdout)
    reports = data if isinstance(data, list) else [data]
    return [f"{Path(r['file']).name}: {f['rule_id']} {f['severity']} {f.get('location', '')}: {f['message'][:140]}"
            for r in reports for f in r["findings"] if f["severity"] in ("error", "warning")]


def figure_alts_in(pdf: Path) -> list[str]:
    """The /Alt of every /Figure in the PDF's structure tree, in reading order."""
    import pikepdf

    alts = []
    with pikepdf.open(pdf) as document:
        stack = [document.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if node.get("/S") == "/Figure":
                alts.append(str(node.get("/Alt", "")))
            kids = node.get("/K")
            kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
            stack.extend(k for k in reversed(kids) if isinstance(k, pikepdf.Dictionary))
    return alts
