"""Facebook "Download Your Information" (DYI) JSON: the account's own posts and own comments.

Files and eras (recognised by file NAME, then confirmed by content)
-------------------------------------------------------------------
* ≤ 2021: ``posts/your_posts_1.json``; ``comments/comments.json`` (``{"comments": [...]}``)
* 2022–2023: ``your_activity_across_facebook/posts/your_posts__check_ins__photos_and_videos_1.json``;
  ``your_activity_across_facebook/comments_and_reactions/comments.json`` (``{"comments_v2": [...]}``)
* 2024+ (profiles): the same file names under ``your_facebook_activity/``
* 2025+ (Pages, new Pages experience): ``this_profile's_activity_across_facebook/posts/profile_posts_1.json``;
  ``this_profile's_activity_across_facebook/comments_and_reactions/comments.json``

Numbered files (``_1``, ``_2``…) of one archive are read one by one and merged by
:func:`kommunsocial.load`. The era found is reported in ``info["layout"]``.

Text repair
-----------
Meta writes every UTF-8 byte as its own ``\\u00XX`` escape, so ``ö`` arrives as ``Ã¶``. Every
string value (keys untouched) is repaired with
:func:`kommunsocial.clean.repair_latin1_mojibake`, which is exact and leaves correct text alone.

Mapping
-------
Posts file: a JSON list of entries. ``timestamp`` (Unix seconds, UTC) → ``created_at``; the
``post`` item of ``data`` → ``text`` (absent → the media description when the post is a single
captioned upload, else ``""``); ``attachments`` → ``post_type`` (an event → ``event``; one video →
``video``; several photos → ``album``; one photo → ``photo``; an ``external_context`` link →
``link``; none → ``status``). ``title`` is written in the account's interface language and is
used only to find the account's name. DYI has **no post ids, no URLs and no counts**: every count
is missing (never 0), ``url`` is missing, and ``post_id`` is ``"dyi:<account>:<timestamp>"``
(``-2``, ``-3``… for posts in the same second).

Comments file: ``{"comments_v2": [...]}`` (``"comments"`` before 2022). Only the account's own
comments are in it, so ``author_is_page`` is true and ``author_name`` is the ``author`` written
there. ``comment.timestamp`` → ``created_at``; ``comment.comment`` → ``text``; ``comment_id`` is
``"dyi:<account>:<timestamp>:<hash of text>"``; ``parent_id`` is missing. **DYI does not say which
post a comment belongs to** (the other party is only named inside ``title``): ``post_id`` is
``"dyi:<account>:unknown-post"``, which the loader quarantines as "comment's post is not in the
dataset" unless that id is given to a post — nothing is guessed.

The page is the account holder: ``page_name`` is the ``author`` of the comments, else the name
that every ``title`` of the posts file starts with, else ``page_name=`` given to
:func:`kommunsocial.io.read_file`; ``page_id`` is ``page_id=`` given to ``read_file`` (use the
Graph page id to join with other Facebook formats), else ``"dyi:<name as slug>"``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pandas as pd

from ..clean import repair_latin1_mojibake
from ..errors import LoadError
from ._json import head_text, key_pattern, load_json
from ._tables import Bad, Parsed, Quarantine, build_table, get_text, kind_of

FORMAT = "dyi"

__all__ = ["FORMAT", "sniff", "read"]

_POSTS_NAMES = (
    (re.compile(r"^profile_posts_\d+\.json$"), "2025+ Pages"),
    (re.compile(r"^your_posts__check_ins__photos_and_videos_\d+\.json$"),
     "2022+"),
    (re.compile(r"^your_posts(_\d+)?\.json$"), "≤ 2021"),
)
_COMMENTS_NAME = re.compile(r"^comments(_\d+)?\.json$")
_FOLDERS = (
    ("this_profile's_activity_across_facebook/", "2025+ Pages"),
    ("your_facebook_activity/", "2024+ profile"),
    ("your_activity_across_facebook/", "2022–2023"),
)
_NUMERIC_TIMESTAMP = re.compile(r'(?<![\\\w])"timestamp"\s*:\s*\d')
_COMMENTS_V2 = key_pattern("comments_v2")
_POST_KEY = key_pattern("post", "update_timestamp")
_COMMENT_KEY = key_pattern("comment")
_FOREIGN = key_pattern("created_time", "creation_time", "created_at", "post_owner", "media_product_type")


def _name_kind(name: str):
    base = Path(name).name.lower()
    for pattern, layout in _POSTS_NAMES:
        if pattern.match(base):
            return "posts", layout
    if _COMMENTS_NAME.match(base):
        return "comments", None
    return None, None


def sniff(head: bytes, name: str) -> bool:
    """A DYI export: ``comments_v2``; or a file named like a DYI posts/comments file with Unix-second
    ``timestamp`` values; or a list of entries with numeric ``timestamp`` and ``post`` items."""
    text = head_text(head)
    if not text or text[0] not in "[{" or _FOREIGN.search(text) or not _NUMERIC_TIMESTAMP.search(text):
        return False
    if _COMMENTS_V2.search(text):
        return True
    kind, _ = _name_kind(name)
    if kind == "posts":
        return True
    if kind == "comments" or text[0] == "{":
        # the ≤ 2021 layout: {"comments": [{"timestamp": …, "data": [{"comment": {…}}]}]}
        return bool(re.match(r'\{\s*"comments"\s*:\s*\[', text) and _COMMENT_KEY.search(text))
    return bool(_POST_KEY.search(text))


def _repair(d: dict) -> dict:
    """``json`` object hook: repair the mojibake of every string value (and strings in lists)."""
    out = {}
    for k, v in d.items():
        if isinstance(v, str):
            v = repair_latin1_mojibake(v)
        elif isinstance(v, list):
            v = [repair_latin1_mojibake(x) if isinstance(x, str) else x for x in v]
        out[k] = v
    return out


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "account"


_VERBS = re.compile(r"^(.+?)\s+(?:updated|shared|added|posted|wrote|created|changed|published|was|is|replied|commented"
                    r"|uppdaterade|delade|lade|la|publicerade|skrev|har|oppdaterte|delte|publiserte|skreiv"
                    r"|opdaterede|tilføjede|offentliggjorde)\b")


def _name_from_titles(titles) -> str | None:
    """The account name every ``title`` starts with ("Sjöviks kommun updated its status.")."""
    titles = [t.strip() for t in titles if isinstance(t, str) and t.strip()]
    if len(set(titles)) >= 2:
        words = [t.split() for t in titles]
        common = []
        for group in zip(*words):
            if len(set(group)) != 1:
                break
            common.append(group[0])
        if common and len(common) < min(len(w) for w in words):
            return " ".join(common)
    for t in titles:
        m = _VERBS.match(t)
        if m:
            return m.group(1)
    return None


def _post_type(attachments) -> str:
    photos = videos = 0
    link = event = False
    for att in attachments if isinstance(attachments, list) else []:
        for item in att.get("data", []) if isinstance(att, dict) and isinstance(att.get("data"), list) else []:
            if not isinstance(item, dict):
                continue
            media = item.get("media")
            if isinstance(media, dict):
                uri = media.get("uri") if isinstance(media.get("uri"), str) else ""
                meta = media.get("media_metadata") if isinstance(media.get("media_metadata"), dict) else {}
                if "video_metadata" in meta or "thumbnail" in media or re.search(r"\.(mp4|mov|m4v|webm)$", uri, re.I):
                    videos += 1
                else:
                    photos += 1
            link |= "external_context" in item
            event |= "event" in item
    if event:
        return "event"
    if videos:
        return "video"
    if photos > 1:
        return "album"
    if photos:
        return "photo"
    return "link" if link else "status"


def _items(entry: dict, column: str) -> list:
    data = entry.get("data", [])
    if data is None:
        return []
    if not isinstance(data, list):
        raise Bad(column, f"'data' should be a list, found {kind_of(data)}")
    return [d for d in data if isinstance(d, dict)]


def _timestamp(value, column="created_at"):
    if value is None or isinstance(value, str):
        return value
    raise Bad(column, f"'timestamp' should be Unix seconds, found {kind_of(value)}")


def read(path, *, name: str, options: dict) -> Parsed:
    """Read one DYI posts or comments file (see the module doc)."""
    options = options or {}
    docs = load_json(Path(path).read_bytes(), name, what="Facebook DYI", object_hook=_repair)
    if len(docs) != 1:
        raise LoadError(name, "a DYI file is one JSON document, not JSON Lines")
    doc = docs[0][1]
    name_kind, layout = _name_kind(name)
    folder = next((era for prefix, era in _FOLDERS if prefix in name.replace("\\", "/")), None)
    if isinstance(doc, dict) and isinstance(doc.get("comments_v2"), list):
        kind, entries, layout = "comments", doc["comments_v2"], folder or "2022+ (comments_v2)"
    elif isinstance(doc, dict) and isinstance(doc.get("comments"), list):
        kind, entries, layout = "comments", doc["comments"], folder or "≤ 2021 (comments)"
    elif isinstance(doc, list):
        kind, entries = "posts", doc
        layout = folder or layout or "posts list"
    elif isinstance(doc, dict) and len([v for v in doc.values() if isinstance(v, list)]) == 1 and name_kind == "posts":
        # an older wrapper such as {"status_updates_v2": [...]}
        kind, entries = "posts", next(v for v in doc.values() if isinstance(v, list))
    else:
        found = sorted(doc)[:8] if isinstance(doc, dict) else kind_of(doc)
        raise LoadError(name, f"not a DYI posts or comments file: expected a list of posts or "
                              f"{{'comments_v2': [...]}}, found {found}")
    if not entries:
        raise LoadError(name, f"the DYI {kind} file holds no entries")

    page_name = options.get("page_name")
    if not page_name and kind == "comments":
        authors = Counter(c.get("author") for e in entries if isinstance(e, dict)
                          for d in (e.get("data") if isinstance(e.get("data"), list) else [])
                          if isinstance(d, dict) and isinstance(c := d.get("comment"), dict)
                          and isinstance(c.get("author"), str))
        page_name = authors.most_common(1)[0][0] if authors else None
    if not page_name:
        page_name = _name_from_titles(e.get("title") for e in entries if isinstance(e, dict))
    page_id = str(options["page_id"]) if options.get("page_id") else f"dyi:{_slug(page_name)}" if page_name \
        else "dyi:account"
    key = page_id[4:] if page_id.startswith("dyi:") else page_id

    quarantine = Quarantine(name, FORMAT, personal=["title"])
    rows, raws, seen = [], [], Counter()
    table = kind
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            quarantine.add(number, entry, f"an entry should be a JSON object, found {kind_of(entry)}", table=table)
            continue
        try:
            row = _post(entry) if kind == "posts" else _comment(entry, page_name)
        except Bad as bad:
            quarantine.add(number, entry, bad.reason, table=table, column=bad.column)
            continue
        stamp = row["created_at"] or "unknown"
        if kind == "posts":
            base = f"dyi:{key}:{stamp}"
            row.update(post_id=base if not seen[base] else f"{base}-{seen[base] + 1}", page_id=page_id)
        else:
            digest = hashlib.sha1(row["text"].encode("utf-8")).hexdigest()[:8]
            base = f"dyi:{key}:{stamp}:{digest}"
            row.update(comment_id=base if not seen[base] else f"{base}-{seen[base] + 1}",
                       post_id=f"dyi:{key}:unknown-post", parent_id=None, author_is_page=True)
        seen[base] += 1
        row["source_row"] = number
        rows.append(row)
        raws.append(entry)

    parsed = Parsed(quarantine=quarantine.rows, info={"layout": layout, "kind": kind})
    if rows:
        if kind == "posts":
            parsed.posts = build_table(rows, raws, quarantine, "posts", ids=["post_id", "page_id"], counts=[],
                                       required=["post_id", "page_id", "created_at"], platform="facebook")
        else:
            parsed.comments = build_table(rows, raws, quarantine, "comments",
                                          ids=["comment_id", "post_id", "parent_id"],
                                          counts=[], texts=["author_name"],
                                          required=["comment_id", "post_id", "created_at"])
    parsed.quarantine = sorted(quarantine.rows, key=lambda r: r["source_row"] or 0)
    parsed.pages = pd.DataFrame({"page_id": pd.array([page_id], dtype="string"), "platform": ["facebook"],
                                 "page_name": pd.array([page_name], dtype="string")})
    return parsed


def _post(entry: dict) -> dict:
    items = _items(entry, "text")
    texts = [d["post"] for d in items if "post" in d]
    if texts and not isinstance(texts[0], str):
        raise Bad("text", f"'post' should be text, found {kind_of(texts[0])}")
    text = texts[0] if texts else None
    attachments = entry.get("attachments")
    if attachments is not None and not isinstance(attachments, list):
        raise Bad("post_type", f"'attachments' should be a list, found {kind_of(attachments)}")
    if text is None:
        # an upload without a status text keeps its caption on the media item
        captions = {m["description"] for a in attachments or [] if isinstance(a, dict)
                    for item in (a.get("data") if isinstance(a.get("data"), list) else []) if isinstance(item, dict)
                    for m in [item.get("media")] if isinstance(m, dict) and isinstance(m.get("description"), str)
                    and m["description"].strip()}
        text = captions.pop() if len(captions) == 1 else ""
    return {"created_at": _timestamp(entry.get("timestamp")), "text": text, "post_type": _post_type(attachments)}


def _comment(entry: dict, page_name) -> dict:
    items = _items(entry, "text")
    found = [d["comment"] for d in items if "comment" in d]
    if not found:
        raise Bad("text", "the entry holds no 'comment' item")
    comment = found[0]
    if not isinstance(comment, dict):
        raise Bad("text", f"'comment' should be an object, found {kind_of(comment)}")
    stamp = _timestamp(comment.get("timestamp")) or _timestamp(entry.get("timestamp"))
    return {"created_at": stamp, "text": get_text(comment, "comment", "text", default=""),
            "author_name": get_text(comment, "author", "author_name") or page_name}
