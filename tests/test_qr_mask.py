"""QR masks scored with numpy (pipeline/render/qr_mask.py): the same mask, matrix and so the same printed
bytes as segno's own choice, for made-up links of every length and for every link the shipped sources
print; each mask's four penalties equal segno's own scores of the matrix segno scored."""
from __future__ import annotations

import random
import string

import numpy as np
import pytest
import segno
from segno import encoder

from pipeline.render import handout_qr, qr_mask, short_links

WEB = "https://toolkit.example.eu/"


def made_up_links(count: int, seed: int) -> list[str]:
    """Short card addresses (every card code of a site with a web address) and links of 5-400
    characters: QR versions 1-15, with and without version information."""
    rnd = random.Random(seed)
    letters = string.ascii_letters + string.digits + "/-._?=&%"
    links = [short_links.url(WEB, f"made-up-{seed}-{i}") for i in range(count // 4)]
    while len(links) < count:
        length = rnd.choice([rnd.randint(5, 60), rnd.randint(60, 400)])
        links.append("https://" + "".join(rnd.choice(letters) for _ in range(length)))
    return links


def shipped_links(toolkit) -> list[str]:
    """Every address the shipped sources can print as a code: links, the cards' short addresses, the
    "and N more" places."""
    links = {e.link for e in toolkit.examples if e.link}
    links |= {short_links.url(WEB, e.id) for e in toolkit.examples}
    links |= {short_links.place_url(WEB, f"cells/{i}.html") for i in range(40)}
    return sorted(links)


def assert_same_as_segno(links, levels=("m", "l")) -> None:
    for link in links:
        for level in levels:
            ours = qr_mask.make(link, level)
            theirs = segno.make(link, error=level, micro=False, boost_error=False)
            assert (ours.mask, ours.version, ours.error, ours.mode) == \
                (theirs.mask, theirs.version, theirs.error, theirs.mode), link
            assert ours.matrix == theirs.matrix, link


def test_the_same_mask_and_matrix_as_segno_on_made_up_links():
    assert_same_as_segno(made_up_links(40, seed=17))


def test_the_same_mask_and_matrix_as_segno_on_every_shipped_link(shipped):
    assert_same_as_segno(shipped_links(shipped), levels=("m",))


def test_each_masks_penalties_are_segnos_own(monkeypatch):
    """The matrix segno scores (caught as it is scored) is the one qr_mask recovers, and each of the eight
    masks' (N1, N2, N3, N4) is what segno's mask_scores says of it, including lines where a counted
    1:1:3:1:1 pattern hides an overlapping one (segno skips those)."""
    caught = []
    original = encoder.find_and_apply_best_mask

    def catch(matrix, width, height, proposed_mask=None):
        caught.append(np.frombuffer(b"".join(matrix), dtype=np.uint8).reshape(height, width).copy())
        return original(matrix, width, height, proposed_mask)

    monkeypatch.setattr(encoder, "find_and_apply_best_mask", catch)
    replayed = []
    monkeypatch.setattr(qr_mask, "_n3_line", lambda counted, line=qr_mask._n3_line: replayed.append(1) or line(counted))
    for link in made_up_links(40, seed=3):
        code = segno.make(link, error="m", micro=False, boost_error=False)
        size = len(code.matrix)
        region, template, masks = qr_mask._function_patterns(size)
        shown = np.frombuffer(b"".join(code.matrix), dtype=np.uint8).reshape(size, size)
        scored = np.where(region, shown ^ masks[code.mask], template)
        assert np.array_equal(scored, caught[-1]), link
        ours = qr_mask.mask_scores(scored, region, masks)
        for number in range(8):
            masked = tuple(bytearray((scored ^ masks[number]).tobytes()[row * size:(row + 1) * size])
                           for row in range(size))
            assert tuple(ours[number]) == encoder.mask_scores(masked, size, size), (link, number)
    assert replayed  # some lines had overlapping patterns


def test_handout_codes_are_made_with_it(monkeypatch):
    handout_qr.qr_code.cache_clear()
    made = []
    monkeypatch.setattr(qr_mask, "make", lambda link, level: made.append(level) or segno.make(
        link, error=level, micro=False, boost_error=False))
    try:
        handout_qr.qr_code(short_links.url(WEB, "an-example"))
    finally:
        handout_qr.qr_code.cache_clear()
    assert made == ["m"]


@pytest.mark.slow  # the merge queue's fast suite runs `not slow`, huge included
@pytest.mark.huge
def test_the_same_as_segno_on_thousands_of_made_up_links():
    assert_same_as_segno(made_up_links(3000, seed=2026))
