"""Build small datasets from a few fields per row, for examples, tests and benchmarks."""

from __future__ import annotations

import pandas as pd

from ..schema import Dataset

__all__ = ["make_dataset", "example_dataset"]


def _fill(frame: pd.DataFrame, table: str, defaults: dict) -> pd.DataFrame:
    frame = frame.copy()
    for col, value in defaults.items():
        if col not in frame.columns:
            frame[col] = value
        else:  # rows that left the field out
            frame[col] = frame[col].astype(object).where(frame[col].notna(), value)
    if "source_row" not in frame.columns:
        frame["source_row"] = range(1, len(frame) + 1)
    for col in ("created_at",):
        if col in frame.columns:
            frame[col] = pd.to_datetime(frame[col], utc=True).astype("datetime64[us, UTC]")
    return frame


def make_dataset(pages, posts, comments) -> Dataset:
    """A :class:`~kommunsocial.Dataset` from rows holding only the fields that matter to a network.

    ``pages`` need ``page_id`` (``page_name``, ``country`` optional), ``posts`` need ``post_id``,
    ``page_id``, ``created_at``; ``comments`` need ``comment_id``, ``post_id``, ``parent_id``,
    ``author_id``, ``author_is_page``, ``created_at`` (``text`` optional). Timestamps may be strings
    (read as UTC). Everything else gets a neutral value (platform facebook, empty text, no counts).
    """
    text = {"n_urls": 0, "n_hashtags": 0, "n_mentions": 0, "n_emoji": 0, "hashtags": "",
            "source_format": "csv", "source_file": "example.csv"}
    pages = pd.DataFrame(pages)
    pages = _fill(pages, "pages", {"platform": "facebook", "page_name": pages["page_id"], "country": "SE"})
    posts = _fill(pd.DataFrame(posts), "posts", {"platform": "facebook", "text": "", "post_type": "status",
                                                  **text})
    comments = pd.DataFrame(comments, columns=None if len(comments) else
                            ["comment_id", "post_id", "parent_id", "author_id", "author_is_page", "created_at"])
    comments = _fill(comments, "comments", {"text": "", **text})
    return Dataset(pages.drop(columns=["source_row"]), posts, comments)


def example_dataset() -> Dataset:
    """One page, one post, two threads: ``p_anna`` asks and the page answers after 2 hours with
    ``p_bo`` joining in; ``p_bo`` remarks and nobody answers.

    >>> example_dataset()
    <Dataset: 1 pages, 1 posts, 4 comments, 0 quarantined>
    """
    return make_dataset(
        [{"page_id": "P", "page_name": "Sjövik kommun"}],
        [{"post_id": "P_1", "page_id": "P", "created_at": "2024-03-01 08:00"}],
        [{"comment_id": "c1", "post_id": "P_1", "parent_id": None, "author_id": "p_anna", "author_is_page": False,
          "created_at": "2024-03-01 09:00", "text": "När öppnar simhallen?"},
         {"comment_id": "c2", "post_id": "P_1", "parent_id": "c1", "author_id": "p_bo", "author_is_page": False,
          "created_at": "2024-03-01 09:30", "text": "Undrar också."},
         {"comment_id": "c3", "post_id": "P_1", "parent_id": "c1", "author_id": "P", "author_is_page": True,
          "created_at": "2024-03-01 11:00", "text": "Hej! Klockan tio."},
         {"comment_id": "c4", "post_id": "P_1", "parent_id": None, "author_id": "p_bo", "author_is_page": False,
          "created_at": "2024-03-01 12:00", "text": "Bra info."}],
    )
