"""Value parsers every reader shares: counts, identifiers, times, booleans and post types.

Each parser takes a column of raw values and returns ``(values, errors)`` (errors: a Series of
messages, NA where the value was fine), except :func:`parse_ids` and :func:`normalise_post_type`,
which cannot fail."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..schema import DATETIME_DTYPE
from ._checks import to_ascii_digits
from ._zones import check_overrides, resolve_abbreviations

__all__ = ["NA_TOKENS", "parse_counts", "parse_ids", "parse_times", "parse_bools",
           "normalise_post_type"]

#: Cell values that mean "no value" in the exports we read.
NA_TOKENS = frozenset({"", "N/A", "n/a", "NA", "None", "none", "null", "NULL", "nan", "NaN", "-"})


def _texts(values, *, repeated: bool = False) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """``(s, codes, texts)``: ``values`` as an object Series, each value's code (-1 where missing:
    ``None`` or NaN) and the stripped texts the codes stand for.

    Text is taken as it is; with ``repeated``, values that repeat (as a sample shows) share a code,
    so that each distinct value is parsed once. Anything else (numbers, booleans) goes through
    ``str``, each value with a code of its own.
    """
    s = pd.Series(values, dtype="object") if not isinstance(values, pd.Series) else values.astype("object")
    arr = s.to_numpy()
    if len(arr) and set(map(type, arr)) <= _TEXT_OR_NA_TYPES:  # the common case: text and gaps
        if repeated and len(set(arr[:_SAMPLE])) * 2 <= min(len(arr), _SAMPLE):
            codes, distinct = pd.factorize(arr)
        else:
            na = pd.isna(arr)
            distinct = arr[~na]
            codes = np.full(len(arr), -1, dtype=np.intp)
            codes[~na] = np.arange(len(distinct))
        if set(map(type, distinct)) <= _STR_TYPE:  # else a float that is not NaN: through str below
            return s, codes, np.fromiter(map(str.strip, distinct), dtype=object, count=len(distinct))
    texts = _as_str(s).to_numpy(dtype=object)
    given = ~pd.isna(texts)  # None, or NaN where the Series inferred text
    codes = np.full(len(texts), -1, dtype=np.intp)
    codes[given] = np.arange(int(given.sum()))
    return s, codes, texts[given]


def _as_str(values) -> pd.Series:
    """Values as stripped strings, ``None`` for missing (``None``, NaN, NA); other values through ``str``."""
    s = pd.Series(values, dtype="object") if not isinstance(values, pd.Series) else values.astype("object")
    return s.map(_str_or_none)


def _expand(values, codes: np.ndarray, index) -> pd.Series:
    """The values of distinct texts spread back over the rows their codes stand for (missing at -1)."""
    return pd.Series(values.take(codes, allow_fill=True), index=index)


_SAMPLE = 1000


_STR_TYPE = frozenset({str})
_TEXT_OR_NA_TYPES = frozenset({str, type(None), float})


def _str_or_none(v):
    return None if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and np.isnan(v)) else str(v).strip()


def _na_mask(s: pd.Series) -> pd.Series:
    return s.isna() | s.isin(NA_TOKENS)


_THOUSANDS = re.compile(r"^[+-]?[0-9]{1,3}([,\u00a0\u202f ][0-9]{3})+$")
_INT = re.compile(r"^[+-]?[0-9]+(\.0+)?$")
#: Counts that are not finite numbers (NaN is not a missing-value token for counts: see parse_counts).
_NOT_FINITE = frozenset({"NaN", "nan", "Infinity", "-Infinity", "inf", "-inf", "Inf", "-Inf"})


def parse_counts(values) -> tuple[pd.Series, pd.Series]:
    """Parse counts: ``"1,433"`` and ``"1 433"`` thousands separators, ``"2954.0"``, NA tokens.

    >>> v, e = parse_counts(["1,433", "N/A", "7.0", "-2", "x"])
    >>> v.tolist(), e.tolist()
    ([1433, <NA>, 7, <NA>, <NA>], [<NA>, <NA>, <NA>, 'negative count -2', "not a whole number: 'x'"])
    """
    if isinstance(values, pa.Array) and pa.types.is_integer(values.type):
        return _integer_counts(values)
    s, codes, texts = _texts(values, repeated=True)
    # the common case, fast: plain ASCII digits, each distinct value parsed once
    digits = _plain_counts(texts)
    numbers = np.zeros(len(texts), dtype="int64")
    if digits.any():
        numbers[digits] = np.fromiter(map(int, texts[digits]), dtype="int64", count=int(digits.sum()))
    numbers = pd.arrays.IntegerArray(numbers, ~digits)
    errors = pd.array(np.full(len(texts), None, dtype=object), dtype="string")
    where = np.flatnonzero(~digits)
    if len(where):  # everything else: gaps, separators, decimals, other scripts' digits, bad values
        r = pd.Series(texts[where])
        constant = r.isin(_NOT_FINITE).to_numpy(dtype=bool)
        if constant.any():  # a missing count is empty; NaN or Infinity is a computation gone wrong
            errors[where[constant]] = [f"not a finite number: {v!r} (a missing count should be empty)"
                                       for v in r[constant]]
        todo = ~r.isin(NA_TOKENS).to_numpy(dtype=bool) & ~constant
        if todo.any():
            r = r[todo]
            wide = ~r.map(str.isascii).astype(bool)
            if wide.any():  # digits of other scripts (full-width "１２", Arabic-Indic "١٢") are numbers too
                r = r.copy()
                r[wide] = r[wide].map(to_ascii_digits)
            thousands = r.str.match(_THOUSANDS)
            cleaned = r.where(~thousands, r.str.replace(r"[,\u00a0\u202f ]", "", regex=True))
            ok = (cleaned.str.match(_INT) & (cleaned.str.lstrip("+-").str.split(".").str[0].str.len() <= 15)).to_numpy(
                dtype=bool)
            rows = where[todo]
            if not ok.all():
                errors[rows[~ok]] = [f"not a whole number: {v!r}" if not _INT.match(c) else
                                     f"implausibly large count: {v!r}" for v, c in zip(r[~ok], cleaned[~ok])]
            good = pd.to_numeric(cleaned[ok]).round().astype("Int64").to_numpy(dtype="int64")
            negative = good < 0
            if negative.any():
                errors[rows[ok][negative]] = [f"negative count {v}" for v in r[ok][negative]]
            numbers[rows[ok][~negative]] = good[~negative]
    return _expand(numbers, codes, s.index), _expand(errors, codes, s.index)


def _integer_counts(values: pa.Array) -> tuple[pd.Series, pd.Series]:
    """:func:`parse_counts` of JSON integers as a columnar reader gives them (an Arrow array): what
    the text of each number gives."""
    missing = values.is_null().to_numpy(zero_copy_only=False)
    numbers = pc.fill_null(values, 0).to_numpy().astype("int64")
    large = np.abs(numbers) >= 10 ** 15
    bad = large | (numbers < 0)
    errors = np.full(len(numbers), None, dtype=object)
    for i in np.flatnonzero(bad):
        errors[i] = f"implausibly large count: {str(numbers[i])!r}" if large[i] else f"negative count {numbers[i]}"
    index = pd.RangeIndex(len(numbers))
    return (pd.Series(pd.arrays.IntegerArray(numbers, missing | bad), index=index),
            pd.Series(pd.array(errors, dtype="string"), index=index))


def _plain_counts(texts: np.ndarray) -> np.ndarray:
    """Which texts are 1 to 15 ASCII digits."""
    n = len(texts)
    return (np.fromiter(map(str.isdigit, texts), dtype=bool, count=n)
            & np.fromiter(map(str.isascii, texts), dtype=bool, count=n)
            & (np.fromiter(map(len, texts), dtype="int64", count=n) <= 15))


def parse_ids(values) -> pd.Series:
    """Identifiers as strings, exactly as exported.

    An id written as a float (``"1234.0"``, ``"1.5e+15"``) is kept as written: :func:`finish_table`
    quarantines it, since a spreadsheet that wrote it may have changed its digits too.
    """
    if isinstance(values, pa.Array) and pa.types.is_string(values.type):
        # text from a columnar reader: the same, done in Arrow
        texts = pc.utf8_trim(values, characters=_WHITESPACE)
        missing = pc.fill_null(pc.is_in(texts, value_set=_NA_ARRAY), True)
        return pd.Series(pd.array(pc.if_else(missing, pa.scalar(None, pa.string()), texts), dtype="string"))
    s, codes, texts = _texts(values, repeated=True)
    missing = np.fromiter(map(_MISSING.__contains__, texts), dtype=bool, count=len(texts))
    ids = pd.array(np.where(missing, None, texts).astype(object), dtype="string")
    if len(texts) < len(codes):  # else every value is its own code
        ids = ids.take(codes, allow_fill=True)
    return pd.Series(ids, index=s.index, name=s.name)


_MISSING = NA_TOKENS | {None}
_NA_ARRAY = pa.array(sorted(NA_TOKENS), pa.string())
#: what ``str.strip`` removes
_WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())


_OFFSET = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")
# a time followed by 2-5 capitals (not AM/PM, which the month-first formats read)
_ABBR = re.compile(r"^(.*\d)\s+((?!AM$|PM$)[A-Z]{2,5})$")
_NAIVE_FORMATS_DAYFIRST = ["%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M",
                           "%d/%m/%Y", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d-%m-%Y", "%d.%m.%y %H:%M",
                           "%d/%m/%y %H:%M", "%d.%m.%y", "%d/%m/%y"]
_NAIVE_FORMATS_MONTHFIRST = ["%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y", "%m/%d/%Y %I:%M:%S %p",
                             "%m/%d/%Y %I:%M %p", "%m/%d/%y %H:%M", "%m/%d/%y"]


def parse_times(values, *, tz: str = "UTC", dayfirst: bool = True,
                abbreviations=None) -> tuple[pd.Series, pd.Series]:
    """Parse timestamps of many styles into tz-aware UTC.

    The time zone rule, explicitly: a value with an offset (``+0000``, ``+02:00``, ``Z``) or a zone
    abbreviation of the tz database (``EDT``, ``CEST``, ``BRT``, ``AEST``…; ambiguous ones as
    :data:`~kommunsocial.io._zones.AMBIGUOUS_ZONES` chooses, or as ``abbreviations``, the reader
    option ``zone_abbreviations`` like ``{"IST": "+01:00"}``, says) is converted from that offset; a
    naive value is local time in ``tz``; in the repeated hour when summer time ends the earlier (summer-time) reading is taken,
    and a time in the skipped spring hour moves forward. Plain numbers are Unix epoch seconds (or
    milliseconds when 13 digits long). Day-first dates (``11.03.2024``, ``11/03/2024``) are read as
    Nordic users write them unless ``dayfirst=False``.

    >>> v, e = parse_times(["2024-03-11T12:15:02+0000", "2024-03-11 08:15:02 EDT", "11.03.2024 13:15", "1710159302"],
    ...                    tz="Europe/Stockholm")
    >>> [str(t) for t in v]
    ['2024-03-11 12:15:02+00:00', '2024-03-11 12:15:02+00:00', '2024-03-11 12:15:00+00:00', '2024-03-11 12:15:02+00:00']
    """
    abbreviations = check_overrides(abbreviations)  # a mistyped option is an error even before it is needed
    plain = None
    if isinstance(values, pa.Array):  # a columnar reader's text: the common case found in Arrow
        plain = pc.fill_null(pc.match_substring_regex(values, _PLAIN_ISO), False).to_numpy(zero_copy_only=False)
        plain = plain[values.is_valid().to_numpy(zero_copy_only=False)]
        values = values.to_numpy(zero_copy_only=False)
    s, codes, texts = _texts(values)
    # the common case, fast: ISO 8601 in whole seconds with an offset, 1900-2099 (so that they
    # fit any time unit the parser may settle on); the rest, and any that does not parse, below
    fast = _plain_iso(texts) if plain is None else plain
    out = pd.Series(pd.NaT, index=pd.RangeIndex(len(texts)), dtype=DATETIME_DTYPE)
    if fast.any():
        parsed = pd.to_datetime(pd.Series(texts[fast], dtype="object"), format="ISO8601", utc=True,
                                errors="coerce").astype(DATETIME_DTYPE)
        ok = parsed.notna().to_numpy()
        where = np.flatnonzero(fast)
        out.iloc[where[ok]] = parsed[ok].array
        fast[where[~ok]] = False
    errors = pd.Series(pd.NA, index=out.index, dtype="string")
    where = np.flatnonzero(~fast)
    if len(where):  # gaps, epoch numbers, zone abbreviations, other offsets, naive times, bad values
        given = r = pd.Series(texts[where])
        na = _na_mask(r)
        got = pd.Series(pd.NaT, index=r.index, dtype=DATETIME_DTYPE)
        todo = ~na
        # zone abbreviations -> explicit offsets
        abbr = r[todo].str.extract(_ABBR)
        has_abbr = abbr[0].notna()
        zone_problem = pd.Series(pd.NA, index=r.index, dtype="object")
        if has_abbr.any():
            offsets, problems = resolve_abbreviations(pd.unique(abbr.loc[has_abbr, 1]), abbreviations)
            r = r.copy()
            known = has_abbr & abbr[1].isin(list(offsets))
            r[known[known].index] = abbr.loc[known, 0] + abbr.loc[known, 1].map(offsets)
            unknown = has_abbr & ~known
            zone_problem[unknown[unknown].index] = abbr.loc[unknown, 1].map(problems)
            todo = todo & ~zone_problem.notna()
        # epoch numbers
        epoch = todo & r.str.fullmatch(r"\d{9,10}|\d{13}(\.\d+)?|\d{9,10}\.\d+")
        if epoch.any():
            nums = pd.to_numeric(r[epoch], errors="coerce")
            unit_ms = r[epoch].str.len() >= 13
            secs = nums.where(~unit_ms, nums / 1000.0)
            got[epoch] = pd.to_datetime(secs, unit="s", utc=True).astype(DATETIME_DTYPE)
            todo &= ~epoch
        # values with an offset
        aware = todo & r.str.contains(_OFFSET)
        if aware.any():
            parsed = pd.to_datetime(r[aware], format="ISO8601", utc=True, errors="coerce")
            missing = parsed.isna()
            if missing.any():
                parsed[missing] = pd.to_datetime(r[aware][missing], utc=True, errors="coerce", format="mixed")
            got[aware] = parsed.astype(DATETIME_DTYPE)
            todo &= ~aware
        # naive values: ISO first, then the day-first / month-first formats
        if todo.any():
            naive = pd.Series(pd.NaT, index=r.index[todo], dtype="datetime64[us]")
            rest = r[todo]
            iso = rest.str.match(r"^\d{4}-\d{2}-\d{2}")
            if iso.any():
                naive[iso] = pd.to_datetime(rest[iso], format="ISO8601", errors="coerce").astype("datetime64[us]")
            formats = _NAIVE_FORMATS_DAYFIRST + _NAIVE_FORMATS_MONTHFIRST if dayfirst else \
                _NAIVE_FORMATS_MONTHFIRST + _NAIVE_FORMATS_DAYFIRST
            for fmt in formats:
                left = naive.isna()
                if not left.any():
                    break
                naive[left] = pd.to_datetime(rest[left], format=fmt, errors="coerce").astype("datetime64[us]")
            ok = naive.notna()
            if ok.any():
                local = naive[ok].dt.tz_localize(tz, ambiguous=np.ones(int(ok.sum()), dtype=bool),
                                                 nonexistent="shift_forward")
                got[naive[ok].index] = local.dt.tz_convert("UTC").astype(DATETIME_DTYPE)
        out.iloc[where] = got.array
        bad = (~na & got.isna()).to_numpy(dtype=bool)
        if bad.any():
            errors.iloc[where[bad]] = [f"not a date and time: {v!r}" + ("" if pd.isna(p) else f" ({p})")
                                       for v, p in zip(given[bad], zone_problem[bad])]
    return _expand(out.array, codes, s.index), _expand(errors.array, codes, s.index)


def _plain_iso(texts: np.ndarray) -> np.ndarray:
    """Which texts match ``(19|20)\\d\\d-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d[+-]\\d{4}`` (ASCII digits), as
    the Graph API writes times; checked a character position at a time over all texts at once."""
    n = len(texts)
    fast = np.fromiter(map(len, texts), dtype="int64", count=n) == 24
    if fast.any():
        chars = texts[fast].astype("<U24").view(np.uint32).reshape(-1, 24)
        digits = (chars >= ord("0")) & (chars <= ord("9"))
        ok = digits[:, _ISO_DIGITS].all(axis=1)
        ok &= ((chars[:, 0] == ord("1")) & (chars[:, 1] == ord("9"))) | ((chars[:, 0] == ord("2"))
                                                                         & (chars[:, 1] == ord("0")))
        for pos, char in ((4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":")):
            ok &= chars[:, pos] == ord(char)
        ok &= (chars[:, 19] == ord("+")) | (chars[:, 19] == ord("-"))
        fast[fast] = ok
    return fast


_ISO_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22, 23]
#: what :func:`_plain_iso` finds, as a regular expression for Arrow text
_PLAIN_ISO = r"^(?:19|20)[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{4}$"


_POST_TYPES = {
    "status": "status", "text": "status", "post": "status", "tweet": "status",
    "photo": "photo", "image": "photo", "picture": "photo", "carousel_album": "album", "album": "album",
    "video": "video", "native video": "video", "native_video": "video", "youtube": "video", "vine": "video",
    "live video": "live", "live video complete": "live", "live video scheduled": "live", "live_video": "live",
    "live": "live", "link": "link", "share": "link", "shared_story": "link", "event": "event", "reel": "reel",
    "reels": "reel", "clip": "reel", "igtv": "video", "music": "other", "note": "status", "offer": "other",
}


def normalise_post_type(values) -> pd.Series:
    """Map an export's post type vocabulary onto the data model's (unknown values become ``other``,
    missing ones ``status``)."""
    s = _as_str(values)
    low = s.str.lower().str.replace("-", " ", regex=False)
    out = low.map(_POST_TYPES)
    out = out.where(out.notna() | low.isna() | low.isin(NA_TOKENS), "other")
    return out.fillna("status").astype("string")


_TRUE = {"true", "1", "yes", "ja", "y", "t"}
_FALSE = {"false", "0", "no", "nej", "nei", "n", "f"}


def parse_bools(values) -> tuple[pd.Series, pd.Series]:
    """``true/false``, ``1/0``, ``yes/no``, ``ja/nej/nei``; missing stays missing."""
    s = _as_str(values)
    low = s.str.lower()
    out = pd.Series(pd.NA, index=s.index, dtype="boolean")
    out[low.isin(_TRUE).fillna(False)] = True
    out[low.isin(_FALSE).fillna(False)] = False
    errors = pd.Series(pd.NA, index=s.index, dtype="string")
    bad = out.isna() & ~_na_mask(s)
    errors[bad] = [f"expected true/false, found {v!r}" for v in s[bad]]
    return out, errors
