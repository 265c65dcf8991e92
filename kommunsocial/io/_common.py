"""The readers' shared base, under the name code outside the readers has imported it by.

The base itself lives in :mod:`._decode` (bytes to text), :mod:`._csv` (CSV records and ids),
:mod:`._values` (value parsers), :mod:`._tables` (tables, quarantine) and :mod:`._json` (JSON)."""

from __future__ import annotations

from ._csv import ragged_column, read_csv_records, sniff_delimiter
from ._decode import decode_text, read_text
from ._tables import Parsed, Quarantine, finish_table
from ._values import (NA_TOKENS, ZONE_ABBREVIATIONS, normalise_post_type, parse_bools, parse_counts, parse_ids,
                      parse_times)

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
