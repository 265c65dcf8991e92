"""Instagram Graph API JSON (professional accounts): media and comments.

What one file may hold
----------------------
The same shapes as the Facebook Graph reader (:mod:`kommunsocial.io.graph_api`): one response
``{"data": [...], "paging": {...}}``, a bare list of records, a list of responses, JSON Lines
(one response or one record per line), or a node:

* ``GET /{ig-user-id}/media?fields=...`` → media (posts);
* ``GET /{ig-user-id}?fields=username,name,followers_count,media{...}`` → the account and its media;
* ``GET /{your-ig-user-id}?fields=business_discovery.username(ACCOUNT){followers_count,media{...}}``
  → another public professional account and its media (how researchers collect accounts they do
  not manage): the ``business_discovery`` node is read as that account's user node, and the
  requesting account's own ``id`` beside it is ignored;
* ``GET /{ig-media-id}/comments?fields=...,replies{...}`` → comments with their replies nested;
* ``GET /{ig-comment-id}/replies`` → replies of one comment;
* ``GET /{ig-media-id}?fields=...,comments{...}`` → a media item and its comments.

Mapping of media fields (→ posts)
---------------------------------
``id`` → ``post_id``; the account (→ ``page_id``) is ``owner.id``, else the user node or the
request URL (``/{ig-user-id}/media``), else ``page_id=`` given to
:func:`kommunsocial.io.read_file`, else the ``username`` (then ``page_id`` is the user name);
``timestamp`` (``2024-03-11T12:30:00+0000``) → ``created_at``; ``caption`` → ``text`` (absent →
``""``); ``permalink`` → ``url``; ``like_count`` → ``n_likes`` and ``n_reactions`` (likes are
Instagram's only reaction; the field is omitted when the owner hides likes → missing);
``comments_count`` → ``n_comments``; ``media_product_type`` ``REELS`` → ``reel``, ``STORY`` →
``other``, otherwise ``media_type`` ``IMAGE`` → ``photo``, ``VIDEO`` → ``video``,
``CAROUSEL_ALBUM`` → ``album``. Shares, views and per-type reactions are not in these responses
(missing). ``username`` → the page's ``handle`` (and name, unless a user node gives ``name``);
``followers_count`` of a user node → ``followers``.

Mapping of comment fields (→ comments)
--------------------------------------
``id`` → ``comment_id``; ``text`` → ``text``; ``timestamp`` → ``created_at``; ``like_count`` →
``n_likes``; ``username`` (or ``from.username``) → ``author_name``; ``from.id`` →
``author_platform_id``. Threads are two levels deep: ``parent_id`` is the field of that name,
else the top-level comment a reply is nested in (a reply to a reply is attached to the top-level
comment by Instagram itself), else the comment of a ``/{comment-id}/replies`` request.
``n_replies`` is missing (the API reports no reply count). ``author_is_page`` is true when the
comment carries ``user`` (returned only for the account's own comments) or its author is the
account (same id or user name, when the file shows the account), false for another author of a
known account, and missing when the file does not show the account (the loader then recognises
the account by its handle).

**Which media a comment belongs to**, in this order: ``media.id`` on the comment; the media node
it is nested in; the request URL (``/{ig-media-id}/comments``); ``post_id=`` given to
:func:`~kommunsocial.io.read_file`; the first 15–19 digit number in the file name
(``comments_17993456781234567.json``). A comment whose media cannot be told is quarantined.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import LoadError
from ._json import edge_records, head_text, key_pattern, load_json, url_hint
from ._tables import Bad, Parsed, Quarantine, build_table, finish_parsed, get_count, get_id, get_text, kind_of

FORMAT = "instagram"

__all__ = ["FORMAT", "sniff", "read"]

_TIMESTAMP_TEXT = re.compile(r'(?<![\\\w])"timestamp"\s*:\s*"')
_IG_KEYS = key_pattern("media_type", "media_product_type", "caption", "permalink", "comments_count", "username",
                       "like_count", "replies", "shortcode", "media_url", "is_comment_enabled")
#: Facebook Graph (created_time), MCL (creation_time) and X (created_at) records.
_FOREIGN = key_pattern("created_time", "creation_time", "created_at", "post_owner", "statistics")
_IG_URL = re.compile(r"graph\.(?:facebook|instagram)\.com/(?:v[\d.]+/)?\d+/(?:media|comments|replies)\b")


def sniff(head: bytes, name: str) -> bool:
    """JSON whose records carry Instagram's text ``timestamp`` with Instagram keys (``caption``,
    ``media_type``, ``username``, ``replies``…), or an empty page of Instagram results."""
    text = head_text(head)
    if not text or text[0] not in "[{" or _FOREIGN.search(text):
        return False
    if _TIMESTAMP_TEXT.search(text) and _IG_KEYS.search(text):
        return True
    return bool(_IG_URL.search(text.replace("\\/", "/")) and '"data"' in text)


_MEDIA_KEYS = {"caption", "media_type", "media_product_type", "media_url", "permalink", "shortcode", "comments_count",
               "thumbnail_url", "is_comment_enabled", "children", "owner", "legacy_instagram_media_id"}
_COMMENT_KEYS = {"text", "replies", "parent_id", "hidden", "from", "user", "media", "legacy_instagram_comment_id"}
_PERSONAL = ["username", "from", "user"]


def _vote(records):
    m = c = 0
    for rec in records[:50]:
        if isinstance(rec, dict):
            m += len(_MEDIA_KEYS & set(rec))
            c += len(_COMMENT_KEYS & set(rec))
    return "media" if m > c else "comments" if c > m else None


def _post_type(rec) -> str | None:
    product = rec.get("media_product_type")
    if isinstance(product, str) and product.strip().upper() in ("REELS", "STORY"):
        return "reel" if product.strip().upper() == "REELS" else "story"
    media_type = rec.get("media_type")
    if isinstance(media_type, str) and media_type.strip():
        return media_type.strip().lower()
    return None


def _discovered(obj: dict) -> dict:
    """The account node of a business discovery response; any other object as it is."""
    node = obj.get("business_discovery")
    return node if isinstance(node, dict) and isinstance(node.get("media"), dict) else obj


def _is_wrapper(obj: dict) -> bool:
    obj = _discovered(obj)
    if isinstance(obj.get("data"), list):
        return True
    if isinstance(obj.get("media"), dict) and isinstance(obj["media"].get("data"), list):
        return True
    return isinstance(obj.get("comments"), dict) and "timestamp" not in obj


class _Reader:
    """Walks one file's JSON, collecting raw rows of media and comments in reading order."""

    def __init__(self, name, options):
        self.name = name
        self.options = options or {}
        self.row = 0
        self.posts, self.post_raw, self.comments, self.comment_raw = [], [], [], []
        self.pages: dict[str, dict] = {}
        self.quarantine = Quarantine(name, FORMAT, personal=_PERSONAL)
        m = re.search(r"(?<!\d)(\d{15,19})(?!\d)", Path(name).name)
        self.name_media = m.group(1) if m else None
        self.layout = set()

    def units(self, docs):
        units = []
        for line, doc in docs:
            items = doc if isinstance(doc, list) else [doc]
            if not isinstance(doc, (list, dict)):
                where = f"line {line} holds" if line is not None else "the JSON is"
                raise LoadError(self.name, f"not an Instagram Graph API response: {where} {kind_of(doc)}, not an "
                                           "object", row=line)
            loose = []
            for item in items:
                if isinstance(item, dict) and _is_wrapper(item):
                    if loose:
                        units.append((_vote(loose), loose, {}))
                        loose = []
                    units.append(self._container(item, line))
                elif isinstance(doc, dict) and not ({"id", "timestamp"} & set(doc)):
                    raise LoadError(self.name, "not an Instagram Graph API response: expected an object with a "
                                               f"'data' list, a media item or a comment; found the keys "
                                               f"{sorted(doc)[:8]}", row=line)
                else:
                    loose.append(item)
            if loose:
                self.layout.add("records")
                units.append((_vote(loose), loose, {}))
        return units

    def _container(self, obj, line):
        if obj.get("business_discovery") is not None:
            self.layout.add("business discovery")
        obj = _discovered(obj)
        error = obj.get("error")
        if isinstance(error, dict):
            raise LoadError(self.name, f"the file holds a Graph API error, not data: {error.get('message')}", row=line)
        if isinstance(obj.get("data"), list):
            hint = url_hint(obj.get("paging"))
            edge, node = hint.get("edge"), hint.get("node")
            kind = "media" if edge == "media" else "comments" if edge in ("comments", "replies") else _vote(obj["data"])
            ctx = {}
            if edge == "media" and node:
                ctx["account"] = node
            elif edge == "comments" and node:
                ctx["media"] = node
            elif edge == "replies" and node:
                ctx["parent"] = node
            self.layout.add("response")
            return kind, obj["data"], ctx
        if isinstance(obj.get("media"), dict) and isinstance(obj["media"].get("data"), list):
            account = get_id(obj, "id", "page_id") if isinstance(obj.get("id"), str) else None
            handle = obj.get("username") if isinstance(obj.get("username"), str) else None
            key = account or handle
            if key:
                self._page(key, name=obj.get("name"), handle=handle, followers=obj.get("followers_count"))
            self.layout.add("user node")
            return "media", obj["media"]["data"], {"account": account, "handle": handle}
        # a media node with only its comments requested
        media = obj.get("id") if isinstance(obj.get("id"), str) else None
        self.layout.add("media node")
        return "comments", edge_records(obj["comments"]), {"media": media}

    def _page(self, page_id, *, name=None, handle=None, followers=None):
        info = self.pages.setdefault(page_id, {})
        # without a user node the name stays missing: the loader then names the page by its handle
        for key, value in (("page_name", name), ("handle", handle), ("followers", followers)):
            if isinstance(value, str) and value.strip() and not info.get(key):
                info[key] = value.strip()

    def _next_row(self):
        self.row += 1
        return self.row

    def read(self, units):
        known = [k for k, _, _ in units if k]
        default = max(set(known), key=known.count) if known else (
            "comments" if "comment" in Path(self.name).name.lower() else "media")
        for kind, records, ctx in units:
            kind = kind or default
            for rec in records:
                if kind == "media":
                    self._media(rec, ctx)
                else:
                    self._comment(rec, media=ctx.get("media"), parent=ctx.get("parent"),
                                  account=(ctx.get("account") or self.options.get("page_id"),
                                           ctx.get("handle") or self.options.get("handle")))

    def _record(self, rec, what: str, table: str, column: str, nested: str):
        """``(row, raw)``: the record's row number and the record as the quarantine keeps it
        (without its ``nested`` edge, read on its own); ``raw`` is None for a value that is not
        an object, which is quarantined."""
        n = self._next_row()
        if not isinstance(rec, dict):
            self.quarantine.add(n, rec, f"{what} should be a JSON object, found {kind_of(rec)}", table=table,
                                column=column)
            return n, None
        return n, {k: v for k, v in rec.items() if k != nested}

    def _media(self, rec, ctx):
        n, raw = self._record(rec, "a media item", "posts", "post_id", "comments")
        if raw is None:
            return
        try:
            owner = rec.get("owner")
            if owner is not None and not isinstance(owner, dict):
                raise Bad("page_id", f"'owner' should be an object, found {kind_of(owner)}")
            handle = get_text(rec, "username", "page_id") or ctx.get("handle")
            account = (get_id(owner, "id", "page_id") if owner else None) or ctx.get("account") or \
                self.options.get("page_id")
            page_id = account or handle
            likes = get_count(rec.get("like_count"), "n_likes", "'like_count'")
            row = {
                "post_id": get_id(rec, "id", "post_id"), "page_id": page_id,
                "created_at": get_text(rec, "timestamp", "created_at"),
                "text": get_text(rec, "caption", "text", default=""),
                "url": get_text(rec, "permalink", "url"),
                "post_type": _post_type(rec), "n_likes": likes, "n_reactions": likes,
                "n_comments": get_count(rec.get("comments_count"), "n_comments", "'comments_count'"),
            }
        except Bad as bad:
            self.quarantine.add(n, raw, bad.reason, table="posts", column=bad.column)
            return
        if page_id:
            self._page(page_id, handle=handle)
        row["source_row"] = n
        self.posts.append(row)
        self.post_raw.append(raw)
        for child in edge_records(rec.get("comments")):
            self._comment(child, media=row["post_id"], parent=None, account=(account, handle))

    def _comment(self, rec, *, media, parent, account, top=True):
        n, raw = self._record(rec, "a comment", "comments", "comment_id", "replies")
        if raw is None:
            return
        try:
            row = self._comment_row(rec, media, parent, account)
        except Bad as bad:
            self.quarantine.add(n, raw, bad.reason, table="comments", column=bad.column)
            row = None
        if row is not None:
            row["source_row"] = n
            self.comments.append(row)
            self.comment_raw.append(raw)
        # replies hang under the top-level comment; a reply's own replies (not possible on
        # Instagram, but tolerated) are attached to the same top-level comment
        own_id = row["comment_id"] if row else (rec.get("id") if isinstance(rec.get("id"), str) else None)
        thread = own_id if top else parent
        for child in edge_records(rec.get("replies")):
            self._comment(child, media=row["post_id"] if row else media, parent=thread, account=account, top=False)

    def _comment_row(self, rec, media, parent, account):
        author = rec.get("from")
        if author is not None and not isinstance(author, dict):
            raise Bad("author_platform_id", f"'from' should be an object, found {kind_of(author)}")
        author_name = get_text(rec, "username", "author_name") or (
            get_text(author, "username", "author_name") if author else None)
        author_id = get_id(author, "id", "author_platform_id") if author else None
        on_media = rec.get("media")
        if on_media is not None and not isinstance(on_media, dict):
            raise Bad("post_id", f"'media' should be an object with 'id', found {kind_of(on_media)}")
        post_id = (get_id(on_media, "id", "post_id") if on_media else None) or media or \
            (str(self.options["post_id"]) if self.options.get("post_id") else None) or self.name_media
        if post_id is None:
            raise Bad("post_id", "cannot tell which media this comment belongs to (request media{id}, name the file "
                                 "comments_<media-id>.json or pass post_id=)")
        given = get_id(rec, "parent_id", "parent_id")
        account_id, handle = account
        if rec.get("user") is not None:
            is_page = True  # ``user`` is returned only on the account's own comments
        elif account_id or handle:
            is_page = bool((account_id and author_id == account_id) or (handle and author_name == handle))
        else:
            is_page = None
        return {
            "comment_id": get_id(rec, "id", "comment_id"), "post_id": post_id,
            "parent_id": given or parent, "author_name": author_name, "author_platform_id": author_id,
            "author_is_page": is_page, "created_at": get_text(rec, "timestamp", "created_at"),
            "text": get_text(rec, "text", "text", default=""),
            "n_likes": get_count(rec.get("like_count"), "n_likes", "'like_count'"),
        }

    def tables(self) -> Parsed:
        parsed = Parsed(quarantine=self.quarantine.rows)
        if self.posts:
            parsed.posts = build_table(self.posts, self.post_raw, self.quarantine, "posts", ids=["post_id", "page_id"],
                                       counts=["n_reactions", "n_likes", "n_comments"], texts=["url"],
                                       required=["post_id", "page_id", "created_at"], platform="instagram")
        if self.comments:
            parsed.comments = build_table(self.comments, self.comment_raw, self.quarantine, "comments",
                                          ids=["comment_id", "post_id", "parent_id", "author_platform_id"],
                                          counts=["n_likes"], texts=["author_name"],
                                          required=["comment_id", "post_id", "created_at"])
        return finish_parsed(parsed, self.pages, "instagram", self.quarantine, self.layout)


def read(path, *, name: str, options: dict) -> Parsed:
    """Read one Instagram Graph API JSON / JSON Lines file of media and/or comments."""
    docs = load_json(Path(path).read_bytes(), name, what="Instagram Graph API")
    reader = _Reader(name, options)
    reader.read(reader.units(docs))
    if reader.row == 0:
        raise LoadError(name, "the Instagram response holds no media or comments (an empty 'data' list)")
    return reader.tables()
