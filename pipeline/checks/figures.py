"""Figure data is input like any other: the check draws every figure and reports what cannot be drawn.

Without this rule, bad data in figures.yaml (a number where a list belongs, an unknown kind, a label
too long for its box) passed the check and failed the build later, in the middle of rendering.
"""
from __future__ import annotations

from ..errors import SourceError
from ..model import Toolkit
from ..report import ERROR
from . import finding, rule


@rule("figures.data", ERROR, "every figure in figures.yaml can be drawn from its data")
def drawable(toolkit: Toolkit):
    from ..render.figures import render_svg  # SVG geometry only: no WeasyPrint, no browser

    for figure in toolkit.figures:
        try:
            render_svg(figure)
        except SourceError as exc:
            yield finding(f"figure:{figure.id}", exc.message, [exc.origin])
        except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
            yield finding(f"figure:{figure.id}", f"figure '{figure.id}' ({figure.kind}): its data does not have "
                          f"the shape this kind needs ({type(exc).__name__}: {exc})", [figure.origin],
                          "compare it with a figure of the same kind in figures.yaml")
