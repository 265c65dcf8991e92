"""Graph API JSON, row building: posts and comments read into raw rows, and the rows into
data-model tables (see :mod:`.graph_api` for the mapping of fields)."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pandas as pd

from ..schema import REACTION_COLUMNS
from ._graph_walk import Walker, reaction_column
from ._json import edge_records
from ._tables import Bad, Parsed, build_table, finish_parsed, get_count, get_id, get_text, kind_of

__all__ = ["Reader", "ATTACHMENT_TYPES", "STATUS_TYPES", "without_comments"]

#: attachment type → data-model vocabulary (``normalise_post_type`` finishes the job)
ATTACHMENT_TYPES = {
    "photo": "photo", "cover_photo": "photo", "profile_media": "photo", "animated_image_share": "photo",
    "animated_image_video": "photo", "album": "album", "new_album": "album", "multi_share": "album",
    "share": "link", "link": "link", "multi_share_no_end_card": "album", "video_inline": "video",
    "video_autoplay": "video", "video": "video", "video_direct_response": "video", "video_share_youtube": "video",
    "video_share_highlighted": "video", "live_video": "live", "live_video_complete": "live",
    "live_video_scheduled": "live", "event": "event", "note": "status", "status": "status",
    "native_templates": "other", "map": "other", "fundraiser_for_story": "other", "music_aggregation": "other",
}
STATUS_TYPES = {
    "added_photos": "photo", "tagged_in_photo": "photo", "added_video": "video", "shared_story": "link",
    "created_event": "event", "mobile_status_update": "status", "published_story": "status", "wall_post": "status",
    "created_note": "status", "created_group": "other", "approved_friend": "other",
}
_POST_IN_URL = re.compile(r"facebook\.com/(\d+)/(?:posts|videos|photos)/(?:[^/?#]+/)?(\d+)")


def permalink_ids(url) -> tuple | None:
    """``(page id, post id, comment id, parent comment id)`` from a comment's ``permalink_url``, or None.

    Page Public Content Access gives no comment ids, but the permalink holds them:
    ``…/19292868552/posts/10158407654328553/?comment_id=1015…73553`` is a top-level comment,
    ``…&reply_comment_id=1015…43553`` a reply to ``comment_id``. Ids come back in the Graph API's
    ``<post>_<comment>`` form; the parent is None for a top-level comment.

    >>> permalink_ids("https://www.facebook.com/19292868552/posts/10158407654328553/?comment_id=2&reply_comment_id=3")
    ('19292868552', '19292868552_10158407654328553', '10158407654328553_3', '10158407654328553_2')
    """
    if not isinstance(url, str) or "comment_id=" not in url:
        return None
    parts = urlsplit(url.strip())
    query = parse_qs(parts.query)
    found = _POST_IN_URL.search(url)
    if found:
        page, post = found.groups()
    elif "story_fbid" in query and "id" in query:
        page, post = query["id"][0], query["story_fbid"][0]
    else:
        return None
    comment, reply = query.get("comment_id", [None])[0], query.get("reply_comment_id", [None])[0]
    if not (comment or "").isdigit() or (reply is not None and not reply.isdigit()):
        return None
    if reply:
        return page, f"{page}_{post}", f"{post}_{reply}", f"{post}_{comment}"
    return page, f"{page}_{post}", f"{post}_{comment}", None


_ABSENT = object()  # a post without ``shares``: 0 or missing, decided once the whole file is seen


def _summary_count(rec: dict, key: str, column: str):
    """``rec[key].summary.total_count`` (or a flattened number) as a raw count; absent → ``None``."""
    value = rec.get(key)
    if isinstance(value, dict):
        summary = value.get("summary")
        if isinstance(summary, dict):
            count = summary.get("total_count")
            if count is None or isinstance(count, str):
                return count
            raise Bad(column, f"{key}.summary.total_count should be a number, found {kind_of(count)}")
        if summary is None:
            return None
        raise Bad(column, f"{key}.summary should be an object, found {kind_of(summary)}")
    if value is None or isinstance(value, str):
        return value
    raise Bad(column, f"{key!r} should be an object with summary.total_count, found {kind_of(value)}")


#: the keys of a record (in order) → its per-type reaction aliases ``[(key, column), ...]``;
#: the posts of one export share a few key layouts
_REACTION_KEYS: dict[tuple, list] = {}


def _reaction_columns(rec: dict) -> list:
    """``(key, column)`` for the keys of ``rec`` that are per-type reaction aliases, in key order."""
    keys = tuple(rec)
    found = _REACTION_KEYS.get(keys)
    if found is None:
        found = [(key, column) for key in keys for column in [reaction_column(key)] if column]
        if len(_REACTION_KEYS) >= 1024:
            _REACTION_KEYS.clear()
        _REACTION_KEYS[keys] = found
    return found


def without_comments(rec: dict) -> dict:
    """A record as it is kept in the quarantine: without its expanded comments (read on their own)."""
    return {k: v for k, v in rec.items() if k != "comments"}


class _Raw:
    """The original records of a table's rows, as the quarantine keeps them (built only for the
    few rows that are quarantined)."""

    def __init__(self, records: list):
        self.records = records

    def __len__(self):
        return len(self.records)

    def __getitem__(self, pos):
        return without_comments(self.records[pos])


#: what a post row holds, in this order (``typed``: per-type reaction counts by column)
_POST_FIELDS = ("post_id", "page_id", "created_at", "text", "url", "n_reactions", "n_comments", "post_type",
                "n_shares", "source_row", "typed")
_COMMENT_FIELDS = ("comment_id", "post_id", "parent_id", "author_name", "author_platform_id", "author_is_page",
                   "created_at", "text", "n_likes", "n_replies", "source_row")


class Reader(Walker):
    """Walks the JSON of one file (see :class:`Walker`), collecting raw rows of posts and comments
    in reading order, and builds the tables from them."""

    def _post(self, rec, page_hint):
        self.row = n = self.row + 1
        if not isinstance(rec, dict):
            self.quarantine.add(n, rec, f"a post should be a JSON object, found {kind_of(rec)}", table="posts",
                                column="post_id")
            return
        try:
            row = self._post_row(rec, page_hint, n)
        except Bad as bad:
            self.quarantine.add(n, without_comments(rec), bad.reason, table="posts", column=bad.column)
            row = None
        else:
            if row is None:
                self.quarantine.add(n, without_comments(rec), "posted on the page's feed by another account, not "
                                    "by the page", table="posts", column="page_id")
            else:
                self.posts.append(row)
                self.post_raw.append(rec)
        # comments expanded inside the post are read even when the post itself was quarantined,
        # so that every record is either loaded or quarantined
        children = rec.get("comments")
        if children is None:
            return
        rid = rec.get("id") if isinstance(rec.get("id"), str) and rec["id"].strip() else None
        post_id = row[0] if row else rid and self._canonical(rid, page_hint or self.default_page)
        page_id = row[1] if row else (post_id.split("_", 1)[0] if post_id and "_" in post_id else None)
        for child in edge_records(children):
            self._comment(child, post_id, page_id, None)

    def _post_row(self, rec, page_hint, n):
        pid = get_id(rec, "id", "post_id")
        page_id = None
        if pid and "_" in pid:
            page_id = pid.split("_", 1)[0]
        author = rec.get("from")
        if author is not None and not isinstance(author, dict):
            raise Bad("page_id", f"'from' should be an object, found {kind_of(author)}")
        author_id = get_id(author, "id", "page_id") if author else None
        page_id = page_id or page_hint or self.default_page or author_id
        if pid and page_id:
            pid = self._canonical(pid, page_id)
        if author_id and page_id and author_id != page_id:
            return None
        if author_id and page_id:
            name = get_text(author, "name", "page_id")
            info = self.pages.get(page_id)
            if info is None or not info.get("page_name"):
                self._page(page_id, name=name)
        created = get_text(rec, "created_time", "created_at")
        text = get_text(rec, "message", "text", default="")
        url = get_text(rec, "permalink_url", "url")
        n_reactions = _summary_count(rec, "reactions", "n_reactions")
        n_comments = _summary_count(rec, "comments", "n_comments")
        post_type = self._post_type(rec)
        typed = {}
        for key, column in _reaction_columns(rec):
            value = rec[key]
            summary = value.get("summary") if isinstance(value, dict) else None
            count = summary.get("total_count") if isinstance(summary, dict) else None
            if count is not None and isinstance(count, str):  # the usual shape, else the checks
                typed[column] = count
            else:
                typed[column] = _summary_count(rec, key, column)
        if "n_likes" not in typed and "likes" in rec:
            typed["n_likes"] = _summary_count(rec, "likes", "n_likes")  # legacy field, likes only
        shares = rec.get("shares")
        if shares is None:
            n_shares = _ABSENT
        elif isinstance(shares, dict):
            n_shares = get_count(shares.get("count"), "n_shares", "shares.count")
            self.shares_requested = True
        elif isinstance(shares, str):
            n_shares = shares
            self.shares_requested = True
        else:
            raise Bad("n_shares", f"'shares' should be an object with 'count', found {kind_of(shares)}")
        return pid, page_id, created, text, url, n_reactions, n_comments, post_type, n_shares, n, typed

    @staticmethod
    def _post_type(rec) -> str | None:
        attachments = rec.get("attachments")
        first = edge_records(attachments)[:1]
        if first and isinstance(first[0], dict) and isinstance(first[0].get("type"), str):
            t = first[0]["type"].strip().lower()
            return ATTACHMENT_TYPES.get(t, "other")
        status = rec.get("status_type")
        if isinstance(status, str) and status.strip():
            return STATUS_TYPES.get(status.strip().lower(), "other")
        legacy = rec.get("type")
        if isinstance(legacy, str) and legacy.strip():
            return legacy.strip().lower()
        return None

    def _comment(self, rec, post_id, page_id, parent):
        self.row = n = self.row + 1
        if not isinstance(rec, dict):
            self.quarantine.add(n, rec, f"a comment should be a JSON object, found {kind_of(rec)}",
                                table="comments", column="comment_id")
            return
        # one comment's row, the checks in this order (a record with several bad fields is
        # quarantined for the first of them); this runs for every comment, hence written out
        get = rec.get
        try:
            cid = get("id")
            if cid is not None:
                if not isinstance(cid, str):
                    raise Bad("comment_id", f"'id' should be an id, found {kind_of(cid)}")
                cid = cid.strip() or None
            created = get("created_time")
            if created is not None and not isinstance(created, str):
                raise Bad("created_at", f"'created_time' should be text, found {kind_of(created)}")
            text = get("message")
            if text is None:
                text = ""
            elif not isinstance(text, str):
                raise Bad("text", f"'message' should be text, found {kind_of(text)}")
            author = get("from")
            if author:
                if not isinstance(author, dict):
                    raise Bad("author_platform_id", f"'from' should be an object, found {kind_of(author)}")
                author_id = author.get("id")
                if author_id is not None:
                    if not isinstance(author_id, str):
                        raise Bad("author_platform_id", f"'id' should be an id, found {kind_of(author_id)}")
                    author_id = author_id.strip() or None
                author_name = author.get("name")
                if author_name is not None and not isinstance(author_name, str):
                    raise Bad("author_name", f"'name' should be text, found {kind_of(author_name)}")
            elif author is not None and not isinstance(author, dict):
                raise Bad("author_platform_id", f"'from' should be an object, found {kind_of(author)}")
            else:
                author_id = author_name = None
            row_parent = parent
            given_parent = get("parent")
            if given_parent is not None:
                if isinstance(given_parent, dict):
                    row_parent = get_id(given_parent, "id", "parent_id") or parent
                elif isinstance(given_parent, str) and given_parent.strip():
                    row_parent = given_parent.strip()
                else:
                    raise Bad("parent_id", f"'parent' should be an object with 'id', found {kind_of(given_parent)}")
            row_post, row_page = post_id, page_id
            linked = None if cid else permalink_ids(get("permalink_url"))
            if linked:  # no id, but the permalink names the comment, its thread and its post
                cid, row_parent = linked[2], linked[3] or row_parent
                if row_post is None:
                    row_post = self._canonical(linked[1], None)
                    row_page = self._page_of(row_post)
            if row_post is None and cid and "_" in cid:
                row_post = self._canonical(cid.split("_", 1)[0], page_id)
                row_page = self._page_of(row_post)
            if row_post is None:
                raise Bad("post_id", "cannot tell which post this comment belongs to: it has no id and the file "
                                     "shows no post (name the file comments_<page_id>_<post_id>.json or pass "
                                     "post_id=)")
            if "_" not in row_post:
                self.bare_post_ids += 1
            if row_parent is not None and row_parent in (row_post, row_post.split("_", 1)[-1]):
                row_parent = None  # a reply to the post itself is a top-level comment
            if not cid:
                # Page Public Content Access gives no comment ids since v11: a stable stand-in, so
                # the same comment read from two files is still one comment
                digest = hashlib.sha1("\x1f".join(str(x) for x in (row_post, created, text, row_parent, author_id))
                                      .encode("utf-8")).hexdigest()[:16]
                cid = f"{row_post.split('_', 1)[-1]}_noid{digest}"
            if author_id and row_page:
                is_page = author_id == row_page
                if is_page:
                    info = self.pages.get(row_page)
                    if info is None or not info.get("page_name"):
                        self._page(row_page, name=author_name)
            elif author_name and row_page:
                info = self.pages.get(row_page)
                page_name = info.get("page_name") if info else None
                if page_name:
                    is_page = author_name == page_name
                else:
                    is_page = None
                    self.name_missed.add(row_page)
            else:
                is_page = None
            likes = get("like_count")
            if likes is not None and not isinstance(likes, str):
                raise Bad("n_likes", f"'like_count' should be a number, found {kind_of(likes)}")
            replies = get("comment_count")
            if replies is not None and not isinstance(replies, str):
                raise Bad("n_replies", f"'comment_count' should be a number, found {kind_of(replies)}")
        except Bad as bad:
            self.quarantine.add(n, without_comments(rec), bad.reason, table="comments", column=bad.column)
            # replies of a quarantined comment still point at its id when it had one
            own = rec["id"].strip() if isinstance(rec.get("id"), str) else None
        else:
            self.comments.append((cid, row_post, row_parent, author_name, author_id, is_page, created, text, likes,
                                  replies, n))
            self.comment_raw.append(rec)
            own, post_id = cid, row_post
        children = get("comments")
        if children is not None:
            for child in edge_records(children):
                self._comment(child, post_id, page_id, own)

    # -- tables ----------------------------------------------------------------------------------
    def take_rows(self) -> tuple:
        """The rows read so far as (posts, comments) frames (None when there are none); the raw
        rows are then let go, so a file read in chunks holds one chunk's rows at a time."""
        posts = comments = None
        if self.posts:
            columns = dict(zip(_POST_FIELDS, map(list, zip(*self.posts))))
            typed = columns.pop("typed")
            for column in dict.fromkeys(c for t in typed if t for c in t):
                columns[column] = [t.get(column) for t in typed]
            del typed
            shares = columns["n_shares"]
            if _ABSENT in shares:
                if self.shares_requested:  # it stays requested: absent means 0
                    columns["n_shares"] = ["0" if v is _ABSENT else v for v in shares]
                else:  # missing unless a later post or request shows it was requested (see tables)
                    columns["n_shares"] = [None if v is _ABSENT else v for v in shares]
                    self.absent_shares += [n for v, n in zip(shares, columns["source_row"]) if v is _ABSENT]
            posts = self.post_table(columns, _Raw(self.post_raw))
        if self.comments:
            columns = dict(zip(_COMMENT_FIELDS, map(list, zip(*self.comments))))
            comments = self.comment_table(columns, _Raw(self.comment_raw))
        self.posts, self.post_raw, self.comments, self.comment_raw = [], [], [], []
        return posts, comments

    def post_table(self, columns: dict, raw) -> pd.DataFrame:
        """The posts table of raw post columns (``n_shares`` settled); ``raw``: the records, aligned."""
        counts = ["n_reactions", "n_likes", *REACTION_COLUMNS, "n_comments", "n_shares"]
        return build_table(columns, raw, self.quarantine, "posts", ids=["post_id", "page_id"], counts=counts,
                           texts=["url"], required=["post_id", "page_id", "created_at"], platform="facebook")

    def comment_table(self, columns: dict, raw) -> pd.DataFrame:
        """The comments table of raw comment columns; ``raw``: the records, aligned."""
        return build_table(columns, raw, self.quarantine, "comments",
                           ids=["comment_id", "post_id", "parent_id", "author_platform_id"],
                           counts=["n_likes", "n_replies"], texts=["author_name"],
                           required=["comment_id", "post_id", "created_at"])

    def tables(self, parts=None) -> Parsed:
        parts = [*(parts or []), self.take_rows()]
        if self.absent_shares and self.shares_requested:
            # a post without ``shares`` read before the file showed that shares were requested: 0
            absent = np.asarray(self.absent_shares, dtype="int64")
            for frame, _ in parts:
                if frame is not None:
                    rows = np.isin(frame["source_row"].to_numpy(dtype="int64"), absent)
                    if rows.any():
                        frame.loc[rows, "n_shares"] = 0
        parsed = Parsed(quarantine=self.quarantine.rows)
        for i, table in enumerate(("posts", "comments")):
            frames = [p[i] for p in parts if p[i] is not None]
            if frames:
                setattr(parsed, table, frames[0] if len(frames) == 1 else
                        pd.concat(frames, ignore_index=True).astype(frames[0].dtypes.to_dict()))
        pages = {pid: info for pid, info in self.pages.items() if info.get("page_name")}
        finish_parsed(parsed, pages, "facebook", self.quarantine, self.layout)
        if self.bare_post_ids:
            parsed.info["bare_post_ids"] = self.bare_post_ids
        return parsed
