"""What every writer needs: CSV and JSON output with fixed settings, missing values, authors."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

__all__ = ["write_csv", "json_text", "count", "present", "authors", "public_columns"]


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """A table as UTF-8 CSV with ``\\n`` line ends (the same bytes on every machine)."""
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    return path


def json_text(value) -> str:
    """Compact JSON with non-ASCII characters as they are, as the platforms' APIs send it."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def present(value) -> bool:
    """False for None, NaN, ``pd.NA`` and ``NaT``: a value the export leaves out."""
    return value is not None and not (pd.api.types.is_scalar(value) and pd.isna(value))


def count(value) -> int | None:
    """A count as a Python int, or None when it is missing (the writer then leaves the field out)."""
    return int(value) if present(value) else None


def public_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The table without the generator's private ``_`` columns (topic, tone…), which no export has."""
    return frame.drop(columns=[c for c in frame.columns if str(c).startswith("_")])


def authors(comments: pd.DataFrame) -> tuple[list, list]:
    """Commenters' platform ids and names as lists (None where unknown).

    A raw corpus (the sample's) has ``author_platform_id`` and ``author_name``; a loaded dataset
    has only the pseudonym ``author_id``, which is then written as the id and no name.
    """
    n = len(comments)
    ids = comments["author_platform_id"] if "author_platform_id" in comments else comments.get("author_id")
    names = comments["author_name"] if "author_name" in comments else None
    as_list = (lambda s: [None] * n if s is None else
               s.astype(object).where(s.notna(), None).tolist())
    return as_list(ids), as_list(names)
