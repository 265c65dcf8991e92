"""kommunsocial's own CSV layout: ``pages.csv``, ``posts.csv``, ``comments.csv`` with the data
model's column names, as the generic CSV reader reads a folder without a mapping.

Times are written in the page's local time with its UTC offset (``2024-03-11T09:15:02+01:00``),
as a researcher's spreadsheet holds them; the reader converts them back to UTC. Every column given
is written (the generator's private ``_`` columns excepted), so this layout carries everything the
data model has.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ...config import page_timezone
from ._common import public_columns, write_csv

__all__ = ["write", "local_times"]


def local_times(times: pd.Series, page_ids: pd.Series, pages: pd.DataFrame) -> list[str]:
    """ISO 8601 times in each page's local zone (from its ``country``), with the offset."""
    country = pages.set_index("page_id")["country"] if "country" in pages else pd.Series(dtype=object)
    zones = page_ids.map(country).map(page_timezone)
    out = [None] * len(times)
    for zone, rows in pd.Series(range(len(times))).groupby(zones.to_numpy(), sort=False):
        local = pd.to_datetime(times.iloc[rows.to_numpy()], utc=True).dt.tz_convert(zone)
        for i, t in zip(rows.tolist(), local):
            out[i] = t.isoformat()
    return out


def write(pages: pd.DataFrame, posts: pd.DataFrame, comments: pd.DataFrame, folder: Path) -> list[Path]:
    """Write the three tables as CSV in ``folder``.

    Parameters
    ----------
    pages, posts, comments : data-model tables (any extra columns are written too); comments may
        carry the commenters' ``author_platform_id`` / ``author_name``, which the loader
        pseudonymises. A comment's local time is its post's page's.

    Returns
    -------
    list of Path : ``pages.csv``, ``posts.csv``, ``comments.csv``.
    """
    folder = Path(folder)
    posts = public_columns(posts)
    posts["created_at"] = local_times(posts["created_at"], posts["page_id"], pages)
    comments = public_columns(comments)
    page_of = comments["post_id"].map(dict(zip(posts["post_id"], posts["page_id"])))
    comments["created_at"] = local_times(comments["created_at"], page_of, pages)
    return [write_csv(public_columns(pages), folder / "pages.csv"), write_csv(posts, folder / "posts.csv"),
            write_csv(comments, folder / "comments.csv")]
