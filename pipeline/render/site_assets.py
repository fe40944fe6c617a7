"""The web tool's static assets: stylesheet, script, icon, and Open Sans cut to Latin as WOFF2."""
from __future__ import annotations

from pathlib import Path

from ..paths import TEMPLATES

TEMPLATE_FOLDER = "site"
FONTS = {"OpenSans-Regular.ttf": "open-sans-400.woff2", "OpenSans-Semibold.ttf": "open-sans-600.woff2",
         "OpenSans-Bold.ttf": "open-sans-700.woff2"}
# Latin with its extensions, combining marks, punctuation, euro and trade marks: every example name so far.
FONT_UNICODES = [*range(0x20, 0x250), *range(0x300, 0x370), *range(0x1E00, 0x1F00), *range(0x2000, 0x2070),
                 0x20AC, 0x2122, 0x2192, 0x2197]


def asset_names() -> list[str]:
    return ["site.css", "site.js", "favicon.svg", "propose.css", "propose.js", *(f"fonts/{n}" for n in FONTS.values()), "fonts/LICENSE.txt"]


def assets() -> dict[str, bytes]:
    folder = TEMPLATES / TEMPLATE_FOLDER / "assets"
    files = {name: (folder / name).read_bytes() for name in ("site.css", "site.js", "favicon.svg", "propose.css",
                                                              "propose.js")}
    for ttf, woff2 in FONTS.items():
        files[f"fonts/{woff2}"] = web_font(TEMPLATES / "fonts" / ttf)
    files["fonts/LICENSE.txt"] = (TEMPLATES / "fonts" / "LICENSE-OpenSans.txt").read_bytes()
    return files


def web_font(path: Path) -> bytes:
    """The bundled TTF cut to Latin and packed as WOFF2: ~25 KB instead of ~220 KB, same bytes every build."""
    import io

    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), recalcTimestamp=False)  # keep head.modified: reproducible bytes
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=FONT_UNICODES)
    subsetter.subset(font)
    font.flavor = "woff2"
    buffer = io.BytesIO()
    font.save(buffer, reorderTables=False)
    return buffer.getvalue()
