"""Where OFD text sits: TextObject/TextCode elements -> glyphs in page coordinates -> lines in
reading order (y, then x). Pure geometry on parsed XML; `corpus.sources.ofd` reads the package.

A TextCode places its first glyph at X/Y and each next one DeltaX/DeltaY further (the
standard's "g N d" repeats d N times; none given means the glyph's own advance) in object
space, which the CTM maps into the Boundary box, which sits in the page (or PageBlock).
"""
from __future__ import annotations

import itertools
import math
import unicodedata
from dataclasses import dataclass

MAX_NESTING = 16  # PageBlock inside PageBlock
_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_RUNS = itertools.count()  # TextCode ids, unique across pages and templates


@dataclass(frozen=True)
class Glyph:
    """One character placed on a page (millimetres, y grows downwards, baseline); `run`
    tells which TextCode drew it."""

    char: str
    x: float
    y: float
    size: float
    run: int = 0


def page_glyphs(layers: list, glyphs: list[Glyph] | None = None) -> list[Glyph]:
    """Glyphs of every TextObject in these Layer elements (namespace-free tags), added to
    `glyphs` when given."""
    glyphs = [] if glyphs is None else glyphs
    _collect(layers, _IDENTITY, glyphs, 0)
    return glyphs


def _numbers(value: str | None) -> list[float]:
    try:
        numbers = [float(n) for n in (value or "").replace(",", " ").split()]
    except ValueError:
        return []
    return numbers if all(map(math.isfinite, numbers)) else []


def _deltas(value: str | None, count: int) -> list[float | None]:
    """DeltaX/DeltaY with the standard's 'g N d' shorthand (N times d), `count` of them;
    None where the producer gave none (the glyph's own advance then)."""
    tokens, out, i = (value or "").split(), [], 0
    while i < len(tokens) and len(out) < count:
        if tokens[i] == "g" and i + 2 < len(tokens):
            repeat, step = _numbers(tokens[i + 1]), _numbers(tokens[i + 2])
            if repeat and step:
                out += [step[0]] * max(0, min(int(repeat[0]), count - len(out)))
            i += 3
        else:
            out += _numbers(tokens[i])[:1]
            i += 1
    return out + [None] * (count - len(out))


def _compose(outer: tuple, inner: tuple) -> tuple:
    """The affine map applying `inner` (a b c d e f, as in the CTM attribute) then `outer`."""
    a1, b1, c1, d1, e1, f1 = outer
    a, b, c, d, e, f = inner
    return (a1 * a + c1 * b, b1 * a + d1 * b, a1 * c + c1 * d, b1 * c + d1 * d,
            a1 * e + c1 * f + e1, b1 * e + d1 * f + f1)


def _collect(blocks: list, transform: tuple, glyphs: list[Glyph], depth: int) -> None:
    for block in blocks:
        for obj in block:
            if obj.tag == "PageBlock" and depth < MAX_NESTING:
                _collect([obj], transform, glyphs, depth + 1)
            if obj.tag != "TextObject":
                continue
            box = (_numbers(obj.get("Boundary")) + [0.0, 0.0])[:2]
            ctm = _numbers(obj.get("CTM"))
            local = tuple(ctm[:6]) if len(ctm) >= 6 else _IDENTITY
            # Object space -> CTM -> offset by the Boundary's origin -> the parent's transform.
            a, b, c, d, e, f = _compose(transform, local[:4] + (local[4] + box[0], local[5] + box[1]))
            own = (_numbers(obj.get("Size")) or [3.5])[0]  # in object space
            own = own if 0 < own < 1e4 else 3.5  # advances and tolerances need a sane size
            size = own * (math.sqrt(abs(a * d - b * c)) or 1)
            x = y = 0.0
            for code in obj.findall("TextCode"):
                text, run = code.text or "", next(_RUNS)
                x = (_numbers(code.get("X")) or [x])[0]  # a missing X/Y repeats the last one
                y = (_numbers(code.get("Y")) or [y])[0]
                dx, dy = _deltas(code.get("DeltaX"), len(text)), _deltas(code.get("DeltaY"), len(text))
                gx, gy = x, y
                for i, char in enumerate(text):
                    px, py = a * gx + c * gy + e, b * gx + d * gy + f
                    # Text a kilometre off the page (or at inf/nan, from 1e308 * a CTM) is no text.
                    if unicodedata.category(char)[0] != "C" and max(abs(px), abs(py)) < 1e6:
                        glyphs.append(Glyph(char, px, py, size, run))
                    gx += _width(char, own) if dx[i] is None else dx[i]
                    gy += dy[i] or 0.0


def _width(char: str, size: float) -> float:
    """The advance a font would give: a CJK character is square, Latin about half as wide."""
    return size if unicodedata.east_asian_width(char) in ("W", "F") else size / 2


def lines_of(glyphs: list[Glyph]) -> list[str]:
    """Glyphs -> lines: sorted by y then x; a new line where y moves by more than half the
    font size; a space where a gap between two TextCodes is wider than half a character
    (inside one, DeltaX is the spacing the producer chose, and a space is a character). A
    glyph drawn twice at one spot (fake bold) counts once."""
    unique = {(g.char, round(g.x * 4), round(g.y * 4)): g for g in glyphs}.values()
    lines: list[list[Glyph]] = []
    for glyph in sorted(unique, key=lambda g: (g.y, g.x)):
        if lines and abs(glyph.y - lines[-1][0].y) <= 0.5 * max(glyph.size, lines[-1][0].size):
            lines[-1].append(glyph)
        else:
            lines.append([glyph])
    out = []
    for line in lines:
        line.sort(key=lambda g: g.x)
        text = line[0].char
        for prev, glyph in itertools.pairwise(line):
            gap = glyph.x - prev.x - _width(prev.char, prev.size)
            text += (" " if glyph.run != prev.run and gap > 0.5 * glyph.size else "") + glyph.char
        if text.strip():
            out.append(text.strip())
    return out
