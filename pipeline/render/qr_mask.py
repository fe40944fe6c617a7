"""segno's choice of a QR code's data mask, made with numpy: the same mask, so the same code, in a fraction
of the time.

segno scores each of the eight data masks with the four penalty rules of ISO/IEC 18004 7.8.3 in pure
Python (~2.6 ms of the ~3.4 ms a version-3 code costs); a fresh build at 2,500 examples draws 2,500
card codes. Here the code is made once with mask 0 (segno.make, ~0.8 ms), the matrix segno scored is
recovered from it (the data region un-masked, the function patterns as segno had them while scoring:
format and version areas light), the eight masks are scored at once with numpy by the rules *exactly as
segno computes them* (on the raw module values, with segno's non-overlapping 1:1:3:1:1 search and its
integer rounding of the dark share), and the code with the best mask (the first of the lowest score, as
segno) is that matrix re-masked with segno's format information. tests/test_qr_mask.py compares the
scores of all eight masks and the final matrix with segno's own on thousands of made-up links and every
shipped one; a segno whose internals moved fails there, not silently.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

_N3 = np.array([1, 0, 1, 1, 1, 0, 1], dtype=np.uint8)  # dark:light:dark:dark:dark:light:dark


def make(link: str, error: str):
    """segno.make(link, error=error, micro=False, boost_error=False) with the same mask and matrix."""
    import copy

    import segno
    from segno import encoder

    first = segno.make(link, error=error, mask=0, micro=False, boost_error=False)
    if first.is_micro:  # pragma: no cover - micro=False never makes one
        return segno.make(link, error=error, micro=False, boost_error=False)
    size = len(first.matrix)
    region, template, masks = _function_patterns(size)
    shown = np.frombuffer(b"".join(first.matrix), dtype=np.uint8).reshape(size, size)
    scored = np.where(region, shown ^ masks[0], template)  # the matrix segno scored, before any mask
    best = best_mask(scored, region, masks)
    if best == 0:
        return first
    final = shown ^ masks[0] ^ masks[best]  # the masks flip data modules only
    matrix = tuple(bytearray(row.tobytes()) for row in final)
    encoder.add_format_info(matrix, first._version, first._error, best)
    code = copy.copy(first)
    code.matrix = matrix
    code.mask = best
    return code


def best_mask(scored: np.ndarray, region: np.ndarray, masks: np.ndarray) -> int:
    """The first mask of the lowest penalty (segno's find_and_apply_best_mask)."""
    totals = mask_scores(scored, region, masks).sum(axis=1)
    return int(np.argmin(totals))


def mask_scores(scored: np.ndarray, region: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """The penalties (N1, N2, N3, N4) of each of the eight masks: an (8, 4) array of ints, segno's
    encoder.mask_scores of each masked matrix."""
    size = scored.shape[0]
    rows = scored[None, :, :] ^ masks  # (8, size, size): every masked matrix
    lines = np.concatenate([rows, rows.transpose(0, 2, 1)], axis=1)  # each mask's rows, then its columns
    same = lines[:, :, 1:] == lines[:, :, :-1]
    # N1: a run of L >= 5 like modules costs L - 2 = 3 (L - 4) - 2 (L - 5): three for each window of 5
    # like modules, less two for each window of 6
    five = same[:, :, :-3] & same[:, :, 1:-2] & same[:, :, 2:-1] & same[:, :, 3:]
    six = five[:, :, :-1] & same[:, :, 4:]
    n1 = 3 * five.sum(axis=(1, 2)) - 2 * six.sum(axis=(1, 2))
    # N2: 3 for each 2 x 2 block of one value (overlapping blocks count each)
    row_same = same[:, :size]
    n2 = 3 * (row_same[:, 1:] & row_same[:, :-1] & (rows[:, 1:, 1:] == rows[:, :-1, 1:])).sum(axis=(1, 2))
    n3 = 40 * _n3_counts(lines)
    # N4: segno's own float arithmetic on the sum of the raw values
    dark = rows.sum(axis=(1, 2), dtype=np.int64)
    n4 = np.array([10 * int(abs(float(int(d)) / (size ** 2) * 100 - 50) / 5) for d in dark], dtype=np.int64)
    return np.stack([n1, n2, n3, n4], axis=1).astype(np.int64)


def _n3_counts(lines: np.ndarray) -> np.ndarray:
    """How many 1:1:3:1:1 patterns segno counts in each mask's rows and columns.

    segno finds the pattern from the left; one with four light modules (or the edge) before or after it
    counts, and the search goes on after it (7 modules on); one without goes on 4 modules on. So a
    counted pattern hides a pattern that starts 4 or 6 modules later (the two ways it overlaps itself):
    those are left out here as segno leaves them out."""
    count, length = lines.shape[1], lines.shape[2]
    starts = length - 6
    match = np.ones(lines.shape[:2] + (starts,), dtype=bool)
    for k, value in enumerate(_N3):
        match &= lines[:, :, k:k + starts] == value
    if not match.any():
        return np.zeros(lines.shape[0], dtype=np.int64)
    dark = np.zeros(lines.shape[:2] + (length + 9,), dtype=np.int32)  # 4 light modules each side, + a 0
    np.cumsum(lines != 0, axis=2, out=dark[:, :, 5:length + 5])
    dark[:, :, length + 5:] = dark[:, :, length + 4:length + 5]
    position = np.arange(starts)
    before = dark[:, :, position + 4] - dark[:, :, position]  # modules q-4 .. q-1
    after = dark[:, :, position + 15] - dark[:, :, position + 11]  # modules q+7 .. q+10
    counted = match & ((before == 0) | (after == 0))
    hidden = np.zeros_like(counted)
    hidden[:, :, 4:] |= counted[:, :, :-4]
    hidden[:, :, 6:] |= counted[:, :, :-6]
    clash = counted & hidden
    totals = counted.sum(axis=(1, 2)).astype(np.int64)
    for mask, line in zip(*np.nonzero(clash.any(axis=2))):  # rare: replay segno's search on that line
        totals[mask] += _n3_line(counted[mask, line]) - int(counted[mask, line].sum())
    return totals


def _n3_line(counted: np.ndarray) -> int:
    """The patterns segno counts on a line where counted ones hide others (see _n3_counts)."""
    total, last = 0, -10
    for q in np.flatnonzero(counted):
        if q - last not in (4, 6):
            total += 1
            last = q
    return total


@lru_cache(maxsize=8)
def _function_patterns(size: int):
    """For a QR code of `size` modules: where its data region is, the other modules as segno has them
    while it scores the masks, and the eight masks (dark where a mask flips a module), as numpy arrays."""
    from segno import encoder

    template = encoder.make_matrix(size, size)
    encoder.add_finder_patterns(template, size, size)
    encoder.add_alignment_patterns(template, size, size)
    function = [bytearray(row) for row in template]
    function[-8][8] = 0x1  # the dark module (segno's find_and_apply_best_mask)
    region = np.frombuffer(b"".join(function), dtype=np.uint8).reshape(size, size) > 0x1
    i, j = np.indices((size, size))
    flips = [(i + j) % 2 == 0, i % 2 == 0, j % 3 == 0, (i + j) % 3 == 0, (i // 2 + j // 3) % 2 == 0,
             (i * j) % 2 + (i * j) % 3 == 0, ((i * j) % 2 + (i * j) % 3) % 2 == 0,
             ((i + j) % 2 + (i * j) % 3) % 2 == 0]
    masks = np.stack(flips).astype(np.uint8) & region.astype(np.uint8)
    plain = np.frombuffer(b"".join(template), dtype=np.uint8).reshape(size, size).copy()
    for array in (region, masks, plain):
        array.setflags(write=False)
    return region, plain, masks
