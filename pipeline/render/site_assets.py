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
    """The bundled TTF cut to Latin and packed as WOFF2: ~25 KB instead of ~220 KB, same bytes every build.

    The cut depends on nothing the sources say (the font, FONT_UNICODES, the cutter's options and the
    versions of fontTools and brotli), yet costs ~0.15 s of CPU a font, mostly packing: it is made once per
    machine and kept in the user's cache (web_font_cache), under a key of all it depends on."""
    key = _cut_key(path.read_bytes())
    folder = web_font_cache()
    cached = folder / f"{key}.woff2" if folder else None
    if cached is not None:
        try:
            data = cached.read_bytes()
        except OSError:
            data = b""
        if _whole_woff2(data):
            return data
    data = _cut(path)
    if cached is not None:
        from ..outputs import keep_bytes

        keep_bytes(cached, data)  # an unwritable cache only costs the cut next time
    return data


CUT_OPTIONS = (("flavor", "woff2"), ("layout_features", ("*",)), ("name_IDs", ("*",)), ("notdef_outline", True))


def web_font_cache() -> Path | None:
    """Where cut web fonts are kept: $TOOLKIT_CACHE, else the user's cache folder (XDG); "" turns it off."""
    from ..paths import user_cache

    return user_cache("web-fonts")


def _cut_key(ttf: bytes) -> str:
    import hashlib

    import brotli
    import fontTools

    digest = hashlib.sha256(repr((CUT_OPTIONS, FONT_UNICODES, fontTools.version, brotli.__version__)).encode())
    digest.update(hashlib.sha256(ttf).digest())
    return digest.hexdigest()


def _whole_woff2(data: bytes) -> bool:
    """A WOFF2 file as written: its signature, and as many bytes as its header says (not torn, not empty)."""
    return len(data) > 48 and data[:4] == b"wOF2" and int.from_bytes(data[8:12], "big") == len(data)


def _cut(path: Path) -> bytes:
    import io

    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), recalcTimestamp=False)  # keep head.modified: reproducible bytes
    options = subset.Options()
    for name, value in CUT_OPTIONS:
        setattr(options, name, list(value) if isinstance(value, tuple) else value)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=FONT_UNICODES)
    subsetter.subset(font)
    font.flavor = "woff2"
    buffer = io.BytesIO()
    font.save(buffer, reorderTables=False)
    return buffer.getvalue()
