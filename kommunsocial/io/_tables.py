"""Tables from raw rows: what a reader returns (:class:`Parsed`), the quarantine, typed field
access on JSON records (:class:`Bad` records), building a data-model table from raw strings with
the shared value parsers, and finishing it (bad rows quarantined)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import KommunsocialError
from ._checks import JsonNumber, float_id_errors, implausible_time_errors
from ._values import normalise_post_type, parse_counts, parse_ids, parse_times

__all__ = ["Parsed", "Quarantine", "finish_table", "Bad", "kind_of", "get_text", "get_id", "get_count",
           "build_table", "finish_parsed"]


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


class Bad(KommunsocialError):
    """A record with a field of the wrong shape: quarantined with ``column`` and ``reason``."""

    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column = column
        self.reason = reason


def kind_of(value) -> str:
    """A short description of a JSON value's type, for messages."""
    return {dict: "an object", list: "a list", bool: "true/false", str: "text", type(None): "null",
            JsonNumber: "a JSON number"}.get(type(value), type(value).__name__)


def get_text(rec: dict, key: str, column: str, *, default=None):
    """A string field: absent/null → ``default``; anything but text is a :class:`Bad` record."""
    value = rec.get(key)
    if value is None:
        return default
    if not isinstance(value, str):
        raise Bad(column, f"{key!r} should be text, found {kind_of(value)}")
    return value


def get_id(rec: dict, key: str, column: str):
    """An id field as a string (numbers were kept as strings by :func:`load_json`)."""
    value = rec.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise Bad(column, f"{key!r} should be an id, found {kind_of(value)}")
    value = value.strip()
    return value or None


def get_count(value, column: str, what: str):
    """A raw count (string after ``parse_int=str``) or ``None``; other shapes are :class:`Bad`."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    raise Bad(column, f"{what} should be a number, found {kind_of(value)}")


def finish_parsed(parsed: Parsed, pages: dict, platform: str, quarantine: Quarantine, layout) -> Parsed:
    """Add the pages its posts belong to (all pages when it has no posts), the quarantine in file
    order and the layout to ``parsed``; shared with the Instagram reader."""
    used = set(parsed.posts["page_id"].dropna()) if len(parsed.posts) else set()
    rows = [{"page_id": pid, "platform": platform, **info} for pid, info in sorted(pages.items())
            if pid in used or not len(parsed.posts)]
    if rows:
        frame = pd.DataFrame(rows)
        frame["page_id"] = frame["page_id"].astype("string")
        if "followers" in frame:
            frame["followers"], _ = parse_counts(frame["followers"])
        parsed.pages = frame
    # records refused while walking the JSON and those refused by the value parsers, in file order
    parsed.quarantine = sorted(quarantine.rows, key=lambda r: r["source_row"] or 0)
    parsed.info = {"layout": ", ".join(sorted(layout)) or "records"}
    return parsed


def build_table(rows, raw, quarantine: Quarantine, table: str, *, ids, counts, texts=(),
                required=(), platform=None, times=("created_at",), tz="UTC") -> pd.DataFrame:
    """Raw string rows → a data-model table using the shared parsers; bad values are quarantined.

    ``rows`` hold strings (or ``None``) keyed by data-model column, plus ``source_row``: a list
    of dicts, or a dict of equally long column lists (a column is there when a row has it; rows
    without it hold ``None``) or arrays (a columnar reader's Arrow arrays of text or of whole
    numbers, parsed as their text would be); ``raw`` holds the original records, aligned, for the
    quarantine.
    """
    if isinstance(rows, dict):
        frame = rows
        index = pd.RangeIndex(len(rows["source_row"]))

        def column(col):  # numbers given as a numpy array stay numbers
            values = frame[col]
            if isinstance(values, pa.Array):  # a columnar reader's text: parsed as any other
                values = values.to_numpy(zero_copy_only=False)
            numeric = isinstance(values, np.ndarray) and values.dtype.kind in "iu"
            return pd.Series(values, index=index, dtype=None if numeric else "object")

        def arrow(col, kind=pa.types.is_string):  # Arrow text (or numbers) goes to the parsers as it is
            values = frame[col]
            return values if isinstance(values, pa.Array) and kind(values.type) else column(col)
    else:
        frame = pd.DataFrame(rows)
        index = frame.index

        def column(col):
            return frame[col]

        def arrow(col, kind=None):
            return frame[col]
    out = pd.DataFrame(index=index)
    errors = {}
    for col in ids:
        if col in frame:
            out[col] = parse_ids(arrow(col))
    for col in times:
        out[col], errors[col] = parse_times(arrow(col), tz=tz)
    if "text" in frame:
        text = arrow("text")
        out["text"] = (pd.array(pc.fill_null(text, ""), dtype="string") if isinstance(text, pa.Array)
                       else text.fillna("").astype("string"))
    for col in texts:
        if col in frame:
            text = arrow(col)
            out[col] = pd.array(text, dtype="string") if isinstance(text, pa.Array) else text.astype("string")
    for col in counts:
        if col in frame:
            out[col], errors[col] = parse_counts(arrow(col, pa.types.is_integer))
    if "post_type" in frame:
        out["post_type"] = normalise_post_type(frame["post_type"])
    if "author_is_page" in frame:
        out["author_is_page"] = column("author_is_page").astype("boolean")
    if platform:
        out["platform"] = platform
    out["source_row"] = column("source_row").astype("Int64")
    out["source_format"] = quarantine.source_format
    out["source_file"] = quarantine.source_file
    return finish_table(out, errors, raw, quarantine, table=table, required=required)
