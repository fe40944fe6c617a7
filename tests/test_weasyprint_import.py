"""WeasyPrint imported with one `ldconfig -p` listing instead of the standard library search per name
(pipeline/render/weasyprint_import.py): the same libraries loaded, far fewer processes spawned, and the
standard search used again, quietly, when the first import fails."""
from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import PROJECT

PROBE = """
import ctypes.util, json, subprocess, sys
from pipeline.render import weasyprint_import
spawned = []
real_popen_init = subprocess.Popen.__init__
def counting(self, args, *a, **k):
    spawned.append(args[0] if isinstance(args, (list, tuple)) else args)
    return real_popen_init(self, args, *a, **k)
subprocess.Popen.__init__ = counting
class FailsOnce:  # the first import fails as on a system whose libraries only the linker finds
    failed = []
    def find_spec(self, name, path=None, target=None):
        if name == "weasyprint.text.ffi" and not self.failed:
            self.failed.append(name)
            print("WeasyPrint could not import some external libraries")
            raise OSError("cannot load library 'libpango-1.0-0'")
if sys.argv[1] == "fails-once":
    sys.meta_path.insert(0, FailsOnce())
standard = ctypes.util.find_library
if sys.argv[1] == "plain":
    import weasyprint
else:
    weasyprint_import.import_weasyprint()
from weasyprint.text import ffi
import weasyprint
print(json.dumps({"libraries": {n: str(getattr(ffi, n, None) is not None) for n in
                                ("gobject", "pango", "harfbuzz", "harfbuzz_subset", "harfbuzz_vector",
                                 "fontconfig", "pangoft2")},
                  "spawned": len(spawned), "restored": ctypes.util.find_library is standard,
                  "again": weasyprint_import.import_weasyprint() is weasyprint,
                  "renders": weasyprint.HTML(string="<p>x</p>").write_pdf()[:5].decode()}))
"""


def _probe(mode: str) -> tuple[dict, str]:
    run = subprocess.run([sys.executable, "-c", PROBE, mode], cwd=PROJECT, capture_output=True, text=True,
                         check=True)
    lines = run.stdout.strip().splitlines()
    return json.loads(lines[-1]), "\n".join(lines[:-1])


def test_weasyprint_loads_the_same_libraries_with_one_listing():
    plain, _ = _probe("plain")
    listed, said = _probe("listed")
    assert listed["libraries"] == plain["libraries"]  # what the standard search finds, found
    assert listed["spawned"] == 1 < plain["spawned"]  # one `ldconfig -p`, not ldconfig, gcc, ld per miss
    assert listed["restored"] and listed["again"] and listed["renders"] == "%PDF-"
    assert said == ""


def test_a_failed_first_import_is_done_again_with_the_standard_search_quietly():
    retried, said = _probe("fails-once")
    assert retried["restored"] and retried["again"] and retried["renders"] == "%PDF-"
    assert retried["spawned"] > 1  # the standard search ran, after the listing's one
    assert said == ""  # WeasyPrint's install advice, printed before it raised, is not shown
