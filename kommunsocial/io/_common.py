"""Building blocks every reader shares: text decoding, value parsers, and the quarantine."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import LoadError
from ..schema import DATETIME_DTYPE
from ._checks import float_id_errors, implausible_time_errors, to_ascii_digits
from ._decode import decode_text, read_text

__all__ = [
    "Parsed",
    "Quarantine",
    "decode_text",
    "read_text",
    "sniff_delimiter",
    "read_csv_records",
    "ragged_column",
    "parse_counts",
    "parse_times",
    "parse_ids",
    "NA_TOKENS",
    "finish_table",
    "normalise_post_type",
    "parse_bools",
    "ZONE_ABBREVIATIONS",
]

#: Cell values that mean "no value" in the exports we read.
NA_TOKENS = frozenset({"", "N/A", "n/a", "NA", "None", "none", "null", "NULL", "nan", "NaN", "-"})


@dataclass
class Parsed:
    """What a reader returns for one file: data-model tables plus quarantined records.

    ``comments`` may carry ``author_name`` / ``author_platform_id`` (the commenter's real identity)
    and ``author_is_page``; the loader pseudonymises them. Any data-model column may be absent;
    ``source_format``, ``source_file`` and ``source_row`` must be present on posts and comments.
    """

    pages: pd.DataFrame = field(default_factory=pd.DataFrame)
    posts: pd.DataFrame = field(default_factory=pd.DataFrame)
    comments: pd.DataFrame = field(default_factory=pd.DataFrame)
    quarantine: list = field(default_factory=list)
    #: facts for the manifest (e.g. {"layout": "41 columns (2024)"})
    info: dict = field(default_factory=dict)


class Quarantine:
    """Collects records that cannot be loaded, with file, row, column and reason.

    ``personal`` names raw fields that hold a private person's name or id; their values are
    replaced before a record is kept, since the quarantine is saved beside the processed data.
    """

    def __init__(self, source_file: str, source_format: str, personal=()):
        self.source_file = source_file
        self.source_format = source_format
        self.personal = set(personal)
        self.rows: list[dict] = []

    def add(self, row, record, reason: str, *, table: str, column=None):
        if isinstance(record, dict):
            record = {k: ("[redacted]" if k in self.personal and v not in (None, "") else v) for k, v in record.items()}
            text = json.dumps(record, ensure_ascii=False, default=str)
        else:
            text = str(record)
        self.rows.append({
            "source_file": self.source_file,
            "source_row": None if row is None else int(row),
            "source_format": self.source_format,
            "table": table,
            "column": column,
            "reason": reason,
            "record": text[:5000],
        })

    def __len__(self):
        return len(self.rows)


# ---------------------------------------------------------------------------------------------
# text and CSV
# ---------------------------------------------------------------------------------------------
def sniff_delimiter(text: str) -> str:
    """The delimiter among ``,`` ``;`` and tab that splits the header line into the most fields."""
    line = re.split(r"[\r\n]", text[:65536], maxsplit=1)[0]
    counts = {d: line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def ragged_column(header: list, fields: list) -> str | None:
    """The column a ragged CSV record goes wrong at, for its quarantine row: the first without a
    value when it is short, the last of the header (after which the extra fields come) when long."""
    if not header:
        return None
    return header[len(fields)] if len(fields) < len(header) else header[-1]


def read_csv_records(text: str, name: str, *, delimiter: str | None = None, strict_quotes: bool = False):
    """Parse CSV text into ``(header, rows, bad)``.

    ``rows`` is a list of ``(record_number, fields)``, 1-based over data records (the header is
    not counted); newlines inside quoted fields are kept. ``bad`` lists ``(record_number, fields,
    reason)`` for records with the wrong number of fields.

    A quoted field that never closes swallows every later record, so it is an error: always when
    the file does not end with a line break (a cut-off download), and with ``strict_quotes`` for
    any odd number of ``"`` (for exporters that quote by RFC 4180 and so never leave a stray one).
    """
    delimiter = delimiter or sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        header = next(reader)
    except StopIteration:
        raise LoadError(name, "the file is empty") from None
    except csv.Error as exc:
        raise LoadError(name, f"cannot parse the header as CSV: {exc}", row=0) from None
    header = [h.strip().lstrip("\ufeff") for h in header]
    while header and header[-1] == "":
        header.pop()
    named = [h for h in header if h]
    if len(set(named)) != len(named):  # which of the two would a value come from? Neither is safe
        dup = sorted({h for h in named if named.count(h) > 1})
        where = [i + 1 for i, h in enumerate(header) if h == dup[0]]
        raise LoadError(name, f"the header repeats the column name{'s' if len(dup) > 1 else ''} "
                              f"{', '.join(map(repr, dup))} (columns {where}); rename or remove the copy so that "
                              "each value has one meaning", row=0, column=dup[0])
    n = len(header)
    rows, bad = [], []
    number = 0
    try:
        for fields in reader:
            if not fields or (len(fields) == 1 and fields[0] == ""):
                continue
            number += 1
            if len(fields) > n and not any(f.strip() for f in fields[n:]):
                fields = fields[:n]
            if len(fields) != n:
                bad.append((number, fields, f"expected {n} fields, found {len(fields)}"))
            else:
                rows.append((number, fields))
    except csv.Error as exc:
        raise LoadError(name, f"not valid CSV: {exc}", row=number + 1) from None
    if text.count('"') % 2 == 1 and (strict_quotes or not text.endswith(("\n", "\r"))):
        raise LoadError(name, "the file ends inside a quoted field (truncated download, or an unmatched quote "
                              f"that swallows the rest of the file); the open quote is in record {number} or "
                              "earlier", row=number)
    return header, rows, bad


# ---------------------------------------------------------------------------------------------
# value parsers: each returns (values, errors) where errors is a Series of messages (NA = fine)
# ---------------------------------------------------------------------------------------------
def _stripped(values) -> tuple[pd.Series, np.ndarray | None]:
    """``(s, texts)``: ``values`` as an object Series, and when every value is text or missing
    (``None`` or NaN), the texts stripped in an object array with ``None`` where missing (else
    ``texts`` is None and the values need :func:`_as_str`'s general path)."""
    s = pd.Series(values, dtype="object") if not isinstance(values, pd.Series) else values.astype("object")
    arr = s.to_numpy()
    if not len(arr):
        return s, None
    na = pd.isna(arr)
    if na.any():
        if not set(map(type, arr[na])) <= _NA_TYPES:
            return s, None
        given = arr[~na]
    else:
        given = arr
    if not set(map(type, given)) <= _STR_TYPE:
        return s, None
    out = np.empty(len(arr), dtype=object)  # None
    out[~na] = np.fromiter(map(str.strip, given), dtype=object, count=len(given))
    return s, out


def _as_str(values) -> pd.Series:
    """Values as stripped strings, ``None`` for missing (``None`` or NaN); other values through ``str``."""
    s, texts = _stripped(values)
    if texts is None:
        return s.map(_str_or_none)
    return pd.Series(texts, index=s.index, name=s.name)  # dtype inferred as Series.map infers it


def _distinct_texts(values, *, repeated: bool = False):
    """``(s, codes, distinct)`` when every value is text or missing (``None`` or NaN): ``values``
    as an object Series, each value's code (-1 where missing) and the texts it codes, stripped;
    else ``(s, None, None)``. With ``repeated``, values that repeat (as a sample shows) share a
    code, so that each distinct value is parsed once.
    """
    s = pd.Series(values, dtype="object") if not isinstance(values, pd.Series) else values.astype("object")
    arr = s.to_numpy()
    if not len(arr) or not s.index.is_unique or not set(map(type, arr)) <= _TEXT_OR_NA_TYPES:
        return s, None, None
    if repeated and len(set(arr[:_SAMPLE])) * 2 <= min(len(arr), _SAMPLE):
        codes, distinct = pd.factorize(arr)
        if not set(map(type, distinct)) <= _STR_TYPE:  # a float that is not NaN
            return s, None, None
    else:
        na = pd.isna(arr)
        distinct = arr[~na]
        if not set(map(type, distinct)) <= _STR_TYPE:
            return s, None, None
        codes = np.full(len(arr), -1, dtype=np.intp)
        codes[~na] = np.arange(len(distinct))
    return s, codes, np.fromiter(map(str.strip, distinct), dtype=object, count=len(distinct))


_SAMPLE = 1000


_NA_TYPES = frozenset({type(None), float})
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
    s, codes, distinct = _distinct_texts(values, repeated=True)
    if codes is None:
        return _parse_counts(values)
    # the common case, fast: plain ASCII digits; the rest as below, unless it holds other than
    # ASCII (digits of other scripts, which the general path treats its own way). Each distinct
    # value is parsed once.
    digits = _plain_counts(distinct)
    rest = ~digits
    if rest.any() and (not all(map(str.isascii, distinct[rest])) or not _NOT_FINITE.isdisjoint(distinct[rest])):
        return _parse_counts(values)
    numbers = np.zeros(len(distinct), dtype="int64")
    if digits.any():
        numbers[digits] = np.fromiter(map(int, distinct[digits]), dtype="int64", count=int(digits.sum()))
    numbers = pd.arrays.IntegerArray(numbers, rest.copy())
    errors = pd.array(np.full(len(distinct), None, dtype=object), dtype="string")
    if rest.any():
        more, why = _parse_counts(distinct[rest])
        where = np.flatnonzero(rest)
        numbers[where] = more.array
        errors[where] = why.array
    return (pd.Series(numbers.take(codes, allow_fill=True), index=s.index),
            pd.Series(errors.take(codes, allow_fill=True), index=s.index))


def _plain_counts(texts: np.ndarray) -> np.ndarray:
    """Which texts are 1 to 15 ASCII digits."""
    n = len(texts)
    return (np.fromiter(map(str.isdigit, texts), dtype=bool, count=n)
            & np.fromiter(map(str.isascii, texts), dtype=bool, count=n)
            & (np.fromiter(map(len, texts), dtype="int64", count=n) <= 15))


def _parse_counts(values) -> tuple[pd.Series, pd.Series]:
    """:func:`parse_counts` for any values."""
    s = _as_str(values)
    numbers = pd.Series(pd.NA, index=s.index, dtype="Int64")
    errors = pd.Series(pd.NA, index=s.index, dtype="string")
    plain = s.fillna("").str.fullmatch(r"[0-9]{1,15}")
    if plain.any():  # the common case, fast: digits only
        numbers[plain] = pd.to_numeric(s[plain]).astype("Int64")
    rest = ~plain & ~_na_mask(s)
    constant = s.isin(_NOT_FINITE).fillna(False).astype(bool)
    if constant.any():  # a missing count is empty; NaN or Infinity is a computation gone wrong
        errors[constant] = [f"not a finite number: {v!r} (a missing count should be empty)" for v in s[constant]]
        rest &= ~constant
    if rest.any():
        r = s[rest]
        wide = ~r.map(str.isascii).astype(bool)
        if wide.any():  # digits of other scripts (full-width "１２", Arabic-Indic "١٢") are numbers too
            r = r.copy()
            r[wide] = r[wide].map(to_ascii_digits)
        thousands = r.str.match(_THOUSANDS)
        cleaned = r.where(~thousands, r.str.replace(r"[,\u00a0\u202f ]", "", regex=True))
        ok = cleaned.str.match(_INT) & (cleaned.str.lstrip("+-").str.split(".").str[0].str.len() <= 15)
        bad = r[~ok]
        errors[bad.index] = [f"not a whole number: {v!r}" if not _INT.match(c) else f"implausibly large count: {v!r}"
                             for v, c in zip(bad, cleaned[~ok])]
        good = pd.to_numeric(cleaned[ok]).round().astype("Int64")
        negative = good < 0
        errors[good[negative].index] = [f"negative count {v}" for v in r[ok][negative]]
        numbers[good[~negative].index] = good[~negative]
    return numbers, errors


def parse_ids(values) -> pd.Series:
    """Identifiers as strings, exactly as exported.

    An id written as a float (``"1234.0"``, ``"1.5e+15"``) is kept as written: :func:`finish_table`
    quarantines it, since a spreadsheet that wrote it may have changed its digits too.
    """
    s, codes, distinct = _distinct_texts(values, repeated=True)
    if codes is None:
        return _parse_ids(values)
    missing = np.fromiter(map(_MISSING.__contains__, distinct), dtype=bool, count=len(distinct))
    if missing.all():
        return _parse_ids(values)
    ids = pd.array(np.where(missing, None, distinct), dtype="string")
    if len(distinct) < len(codes):  # else every value is its own code
        ids = ids.take(codes, allow_fill=True)
    return pd.Series(ids, index=s.index, name=s.name)


_MISSING = NA_TOKENS | {None}


def _parse_ids(values) -> pd.Series:
    """:func:`parse_ids` for any values."""
    s = _as_str(values)
    return s.where(~_na_mask(s), None).astype("string")


_OFFSET = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")
#: Zone abbreviations seen in exports (CrowdTangle writes the dashboard's zone), as UTC offsets.
ZONE_ABBREVIATIONS = {"EST": "-05:00", "EDT": "-04:00", "CST": "-06:00", "CDT": "-05:00", "MST": "-07:00",
                      "MDT": "-06:00", "PST": "-08:00", "PDT": "-07:00", "UTC": "+00:00", "GMT": "+00:00",
                      "CET": "+01:00", "CEST": "+02:00", "EET": "+02:00", "EEST": "+03:00", "BST": "+01:00",
                      "WET": "+00:00", "WEST": "+01:00"}
_ABBR = re.compile(r"^(.*\d)\s+(" + "|".join(ZONE_ABBREVIATIONS) + r")$")
_NAIVE_FORMATS_DAYFIRST = ["%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M",
                           "%d/%m/%Y", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d-%m-%Y", "%d.%m.%y %H:%M",
                           "%d/%m/%y %H:%M", "%d.%m.%y", "%d/%m/%y"]
_NAIVE_FORMATS_MONTHFIRST = ["%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y", "%m/%d/%Y %I:%M:%S %p",
                             "%m/%d/%Y %I:%M %p", "%m/%d/%y %H:%M", "%m/%d/%y"]


def parse_times(values, *, tz: str = "UTC", dayfirst: bool = True) -> tuple[pd.Series, pd.Series]:
    """Parse timestamps of many styles into tz-aware UTC.

    The time zone rule, explicitly: a value with an offset (``+0000``, ``+02:00``, ``Z``) or a zone
    abbreviation (``EDT``, ``CET``…) is converted from that offset; a naive value is local time in
    ``tz``; in the repeated hour when summer time ends the earlier (summer-time) reading is taken,
    and a time in the skipped spring hour moves forward. Plain numbers are Unix epoch seconds (or
    milliseconds when 13 digits long). Day-first dates (``11.03.2024``, ``11/03/2024``) are read as
    Nordic users write them unless ``dayfirst=False``.

    >>> v, e = parse_times(["2024-03-11T12:15:02+0000", "2024-03-11 08:15:02 EDT", "11.03.2024 13:15", "1710159302"],
    ...                    tz="Europe/Stockholm")
    >>> [str(t) for t in v]
    ['2024-03-11 12:15:02+00:00', '2024-03-11 12:15:02+00:00', '2024-03-11 12:15:00+00:00', '2024-03-11 12:15:02+00:00']
    """
    s, texts = _stripped(values)
    if texts is None or not s.index.is_unique:
        return _parse_times(values, tz=tz, dayfirst=dayfirst)
    # the common case, fast: ISO 8601 in whole seconds with an offset, 1900-2099 (so that they
    # fit any time unit the parser may settle on); the rest, and any that does not parse, below
    given = np.not_equal(texts, None)
    fast = _plain_iso(np.where(given, texts, ""))
    out = pd.Series(pd.NaT, index=s.index, dtype=DATETIME_DTYPE)
    if fast.any():
        parsed = pd.to_datetime(pd.Series(texts[fast], dtype="object"), format="ISO8601", utc=True,
                                errors="coerce").astype(DATETIME_DTYPE)
        ok = parsed.notna().to_numpy()
        where = np.flatnonzero(fast)
        out.iloc[where[ok]] = parsed[ok].array
        fast[where[~ok]] = False
    errors = pd.Series(pd.NA, index=s.index, dtype="string")
    rest = ~fast & given
    if rest.any():
        more, why = _parse_times(texts[rest], tz=tz, dayfirst=dayfirst)
        where = np.flatnonzero(rest)
        out.iloc[where] = more.array
        errors.iloc[where] = why.array
    return out, errors


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


def _parse_times(values, *, tz: str = "UTC", dayfirst: bool = True) -> tuple[pd.Series, pd.Series]:
    """:func:`parse_times` for any values."""
    s = _as_str(values)
    na = _na_mask(s)
    out = pd.Series(pd.NaT, index=s.index, dtype=DATETIME_DTYPE)
    todo = ~na
    # zone abbreviations -> explicit offsets
    abbr = s[todo].str.extract(_ABBR)
    has_abbr = abbr[0].notna()
    if has_abbr.any():
        s = s.copy()
        s[has_abbr[has_abbr].index] = abbr.loc[has_abbr, 0] + abbr.loc[has_abbr, 1].map(ZONE_ABBREVIATIONS)
    # epoch numbers
    epoch = todo & s.fillna("").str.fullmatch(r"\d{9,10}|\d{13}(\.\d+)?|\d{9,10}\.\d+")
    if epoch.any():
        nums = pd.to_numeric(s[epoch], errors="coerce")
        unit_ms = s[epoch].str.len() >= 13
        secs = nums.where(~unit_ms, nums / 1000.0)
        out[epoch] = pd.to_datetime(secs, unit="s", utc=True).astype(DATETIME_DTYPE)
        todo &= ~epoch
    # values with an offset
    aware = todo & s.fillna("").str.contains(_OFFSET)
    if aware.any():
        parsed = pd.to_datetime(s[aware], format="ISO8601", utc=True, errors="coerce")
        missing = parsed.isna()
        if missing.any():
            parsed[missing] = pd.to_datetime(s[aware][missing], utc=True, errors="coerce", format="mixed")
        out[aware] = parsed.astype(DATETIME_DTYPE)
        todo &= ~aware
    # naive values: ISO first, then the day-first / month-first formats
    if todo.any():
        naive = pd.Series(pd.NaT, index=s.index[todo], dtype="datetime64[us]")
        rest = s[todo]
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
            out[naive[ok].index] = local.dt.tz_convert("UTC").astype(DATETIME_DTYPE)
    errors = pd.Series(pd.NA, index=s.index, dtype="string")
    bad = ~na & out.isna()
    if bad.any():
        errors[bad] = [f"not a date and time: {v!r}" for v in _as_str(values)[bad]]
    return out, errors


#: Identifier columns checked for ids a spreadsheet wrote as floats.
_ID_COLUMNS = ("post_id", "page_id", "comment_id", "parent_id")


def finish_table(frame: pd.DataFrame, errors: dict, raw_records, quarantine: Quarantine, *, table: str,
                 required=()) -> pd.DataFrame:
    """Quarantine rows with a parse error or a missing required value; return the rest.

    Checked here for every reader: ids written as floats (see :func:`float_id_errors`) and
    ``created_at`` before 2004 or after the time of loading (see :func:`implausible_time_errors`).

    ``errors`` maps a data-model column to a Series of messages (NA where the value was fine),
    aligned with ``frame``; ``raw_records`` is a sequence of the original records (dicts),
    positionally aligned; ``frame`` must hold ``source_row``.
    """
    reason = pd.Series(pd.NA, index=frame.index, dtype="string")
    column = pd.Series(pd.NA, index=frame.index, dtype="string")
    errors = dict(errors)
    for col in _ID_COLUMNS:
        if col in frame and col not in errors:
            errors[col] = float_id_errors(frame[col])
    if "created_at" in frame and pd.api.types.is_datetime64_any_dtype(frame["created_at"]):
        late = implausible_time_errors(frame["created_at"])
        errors["created_at"] = late if "created_at" not in errors else errors["created_at"].fillna(late)
    for col, err in errors.items():
        take = err.notna() & reason.isna()
        reason[take] = err[take]
        column[take] = col
    for col in required:
        missing = frame[col].isna() if col in frame else pd.Series(True, index=frame.index)
        if col in frame and frame[col].dtype == "string":
            missing |= frame[col].fillna("").str.strip().eq("")
        take = missing & reason.isna()
        reason[take] = "required value is missing"
        column[take] = col
    bad = reason.notna().to_numpy()
    for pos in np.flatnonzero(bad):
        quarantine.add(frame["source_row"].iloc[pos], raw_records[pos], str(reason.iloc[pos]), table=table,
                       column=str(column.iloc[pos]))
    return frame.loc[~bad].reset_index(drop=True)


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
