"""Facepager's custom columns: which Graph API field paths (and preset aliases) fill which data-model column.

Facepager's presets name their columns in several ways for the same count: the full field path
(``comments.summary.total_count``), the alias a preset gives a field in its query
(``comments.limit(0).summary(true)`` exported as ``comments``) or the per-node names of the
comment presets (``comment_likes``, ``comment_comments``). All of them are read; an alias cell
that holds the fetched JSON object rather than the number gives its ``summary.total_count``
(or ``count`` for ``shares``).
"""

from __future__ import annotations

import json

import pandas as pd

from ._values import parse_counts

__all__ = ["POST_COLUMNS", "COMMENT_COLUMNS", "STATUS_TYPES", "REACTION_TYPES", "read_counts", "comment_own_ids"]

REACTION_TYPES = ["like", "love", "wow", "haha", "sad", "angry", "care"]

#: data-model column -> candidate custom columns (lower case), first present wins
POST_COLUMNS = {
    "text": ["message"],
    "created_at": ["created_time"],
    "url": ["permalink_url"],
    "post_type": ["status_type", "type", "attachments.data.*.type", "attachments.data.0.type"],
    "n_reactions": ["reactions.summary.total_count", "reactions", "reactions_count"],
    "n_likes": ["like.summary.total_count", "reactions_like.summary.total_count", "likes.summary.total_count",
                "likes", "likes_count"],
    **{f"n_{t}": [f"{t}.summary.total_count", f"reactions_{t}.summary.total_count"] for t in REACTION_TYPES[1:]},
    "n_comments": ["comments.summary.total_count", "comments", "comments_count"],
    "n_shares": ["shares.count", "shares", "shares_count"],
}
COMMENT_COLUMNS = {
    "text": ["message"],
    "created_at": ["created_time"],
    "author_name": ["from.name"],
    "author_platform_id": ["from.id"],
    "parent": ["parent.id"],
    "n_likes": ["like_count", "comment_likes", "likes.summary.total_count"],
    # not the bare `comments` / `likes`: in the presets those are the posts' counts, empty on comment rows
    "n_replies": ["comment_count", "comment_comments", "comments.summary.total_count"],
}
#: status_type values of the Graph API → the data model's post types
STATUS_TYPES = {"added_photos": "photo", "added_video": "video", "mobile_status_update": "status",
                "shared_story": "link", "created_event": "event", "published_story": "status",
                "wall_post": "status", "created_note": "status", "tagged_in_photo": "photo",
                "approved_friend": "other", "video_inline": "video", "video_autoplay": "video",
                "animated_image_share": "photo", "photo_album": "album", "new_album": "album"}


def _json_count(value):
    """The number in a cell that holds a fetched JSON object (``{"summary": {"total_count": 4}}``,
    ``{"count": 4}``); any other cell unchanged, so a bad value is still reported as bad."""
    if not isinstance(value, str) or not value.lstrip().startswith("{"):
        return value
    try:
        obj = json.loads(value)
    except ValueError:
        return value
    summary = obj.get("summary") if isinstance(obj, dict) else None
    if isinstance(summary, dict) and "total_count" in summary:
        return str(summary["total_count"])
    if isinstance(obj, dict) and "count" in obj:
        return str(obj["count"])
    return value


def read_counts(table, columns: dict, rows, out: pd.DataFrame, errors: dict) -> None:
    """Fill the count columns of ``out`` (and their parse errors) from the first candidate column the export has."""
    for model, candidates in columns.items():
        if not model.startswith("n_"):
            continue
        source = table.first(candidates)
        if source is None:
            continue
        cells = table.custom(source).iloc[rows].reset_index(drop=True).map(_json_count)
        out[model], errors[model] = parse_counts(cells)


def comment_own_ids(table) -> pd.Series | None:
    """The comment's own Facebook id from a custom column a preset names for it (``comment_id``,
    ``comment.id``), or None. Facepager's fixed ``id`` is its node number, and a second ``id``
    column cannot be read (the header would repeat a name), so such an alias is the only place
    the comment's own id can be when ``object_id`` holds the post's id."""
    source = table.first(["comment_id", "comment.id"])
    return None if source is None else table.custom(source)
