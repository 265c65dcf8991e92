"""Spreadsheet-safe exports: a post's ``=HYPERLINK(…)`` is written as text, never as a live formula.

Coders and readers open the package's CSV and XLSX files in Excel or LibreOffice, which run a cell
that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some versions, tab or carriage return) as a
formula (OWASP "CSV injection"). Every table the package writes goes through this module:

* CSV (:func:`to_csv`): a text cell that starts with one of :data:`TRIGGERS` gets a single quote
  ``'`` in front, which spreadsheets show as text. So that the rule can be undone exactly, a text
  that already starts with ``'`` gets one more; :func:`unprotect` removes the one added, and
  ``unprotect(protect(text)) == text`` for every text.
* XLSX (:func:`to_excel`): text is written as it is, in cells typed as text (openpyxl would store
  a string starting with ``=`` as a formula) and marked with Excel's quote prefix.

Numbers stay numbers: only text (``str``) cells are touched, so a count of ``-3`` stays ``-3``.

>>> protect("=HYPERLINK(\\"http://x\\")"), protect("-3"), protect(-3), protect("'=1"), protect("Hej!")
('\\'=HYPERLINK("http://x")', "'-3", -3, "''=1", 'Hej!')
>>> unprotect(protect("'=1"))
"'=1"
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

__all__ = ["TRIGGERS", "protect", "unprotect", "protect_frame", "unprotect_frame", "to_csv", "to_excel"]

#: First characters that make a spreadsheet read a cell as a formula (OWASP).
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"
_ESCAPED = TRIGGERS + (_QUOTE,)


def protect(value):
    """A text cell as written to CSV: ``'`` in front when it starts with a trigger or a quote.

    Anything that is not a ``str`` (numbers, dates, missing values) is returned unchanged.
    """
    if isinstance(value, str) and value.startswith(_ESCAPED):
        return _QUOTE + value
    return value


def unprotect(value):
    """The text :func:`protect` was given: one leading ``'`` removed when a trigger or quote follows.

    A text starting with ``'`` and anything else (as a coder may type it) is left alone.
    """
    if isinstance(value, str) and value.startswith(_QUOTE) and value[1:2] and value[1:].startswith(_ESCAPED):
        return value[1:]
    return value


def _text_columns(frame: pd.DataFrame):
    """Positions of the columns that may hold text (object, string or category columns)."""
    return [i for i, dtype in enumerate(frame.dtypes) if not (pd.api.types.is_numeric_dtype(dtype)
            or pd.api.types.is_datetime64_any_dtype(dtype) or isinstance(dtype, pd.DatetimeTZDtype))]


def _map_texts(frame: pd.DataFrame, func) -> pd.DataFrame:
    """``func`` applied to every text value, index label and column name of ``frame`` (a copy)."""
    out = frame.copy(deep=False)
    for i in _text_columns(out):
        col = out.iloc[:, i]  # an object column may mix text with numbers: only the str values change
        mapped = col.map(func, na_action="ignore")
        out.isetitem(i, mapped.astype(col.dtype) if isinstance(col.dtype, pd.StringDtype) else mapped)
    for axis in ("index", "columns"):
        labels = getattr(out, axis)
        if isinstance(labels, pd.MultiIndex):
            labels = pd.MultiIndex.from_tuples([tuple(func(v) for v in t) for t in labels], names=labels.names)
        elif not pd.api.types.is_numeric_dtype(labels) and not pd.api.types.is_datetime64_any_dtype(labels):
            labels = labels.map(lambda v: func(v) if isinstance(v, str) else v)
        setattr(out, axis, labels)
    return out


def protect_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with :func:`protect` applied to every text value, index label and column name."""
    return _map_texts(frame, protect)


def unprotect_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The inverse of :func:`protect_frame`, for a table read back from a CSV the package wrote."""
    return _map_texts(frame, unprotect)


def _lone_cr(value) -> bool:
    return isinstance(value, str) and "\r" in value and "\n" not in value


def to_csv(frame: pd.DataFrame, path, **kwargs) -> Path:
    """``frame.to_csv(path, **kwargs)`` with every text protected; returns the path.

    A table with a lone carriage return in a text (one without a line feed) is written with every
    text quoted: the csv module (Python 3.11) quotes a field holding a line feed but not one holding
    only a carriage return, which a reader (Excel, pandas) would take for the end of a row.
    """
    safe = protect_frame(frame)
    texts = [safe.iloc[:, i] for i in _text_columns(safe)] + [safe.index.to_series()]
    # as bool: an empty text column maps to an empty string column, which has no any()
    if "quoting" not in kwargs and any(s.map(_lone_cr).astype(bool).any() for s in texts):
        kwargs["quoting"] = csv.QUOTE_NONNUMERIC
    safe.to_csv(path, **kwargs)
    return Path(path)


def to_excel(sheets: dict, path) -> Path:
    """Write ``{sheet name: DataFrame}`` to an XLSX workbook with every text cell typed as text.

    The frames are written by pandas without their index. A text openpyxl took for a formula
    (it starts with ``=``) is set back to text; every text starting with a trigger is marked with
    Excel's quote prefix, so editing the cell in Excel keeps it text as well. The text reads back
    as written, but for a lone carriage return, which XML reads back as a line feed.
    """
    path = Path(path)
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        for name, frame in sheets.items():
            frame.to_excel(xl, sheet_name=name, index=False)
            for row in xl.sheets[name].iter_rows():
                for cell in row:
                    if cell.data_type == "f" or (cell.data_type == "s" and str(cell.value).startswith(TRIGGERS)):
                        cell.data_type = "s"
                        cell.quotePrefix = True
    return path
