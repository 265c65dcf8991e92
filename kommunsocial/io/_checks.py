"""Checks of bad input that every reader shares: broken text, mangled ids, implausible dates.

Each check works on a whole column (or a whole text) at once; the rare values that fail are the
only ones handled one at a time.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

__all__ = [
    "EARLIEST",
    "JsonNumber",
    "float_id_errors",
    "implausible_time_errors",
    "json_constant",
    "repair_surrogates",
    "LONE_SURROGATE",
    "to_ascii_digits",
]

# ---------------------------------------------------------------------------------------------
# lone surrogates: JSON may escape half of a UTF-16 pair ("\ud800"), which no encoder can write
# ---------------------------------------------------------------------------------------------
_HEX = "[0-9a-fA-F]{2}"
# one literal start (\u), which lets the regular expression engine skip ahead fast: then either a
# high half not followed by a low one, or a low half without a high one before it
_LONE = (rf"\\u[dD](?:[89abAB]{_HEX}(?!\\u[dD][c-fC-F])"
         rf"|(?<!\\u[dD][89abAB]{_HEX}\\u[dD])[c-fC-F]{_HEX})")
_LONE_TEXT = re.compile(_LONE)
_LONE_BYTES = re.compile(_LONE.encode("ascii"))
#: finds a lone surrogate escape in JSON bytes (where :func:`repair_surrogates` would change them)
LONE_SURROGATE = _LONE_BYTES


def repair_surrogates(text):
    """``text`` (str or bytes of JSON) with every escaped lone UTF-16 surrogate (``\\ud800``) replaced
    by the escaped replacement character ``\\ufffd``, as a UTF-8 decoder treats a broken sequence.

    The replacement has the same length, so positions in the text stay valid. An escape preceded by
    an odd number of backslashes is literal text (``\\\\ud800``) and is kept.

    >>> repair_surrogates('{"t": "a\\\\ud800b \\\\ud83d\\\\ude00"}')
    '{"t": "a\\\\ufffdb \\\\ud83d\\\\ude00"}'
    """
    pattern = _LONE_BYTES if isinstance(text, (bytes, bytearray)) else _LONE_TEXT
    if pattern.search(text) is None:  # the common case: one scan in C
        return text
    replacement = b"\\ufffd" if isinstance(text, (bytes, bytearray)) else "\\ufffd"
    backslash = 92 if isinstance(text, (bytes, bytearray)) else "\\"

    def fix(match):
        start, n = match.start(), 0
        while start - n > 0 and text[start - n - 1] == backslash:
            n += 1
        return match.group(0) if n % 2 else replacement

    return pattern.sub(fix, text)


# ---------------------------------------------------------------------------------------------
# JSON values that are not plain JSON
# ---------------------------------------------------------------------------------------------
class JsonNumber(str):
    """A JSON document that is a bare number (``42``), kept as its text (readers parse numbers as
    text so that 19-digit ids never pass through a float) but recognisable in messages."""


def json_constant(name: str) -> str:
    """``parse_constant`` of the JSON readers: ``NaN``, ``Infinity`` and ``-Infinity`` (which
    Python's encoder writes, though JSON has no such values) stay text, so that a count holding
    one is quarantined with a reason rather than read as missing."""
    return name


# ---------------------------------------------------------------------------------------------
# digits of other scripts
# ---------------------------------------------------------------------------------------------
def to_ascii_digits(text: str) -> str:
    """``text`` with full-width and other compatibility forms folded (NFKC) and the decimal digits
    of any script (Arabic-Indic ``١٢``, Devanagari…) written as ASCII digits.

    >>> to_ascii_digits("１２"), to_ascii_digits("١٢"), to_ascii_digits("1 433")
    ('12', '12', '1 433')
    """
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(c)) if not c.isascii() and unicodedata.decimal(c, None) is not None
                   else c for c in text)


# ---------------------------------------------------------------------------------------------
# ids a spreadsheet turned into numbers
# ---------------------------------------------------------------------------------------------
_FLOAT_ID = re.compile(r"^(?:\d+_)?[+-]?(?:\d+\.\d*|\.\d+|\d+(?:\.\d*)?[eE][+-]?\d+)$")


def float_id_errors(values: pd.Series) -> pd.Series:
    """A message for each id written as a floating-point number (``1.5e+15``, ``123.0``), NA for
    the others.

    Platform ids are text of digits; a decimal point or an exponent means a spreadsheet or a
    script read the column as numbers, and a 16-digit or longer id has then lost its last digits.
    """
    s = pd.Series(values).astype("string")
    out = pd.Series(pd.NA, index=s.index, dtype="string")
    # only an id with a point or an exponent can be a float: find those first (one fast scan)
    maybe = s.str.contains("[.eE]", regex=True).to_numpy(dtype=bool, na_value=False)
    if not maybe.any():
        return out
    bad = np.zeros(len(s), dtype=bool)
    bad[maybe] = s[maybe].str.match(_FLOAT_ID).to_numpy(dtype=bool, na_value=False)
    if bad.any():
        out[bad] = ("id written as a floating-point number: " + s[bad].map(repr).astype("string")
                    + " (a spreadsheet or script read the ids as numbers, and long ids lose their last digits; "
                      "export again with the ids as text)")
    return out


# ---------------------------------------------------------------------------------------------
# dates no post can have
# ---------------------------------------------------------------------------------------------
#: No platform we read existed before Facebook opened in February 2004.
EARLIEST = pd.Timestamp("2004-01-01", tz="UTC")


def implausible_time_errors(values: pd.Series, *, now: pd.Timestamp | None = None) -> pd.Series:
    """A message for each time before :data:`EARLIEST` or later than ``now`` (default: the time of
    the call) plus one day of slack for clocks and zones; NA for the others and for missing ones."""
    now = pd.Timestamp.now(tz="UTC") if now is None else now
    latest = now + pd.Timedelta(days=1)
    t = pd.Series(values)
    early = (t < EARLIEST).to_numpy(dtype=bool, na_value=False)
    late = (t > latest).to_numpy(dtype=bool, na_value=False)
    out = pd.Series(pd.NA, index=t.index, dtype="string")
    for mask, why in ((early, f" is before {EARLIEST:%Y-%m-%d}, earlier than any platform kommunsocial reads"),
                      (late, f" is after the time of loading ({now:%Y-%m-%d %H:%M} UTC)")):
        if mask.any():
            shown = t[mask].map(lambda v: v.isoformat()).astype("string")
            out.iloc[np.flatnonzero(mask)] = ("implausible date: " + shown + why).array
    return out
