"""CSV records and CSV ids as the CSV readers (CrowdTangle, Facepager, MCL, twarc2, generic CSV)
need them: the delimiter, records with their numbers, ragged rows, and ids a spreadsheet mangled."""

from __future__ import annotations

import csv
import io
import re

from ..errors import LoadError

__all__ = ["sniff_delimiter", "ragged_column", "read_csv_records", "clean_csv_id", "scientific_id",
           "check_rounded_ids", "unreadable"]


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


_SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d+)?[eE]\+?\d+")


def clean_csv_id(value: str | None) -> str | None:
    """A CSV cell holding an id: blank → None, a float artefact ``"123.0"`` → ``"123"``."""
    if value is None:
        return None
    value = value.strip()
    if value == "":
        return None
    return value[:-2] if value.endswith(".0") and value[:-2].isdigit() else value


def scientific_id(value) -> bool:
    """True for an id that a spreadsheet turned into ``1.76716E+18`` (its digits are lost)."""
    return isinstance(value, str) and bool(_SCIENTIFIC.fullmatch(value.strip()))


def check_rounded_ids(ids, name: str, column: str):
    """Raise when every long id ends in zeros past the 15th digit: Excel keeps 15 significant digits,
    so a re-saved CSV holds ids that are rounded, no longer unique, and match nothing."""
    long_ids = [v for v in ids if isinstance(v, str) and v.isdigit() and len(v) >= 16]
    if len(long_ids) >= 5 and all(set(v[15:]) == {"0"} for v in long_ids):
        raise LoadError(name, f"every id in this column ends in zeros after the 15th digit (e.g. {long_ids[0]}): "
                              f"the file was saved by a spreadsheet that rounded the ids, which cannot be undone; "
                              f"use the original export", column=column)


def unreadable(value) -> str:
    """A placeholder for an unreadable record: its size, never its content (it may hold names)."""
    return f"<{len(str(value))} characters that are not a readable record>"
