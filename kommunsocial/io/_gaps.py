"""What an export lacks that the reports need: text, counts, follower counts, comment ids, and
for an X search the accounts that are the municipalities'.

A format may simply not have a field (Facepager and the Graph API have no follower counts, a
"Download your information" export has no counts); the reports then leave out what depends on it.
:func:`missing_parts` says so for each file read, so that ingest can warn and the manifest and
the data-quality report can list it, instead of a measure quietly disappearing.
"""

from __future__ import annotations

import pandas as pd

from ..errors import KommunsocialError
from ._tables import Parsed

__all__ = ["COUNT_COLUMNS", "MissingDataWarning", "missing_parts", "describe"]

#: The engagement counts of a post; a file with none of them has no counts.
COUNT_COLUMNS = ("n_reactions", "n_likes", "n_comments", "n_shares")


class MissingDataWarning(KommunsocialError, Warning):
    """An export lacks something the reports need. Not a ``UserWarning``: it is expected of some
    formats, so test suites that turn unexpected warnings into errors let it pass; a
    :class:`~kommunsocial.errors.KommunsocialError`, so that where warnings are made errors, the
    package's errors catch it."""


#: Each kind of count, the columns that hold it, and what the reports lose without it.
_COUNT_GAPS = (
    ("reaction counts", ("n_reactions", "n_likes"), "reactions per post and popularity are not available"),
    ("comment counts", ("n_comments",), "comments per post and commitment are not available"),
    ("share counts", ("n_shares",), "shares per post and virality are not available"),
)


def _all_missing(frame: pd.DataFrame, columns) -> bool:
    """No value in any of ``columns`` (absent columns count as missing)."""
    present = [c for c in columns if c in frame]
    return not present or not frame[present].notna().to_numpy().any()


def _no_text(frame: pd.DataFrame) -> bool:
    if "text" not in frame:
        return True
    text = frame["text"].astype("string").str.strip()
    return bool((text.isna() | (text == "")).all())


def missing_parts(parsed: Parsed, name: str) -> list[dict]:
    """For one file as read: ``{"format", "file", "what", "consequence"}`` for each thing the reports
    need that it lacks entirely (a field that is only sometimes empty is counted in the
    missing-value table instead).

    Posts: text, engagement counts, follower counts (on the posts or on the file's pages). X: the
    municipalities' accounts, when the collection names none (a keyword search, whose authors
    are then taken as pages).
    Comments: text, authors, and the comment ids or post ids of records that had to be quarantined
    for lack of them.
    """
    fmt = parsed.info.get("format") or "unknown"
    out = []

    def add(what, consequence):
        out.append({"format": fmt, "file": name, "what": what, "consequence": consequence})

    posts, comments, pages = parsed.posts, parsed.comments, parsed.pages
    if len(posts):
        if _no_text(posts):
            add("post text", "the tone of these posts cannot be scored")
        if _all_missing(posts, COUNT_COLUMNS):
            add("engagement counts", "reactions, comments and shares are not available")
        else:  # some counts, not all: say which measure goes (Instagram has no shares; old Graph API
            # responses list at most 25 likes and no total)
            for what, columns, consequence in _COUNT_GAPS:
                if _all_missing(posts, columns):
                    add(what, consequence)
        followers_on_pages = len(pages) and not _all_missing(pages, ["followers"])
        if _all_missing(posts, ["followers_at_posting"]) and not followers_on_pages:
            add("follower counts", "per-follower rates are not available")
    if parsed.info.get("pages_named") is False:  # an X collection that names no accounts
        add("named accounts", "this is a keyword search: its authors were taken as pages; name the "
                              "municipalities' accounts with ACCOUNTS= (make), --account (kommunsocial ingest) "
                              "or a pages.csv")
    if len(comments) and _no_text(comments):
        add("comment text", "the tone of comments cannot be scored")
    if len(comments) and _all_missing(comments, ["author_name", "author_platform_id"]):
        add("comment authors", "who comments on and replies to whom cannot be drawn (the network has no "
                               "commenters); threads, answers and reply times are still measured")
    lacking = {}
    for record in parsed.quarantine:
        if record.get("table") == "comments" and record.get("column") in ("comment_id", "post_id"):
            lacking[record["column"]] = lacking.get(record["column"], 0) + 1
    if lacking.get("comment_id"):
        add("comment ids", _quarantined(lacking["comment_id"], "without an id"))
    # "Download your information" comments name no post: the reader gives them a placeholder
    untied = int(comments["post_id"].astype("string").str.endswith(":unknown-post").sum()) \
        if len(comments) and "post_id" in comments else 0
    if lacking.get("post_id", 0) + untied:
        add("post ids of comments", _quarantined(lacking.get("post_id", 0) + untied, "without a post id"))
    return out


def _quarantined(n: int, which: str) -> str:
    """``"1 comment <which> was quarantined"``, or ``"2 comments <which> were quarantined"``."""
    return f"1 comment {which} was quarantined" if n == 1 else f"{n:,} comments {which} were quarantined"


def describe(item: dict) -> str:
    """One sentence: ``"posts.csv (crowdtangle): this export has no follower counts: per-follower
    rates are not available"``."""
    return f"{item['file']} ({item['format']}): this export has no {item['what']}: {item['consequence']}"
