"""Line breaking for Chinese and mixed Chinese-Latin text (the appendix's pages, the figures'
notes): widths in half-width cells, breaks anywhere between CJK characters and at spaces in
Latin text, and the usual 禁则 for punctuation."""

from __future__ import annotations

import unicodedata


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


def wrap_mixed(line: str, width: int) -> list[str]:
    """Wrap Chinese and Latin text to `width` half-width cells: anywhere between CJK characters,
    at spaces within Latin words (textwrap breaks only at spaces, so Chinese came out ragged).
    Closing punctuation never starts a line: it hangs past the width at the end of the line
    before (a few cells at most); opening punctuation never ends one: it moves down."""
    out: list[str] = []
    current, used, last_space = "", 0, -1
    for ch in line:
        if used + _cells(ch) > width and not (ch in NO_LINE_START and current.strip()):
            if ch != " " and last_space > 0 and len(current) - last_space < 20:
                done, current = current[:last_space].rstrip(), current[last_space + 1 :]
            else:
                done, current = current.rstrip(), ""
            current = current.lstrip()
            while current and current[0] in NO_LINE_START:  # a closer left at the break goes up
                done, current = done + current[0], current[1:]
            while len(done) > 1 and done[-1] in NO_LINE_END:  # an opening bracket goes down with its text
                done, current = done[:-1], done[-1] + current
            out.append(done)
            current = current.lstrip()
            used, last_space = sum(_cells(c) for c in current), current.rfind(" ")
            if ch == " " and not current:
                continue  # the break falls on this space: the next line must not start with it
        if ch == " ":
            last_space = len(current)
        current += ch
        used += _cells(ch)
    out.append(current.rstrip())
    return out
