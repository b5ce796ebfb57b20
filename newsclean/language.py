"""The language of a text, for pages that do not declare theirs: CLD2 (pycld2), whose tables are compiled into
its library. A worker pays a few MB for it, where py3langid's model took about 70 MB in each worker."""

from __future__ import annotations

import re

import pycld2

UNKNOWN = "un"
SCRIPT_ONLY_PREFIX = "xx-"  # CLD2 names only the script ("xx-Cyrl") when it cannot tell the language
# CLD2 takes text that encodes to valid UTF-8 without control characters; mojibake brings C1 controls.
_REFUSED_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# CLD2 still uses the withdrawn ISO 639-1 codes of Hebrew and Javanese.
_CURRENT_CODES = {"iw": "he", "jw": "jv"}


def identify_language(text: str) -> str | None:
    """The ISO 639-1 code of the text's most likely language ("zh-Hant" gives "zh"), None when CLD2 finds none."""
    try:
        _reliable, _bytes_read, guesses = pycld2.detect(_REFUSED_CHARACTERS.sub(" ", text))
    except pycld2.error:
        return None
    code: str = guesses[0][1]
    if code == UNKNOWN or code.startswith(SCRIPT_ONLY_PREFIX):
        return None
    primary = code.split("-")[0]
    return _CURRENT_CODES.get(primary, primary)
