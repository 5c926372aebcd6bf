"""Line breaking for Chinese and mixed Chinese-Latin text (the appendix's pages, the figures'
notes): widths in half-width cells, breaks anywhere between CJK characters and at spaces in
Latin text, and the usual 禁则 for punctuation."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable


def _cells(ch: str) -> int:
    """Display width in half-width cells: CJK and full-width punctuation take two."""
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def text_width(text: str) -> int:
    """The widest line of `text` in half-width cells.

    >>> text_width("ab" + chr(10) + "中文x")
    5
    """
    return max((sum(_cells(c) for c in line) for line in text.split("\n")), default=0)


# Line-breaking rules (禁则, as in GB/T 15834-2011's usage and W3C's "Requirements for Chinese
# Text Layout" 3.1.7): no line starts with closing punctuation or ends with opening punctuation.
NO_LINE_START = frozenset("，。、；：？！）》」』】〕〉’”%‰…—·,.;:!?)]}")
NO_LINE_END = frozenset("（《「『【〔〈‘“([{")
# Units of more than one character, kept whole at a line's end (the appendix's and figures' own)
UNIT_WORDS = ("分钟", "小时", "公里", "公斤", "平方米", "立方米", "万元")


def wrap_mixed(line: str, width: float, measure: Callable[[str], float] | None = None) -> list[str]:
    """Wrap Chinese and Latin text to `width`: anywhere between CJK characters, at spaces within
    Latin text (a Latin word is split only when the line would otherwise keep fewer than 20 of
    its characters), never so that a line starts with closing punctuation or ends with opening
    punctuation: where a closer would start a line, the character before it goes down with it
    ("push out"). Widths are half-width cells, or whatever `measure` gives a character (the
    appendix's pages: its advance in points, so a line fits its cell exactly). A line is wider
    than `width` only where it holds no break the rules allow (a run of punctuation round one
    character).

    >>> wrap_mixed("目标达成，情况", 10)
    ['目标达成，', '情况']
    >>> wrap_mixed("目标达成情，况", 10)  # the comma would start a line: 情 goes down with it
    ['目标达成', '情，况']
    >>> wrap_mixed("Wilson score 95% intervals", 14)
    ['Wilson score', '95% intervals']
    >>> wrap_mixed("ab cd", 3, measure=lambda ch: 1.5)
    ['ab', 'cd']
    """
    size = measure or _cells
    n, out, start = len(line), [], 0
    while True:
        while start < n and line[start] == " ":
            start += 1  # no line starts with a space
        if start >= n:
            break
        used, i, good, weak = 0.0, start, None, None
        while i < n and (used + size(line[i]) <= width or i == start):
            used += size(line[i])
            i += 1
            kind = _break_kind(line, i)
            if kind == "good":
                good = i
            elif kind == "weak":
                weak = i
        if i >= n:
            out.append(line[start:].rstrip())
            break
        if good is not None and (weak is None or i - good < 20):
            cut = good
        elif weak is not None:
            cut = weak
        else:  # no break the rules allow within the width: the first one after it
            cut = next((j for j in range(i + 1, n) if _break_kind(line, j)), n)
        out.append(line[start:cut].rstrip())
        start = cut
    return out or [""]


def _break_kind(line: str, i: int) -> str | None:
    """May a line end before line[i]? "good" at a space or next to a CJK character, "weak" inside
    a Latin word or number, None where the next line would start with closing punctuation, this
    one end with opening punctuation, a number would be parted from the word or unit after it,
    or at the line's end (spaces aside)."""
    j = i
    while j < len(line) and line[j] == " ":
        j += 1
    k = i - 1
    while k >= 0 and line[k] == " ":
        k -= 1
    if j >= len(line) or k < 0 or line[j] in NO_LINE_START or line[k] in NO_LINE_END:
        return None
    if line[k].isdigit() and (line[j].isalpha() or _cells(line[j]) == 2):
        return None  # a number keeps its unit: "24 h", "60分钟", "1人"
    if any(line[i - m : i - m + len(u)] == u for u in UNIT_WORDS for m in range(1, len(u))):
        return None  # nor is a unit of two characters or more parted: "分钟", not "分 | 钟"
    if j > i or k < i - 1 or _cells(line[j]) == 2 or _cells(line[k]) == 2:
        return "good"
    return "weak"
