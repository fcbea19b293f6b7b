"""Numbers as residents type them: the whole part may be grouped by three with spaces, as banks and bills print
it — «1 240,5», also with a no-break, narrow no-break or thin space (what a copy from a bill or a banking app
brings) or an apostrophe."""

from __future__ import annotations

import re

GROUP_SEPARATORS = " \u00a0\u202f\u2009\u2007'’"
_SEP = re.escape(GROUP_SEPARATORS)
_GROUPED = re.compile(rf"\d{{1,3}}(?:[{_SEP}]\d{{3}})+")
_HEAD = re.compile(r"([-−–]?)\s*([^.,]*)(.*)", re.DOTALL)


def ungroup_digits(text: str) -> str | None:
    """«1 240,5» → «1240,5»; text without separators comes back as it is. None when a separator is not between
    groups of three digits of the whole part («1 2», «12 3,4», «12, 5»): what was meant cannot be told."""
    if not any(c in GROUP_SEPARATORS for c in text):
        return text
    m = _HEAD.fullmatch(text)
    assert m is not None  # the pattern matches any string
    sign, whole, rest = m.groups()
    if any(c in GROUP_SEPARATORS for c in rest):
        return None
    if any(c in GROUP_SEPARATORS for c in whole) and not _GROUPED.fullmatch(whole):
        return None
    return sign + re.sub(f"[{_SEP}]", "", whole) + rest
