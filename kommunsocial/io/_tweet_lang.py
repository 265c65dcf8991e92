"""X's own language code of each tweet (``lang``), added to the tables a tweet reader built."""

from __future__ import annotations

import pandas as pd

from ._tables import Parsed

__all__ = ["add_tweet_languages"]


def add_tweet_languages(parsed: Parsed, col) -> Parsed:
    """Give ``parsed``'s posts and comments the ``lang`` field of their tweets as X wrote it (``platform_lang``).

    ``col`` is the reader's ``TweetCollector``: its records (and the expanded context tweets,
    which a record of the same tweet overrides) keep each tweet's raw object or CSV row. The
    loader normalises the codes and prefers them to detection (:func:`kommunsocial.language.combine_languages`).
    """
    codes = {}
    for t in [*col.context, *col.records]:  # records last: they win
        raw = t.get("raw")
        value = raw.get("lang") if isinstance(raw, dict) else None
        codes[t["id"]] = value if isinstance(value, str) and value.strip() else None
    for table, key in (("posts", "post_id"), ("comments", "comment_id")):
        frame = getattr(parsed, table)
        if len(frame) and key in frame:
            frame["platform_lang"] = pd.Series([codes.get(i) for i in frame[key].tolist()], index=frame.index,
                                               dtype="string")
    return parsed
