"""Fitting a handout to its page limit: the largest type, and for crowded cells the most examples, whose
real WeasyPrint layout stays within the limit; if even MIN_FONT_PT does not fit, the build stops and says
which handout is too long.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import NamedTuple

from markupsafe import Markup

from .. import hints
from ..errors import PipelineError
from ..paths import TEMPLATES
from . import fit_guess
from .cell_fill import (PROBE_CAP, SHORT_CAP, all_overflow, capped, choose, measure, probe_paper, probe_shown,
                        whole_counts)
from .common import font_face_css, jinja_env, layout_html, layout_pdf, render_pdf
from .font_steps import Trial, first_fitting, page_fill
from .handout_page import SAFE_MARGIN_MM, TEMPLATE_FOLDER, Kind
from .handout_qr import QR_SIZE_MM, qr_alt, qr_code, qr_image, qr_size_mm, qr_svg
from .layout_memo import Memo, key as memo_key_of
from .overflow import cell_page, first_examples, more_address, recommendation_page
from .printed import label_once, printed_url

Limit = int | dict[str, int] | None  # examples per cell: the same for all, per cell, or all of them
MIN_FONT_PT = 7.5  # nothing printed smaller: legible at arm's length on a workshop table
# candidate body sizes, largest first, in quarter points: a fitted table fills its page as far as it can
FONT_STEPS_PT = tuple(11.0 - 0.25 * i for i in range(int((11.0 - MIN_FONT_PT) / 0.25) + 1))
DEFAULT_PT = 9.5  # body size of the handouts without a page limit
# Crowded handouts (hundreds of examples): every cell shows the same number of examples, the most that
# fit at CROWDED_PT, then "and N more" with a QR code to the cell's page of the web tool (overflow.py).
# The smallest size we print: a cell showing its first examples at 7.5 pt serves the reader better than
# a cell showing none at 8 pt (at 250 examples, 8 pt left room for no example at all).
CROWDED_PT = MIN_FONT_PT
# The recommendations sheet's "and N more" codes (one per recommendation, beside its title): a version-3
# code (27-character site address) with modules of 0.44 mm, where 22 mm codes left no room for a first
# example per function at 2,500 examples. (Modules of 0.44 mm read at 100 dpi in 476 of 480 random
# placements, the matrices' 0.6 mm in all: handout_qr.py.)
REC_QR_MM = 16.3
FULL_LAYOUT_MAX = 120  # more examples than this on one handout: do not even try to lay them all out
# A matrix of more examples than this is probed first (cell_fill.py): at 250 examples (77-99 a matrix)
# the probes prove that everything cannot fit, and the layout of everything at 7.5 pt (~0.5 s, 3 pages)
# is not made; the shipped matrices (17-22) fit whole at 8-9.5 pt, and everything is tried first
PROBE_FIRST = 48


@lru_cache(maxsize=1)
def _environment():
    """One Jinja environment per process: a crowded handout renders its HTML for every trial layout, and
    a new environment compiled the templates again each time."""
    env = jinja_env(TEMPLATE_FOLDER, qr_svg=qr_svg, qr_image=qr_image, qr_print_mm=lambda link: qr_size_mm(qr_code(link)),
                    qr_standard_mm=QR_SIZE_MM, font_faces=Markup(font_face_css()),
                    min_font_pt=MIN_FONT_PT, safe_margin_mm=SAFE_MARGIN_MM, cell_page=cell_page,
                    recommendation_page=recommendation_page, more_address=more_address,
                    rec_qr_mm=REC_QR_MM)
    env.filters.update(label_once=label_once, printed_url=printed_url)
    return env


def _html(kind: Kind, context: dict, font_pt: float, limit: Limit = None,
          alts: list[str] | None = None, probe: bool | int = False) -> str:
    """The handout's HTML; `limit`: how many examples each cell shows before "and N more" (None: all; a
    dict: per cell of a priority matrix, by its data-cell key); `probe`: cell_fill.py's measuring layout
    (an int: the number of examples it lists of a cell holding more than PROBE_CAP).

    `alts` collects the alternative text of every QR code drawn, in drawing order (= the PDF's reading
    order), for pdftags.py to put on the /Figure elements WeasyPrint leaves without one.
    """
    def shown(examples, cell=None):
        if probe:
            return probe_shown(examples, PROBE_CAP if probe is True else probe)
        if isinstance(limit, dict):
            return first_examples(None, examples, limit.get(f"{cell.challenge.id} {cell.function.id}"))
        return first_examples(None, examples, limit)

    if probe:
        context = {**context, "paper": probe_paper(context["paper"])}

    def recorded_qr(link: str, size_mm: float | None = None, name: str = "", compact: bool = False) -> Markup:
        svg = qr_svg(link, size_mm, name, compact)
        if svg and alts is not None:
            alts.append(qr_alt(name, link))
        return svg

    return _environment().get_template(kind.template).render(**context, font_pt=font_pt, shown=shown,
                                                              qr_svg=recorded_qr)


def example_lists(context: dict) -> list[tuple]:
    """The example lists of every cell a crowded handout prints."""
    if context["kind"] == "priority":
        return [cell.examples for row in context["rows"] for cell in row["cells"]]
    if context["kind"] == "recommendations":
        return [cell.examples for area in context["areas"] for item in area["recommendations"]
                for cell in item["cells"]]
    return []


def _layout(html: str, source: str):
    """WeasyPrint's layout of the handout (a weasyprint.Document; no PDF written), as render_pdf makes it."""
    return layout_html(html, TEMPLATES / TEMPLATE_FOLDER, source=source, shared_css=True)


class Trials:
    """The real layouts one handout's fitting makes: each HTML tried is laid out once (its page count and
    fill remembered), and the layout of the last one that fitted is kept, so that the PDF of the size
    chosen is written from it (common.layout_pdf: the same bytes) rather than laid out again."""

    def __init__(self, kind: Kind, source: str, memo: Memo | None = None):
        self.kind, self.source = kind, source
        self.seen: dict[str, Trial] = {}
        self.kept: tuple[str, object] | None = None  # (key of its HTML, its layout)
        self.memo = memo  # what the last build's layouts of the same HTML said (layout_memo.py)

    def trial(self, html: str) -> Trial:
        key = hashlib.sha256(html.encode("utf-8")).hexdigest()
        if key not in self.seen:
            limit = self.kind.max_pages
            memo_key = memo_key_of("trial", html, limit) if self.memo else ""
            known = self.memo.get(memo_key) if self.memo else None
            if isinstance(known, list) and len(known) == 2:
                self.seen[key] = Trial(bool(known[0]), float(known[1]))
                return self.seen[key]
            document = _layout(html, self.source)
            fits = limit is None or len(document.pages) <= limit
            self.seen[key] = Trial(fits, page_fill(document, limit) if limit else 0.0)
            if self.memo:
                self.memo.put(memo_key, list(self.seen[key]))
            if fits:
                self.kept = (key, document)
        return self.seen[key]

    def made(self, html: str) -> Trial | None:
        """The trial of this HTML if one was made already (or the memo knew it), else None: no layout."""
        return self.seen.get(hashlib.sha256(html.encode("utf-8")).hexdigest())

    def fits(self, html: str) -> bool:
        return self.trial(html).fits

    def take(self, html: str):
        """The kept layout if it is that of exactly this HTML (else None), given up by the fitting."""
        kept, self.kept = self.kept, None
        if kept and kept[0] == hashlib.sha256(html.encode("utf-8")).hexdigest():
            return kept[1]
        return None


class DoesNotFit(PipelineError):
    """A handout's content does not fit its page limit even at the smallest type."""


def fit_layout(kind: Kind, context: dict, source: str, trials: Trials | None = None) -> tuple[float, Limit]:
    """(font size, examples per cell) of a handout: everything if it fits, else the crowded design.

    Crowded priority matrix: at CROWDED_PT, each cell shows as many examples as its row and the page have
    room for (cell_fill.py: two measuring layouts, one to check). A matrix of more than PROBE_FIRST
    examples is measured first, and when the measured rows prove that everything cannot fit at the
    smallest type, everything is not laid out to find that out. Otherwise, and if that check fails: the
    largest number of examples per cell, the same in every cell, that fits at MIN_FONT_PT, then the
    largest font that fits with that number. The number is searched upwards from 1 (0 where 1 does not
    fit: then whether anything fits is checked), not by bisection:
    rows never break across pages (break-inside: avoid), so one more example can cost a page and two
    more fit again.
    """
    trials = trials or Trials(kind, f"handout '{source}'")
    lists = example_lists(context) if kind.crowded else []
    total = sum(map(len, lists))
    probed = None  # a crowded matrix's probes, made before trying everything when it holds many examples
    if context["kind"] == "priority" and PROBE_FIRST < total <= FULL_LAYOUT_MAX:
        probed = fill_cells(kind, context, source, trials)
    if not kind.crowded or (total <= FULL_LAYOUT_MAX and not (probed and probed.all_overflow)):
        try:
            return fit_font(kind, context, source, trials=trials), None
        except DoesNotFit:
            if not kind.crowded:
                raise
    if context["kind"] == "priority":
        probed = probed or fill_cells(kind, context, source, trials)
        if probed.limits and trials.fits(_html(kind, context, CROWDED_PT, probed.limits)):  # checked
            return CROWDED_PT, probed.limits
    most = max(map(len, lists), default=0)

    def fits(limit: int) -> bool:
        return trials.fits(_html(kind, context, CROWDED_PT, limit))

    # one example a cell is tried first: where it fits, the layout without examples (~0.8 s for the
    # recommendations sheet at 2,500 examples) was only made to say what does not fit
    limit = 1 if most and fits(1) else 0
    if not limit and not fits(0):  # says what does not fit, even without examples
        return fit_font(kind, context, source, limit=0, trials=trials), 0
    while limit < most and fits(limit + 1):
        limit += 1
    return fit_font(kind, context, source, limit=limit, floor_pt=CROWDED_PT, trials=trials), limit


class Probed(NamedTuple):
    limits: dict[str, int] | None  # examples per cell the probes chose (to be checked by a layout), or None
    all_overflow: bool  # the probes prove that every example of every cell cannot fit (cell_fill.py)


def fill_cells(kind: Kind, context: dict, source: str, trials: Trials) -> Probed:
    """Examples shown per cell of a crowded matrix as its probes choose them (cell_fill.py; None if not
    even the actions fit), and whether they prove that showing them all cannot fit one page."""
    probe_html = _html(kind, context, CROWDED_PT, probe=SHORT_CAP)
    counts = {f"{row['challenge'].id} {cell.function.id}": len(cell.examples)
              for row in context["rows"] for cell in row["cells"]}
    paper = context["paper"]
    whole = whole_counts(counts)
    whole_html = "" if whole is None else _html(kind, {**context, "paper": probe_paper(paper)}, CROWDED_PT, whole)
    bottom = paper["margins_mm"][0] + paper["content_height_mm"]
    memo_key = memo_key_of("probe", probe_html, whole_html, counts, bottom)
    known = trials.memo.get(memo_key) if trials.memo else None
    if isinstance(known, dict) and "limits" in known and "all_overflow" in known:  # the same probes as
        limits, overflow = known["limits"], bool(known["all_overflow"])  # the last build: the same answers
    else:
        whole_layout = _layout(whole_html, source) if whole_html else None
        measured = measure(_layout(probe_html, source), counts, bottom, whole_layout)
        limits = choose(measured)
        if capped(measured, limits):  # a short-listed cell may show more: measure the longer lists
            measured = measure(_layout(_html(kind, context, CROWDED_PT, probe=True), source), counts, bottom,
                               whole_layout)
            limits = choose(measured)
        overflow = all_overflow(measured)
        if trials.memo:
            trials.memo.put(memo_key, {"limits": limits, "all_overflow": overflow})
    return Probed(limits, overflow)


def fit_font(kind: Kind, context: dict, source: str, limit: int | None = None,
             floor_pt: float = MIN_FONT_PT, trials: Trials | None = None) -> float:
    """The largest body size in FONT_STEPS_PT whose layout keeps within the handout's page limit.

    The smallest size is laid out first (if even it does not fit, the handout is too long), or the size
    the last build of this output folder chose (pipeline/hints.py), or for the recommendations sheet the
    size its measured text suggests (fit_guess.py); then font_steps.first_fitting
    predicts the answer from how full the layouts are and confirms it with the layouts of it and the step
    above: two or three layouts of ~0.2-0.8 s where a bisection made five (two with the hint).
    A kind that is not fitted is laid out once, at DEFAULT_PT, to check its limit.
    """
    if kind.max_pages is None:
        return DEFAULT_PT
    trials = trials or Trials(kind, f"handout '{source}'")

    def trial(i: int) -> Trial:
        return trials.trial(_html(kind, context, FONT_STEPS_PT[i], limit))

    low, high = 0, FONT_STEPS_PT.index(floor_pt)  # answer is the first index that fits
    if not kind.fitted:
        low = high = FONT_STEPS_PT.index(DEFAULT_PT)
    # the first layout: the size the last build chose (a hint: it only saves layouts), else a size guessed
    # from a cheap measure of the text (fit_guess.py: also only saves layouts), else the smallest
    name = f"handout-font-{source}"
    last = hints.read(name) if kind.fitted else None
    known: dict[int, Trial] = {}
    hinted = isinstance(last, dict) and last.get("limit") == limit and last.get("pt") in FONT_STEPS_PT[low:high + 1]
    # (the smallest size's HTML rendered only where the hint does not decide: at 2,500 examples it is ~30 KB)
    floor = None if hinted or not (kind.fitted and trials.seen) else trials.made(
        _html(kind, context, FONT_STEPS_PT[high], limit))
    if hinted:
        start: int | None = FONT_STEPS_PT.index(last["pt"])
    elif floor is not None:
        # the crowded search laid out the smallest size already (fit_layout): its real fill predicts
        # better than a measuring layout guesses, for free (at 2,500 examples the recommendations sheet's
        # measure cost ~0.7 s and its guess was the step first_fitting predicts from this fill)
        start, known[high] = None, floor
    else:
        start = _guessed_start(kind, context, source, limit, low, high) if kind.fitted else None
    if start is not None:
        known[start] = trial(start)
        # where the answer is when the sources changed little: the size beside it, toward the answer
        beside = start - 1 if known[start].fits else start + 1
        if low <= beside <= high:
            known[beside] = trial(beside)
    elif high not in known:
        known[high] = trial(high)
    found = first_fitting(FONT_STEPS_PT, low, high, trial, known)
    if found is None:
        pages = "one page" if kind.max_pages == 1 else f"{kind.max_pages} pages"
        size = f"even at {MIN_FONT_PT} pt" if kind.fitted else "at its fixed type sizes"
        raise DoesNotFit(f"handouts: '{source}' does not fit {pages} of {context['paper']['name']} {size}; "
                         "shorten its texts in the sources")
    if kind.fitted:
        hints.write(name, {"limit": limit, "pt": FONT_STEPS_PT[found]})
    return FONT_STEPS_PT[found]


def _guessed_start(kind: Kind, context: dict, source: str, limit: Limit, low: int, high: int) -> int | None:
    """fit_guess.py's first size for a kind it can measure (one cheap layout), else None."""
    if not fit_guess.measurable(context["kind"]):
        return None
    paper = context["paper"]
    tall = {**context, "paper": {**paper, "height_mm": fit_guess.MEASURE_HEIGHT_MM}, "measuring": True}
    return fit_guess.first_step(context["kind"], FONT_STEPS_PT, low, high,
                                lambda pt: _layout(_html(kind, tall, pt, limit), f"handout '{source}'"),
                                paper["content_height_mm"], kind.max_pages)


def render_handout(kind: Kind, context: dict, epoch: int, name: str, output: str | None = None) -> bytes:
    """The handout's PDF; `output`: its path in the output folder, whose bytes are reused when the last
    build wrote them from exactly the same HTML (layout_memo.py)."""
    source = f"handout '{name}'"
    memo = Memo(name)
    trials = Trials(kind, source, memo)
    font_pt, limit = fit_layout(kind, context, name, trials)
    alts: list[str] = []  # one per QR code, in the order the template draws them: the PDF's reading order
    html = _html(kind, context, font_pt, limit, alts=alts)
    forms = context["kind"] == "feedback-form"
    written = memo_key_of("pdf", html, epoch, context["kind"], forms, alts)
    pdf = memo.reuse(written, output) if output else None
    layout = None if forms or pdf is not None else trials.take(html)  # the fitting's layout of this HTML
    if pdf is None and layout is not None:
        pdf = layout_pdf(layout, epoch, source=source, figure_alts=tuple(alts))
    elif pdf is None:
        # the cards show no list markers, footnotes or notes: WeasyPrint's styles for them are left out
        pdf = render_pdf(html, TEMPLATES / TEMPLATE_FOLDER, epoch, source=source, forms=forms,
                         figure_alts=tuple(alts), lean_ua=context["kind"] == "example-cards", shared_css=True)
    memo.written(written, pdf)
    memo.save()
    return pdf
