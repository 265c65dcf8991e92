"""Facebook Graph API JSON: page posts (``/{page-id}/posts``, ``/feed``, ``/published_posts``) and
their comments (``/{post-id}/comments``, ``filter=toplevel`` with nested ``comments{...}`` or
``filter=stream``).

What one file may hold
----------------------
Researchers save Graph responses in a handful of shapes; all are read the same way:

* one response ``{"data": [...], "paging": {...}, "summary": {...}}`` (``paging`` and
  ``summary`` optional);
* a bare list of records ``[post, ...]`` (someone saved ``response["data"]``);
* a list of responses ``[{"data": [...]}, {"data": [...]}]`` (every page of a collection in one
  file, following ``paging.next``);
* JSON Lines: one response, or one record, per line (collection scripts that append each page);
* a node: ``GET /{post-id}?fields=...,comments{...}`` gives ``{"id": post, "comments": {...}}``
  (its comments, and the post itself when its fields were requested);
  ``GET /{page-id}?fields=name,fan_count,posts{...}`` gives the page with its posts;
* a post whose ``comments`` edge was expanded (``fields=...,comments{...}``) yields its comments.

Several files of one collection (one per post, or one per page of results) are merged by
:func:`kommunsocial.load`, which drops exact duplicates.

Mapping of post fields
----------------------
``id`` → ``post_id`` (the Graph form ``"{page_id}_{post_id}"``; a bare id gets the page id put in
front when the page is known) and ``page_id`` (the part before ``_``); ``created_time`` →
``created_at`` (UTC); ``message`` → ``text`` (absent → ``""``; ``story`` is Facebook's automatic
text and is not used); ``permalink_url`` → ``url``; ``reactions.summary.total_count`` →
``n_reactions``; per-type aliases (``like``, ``reactions_like``, ``like:reactions.type(LIKE)...``,
``reactions.type(LOVE)...``…) → ``n_likes``, ``n_love``, ``n_haha``, ``n_wow``, ``n_sad``,
``n_angry``, ``n_care`` (THANKFUL/PRIDE only count in the total); legacy ``likes.summary`` →
``n_likes`` when no LIKE alias was requested; ``comments.summary.total_count`` → ``n_comments``;
``shares.count`` → ``n_shares``; ``attachments.data[0].type``, else ``status_type``, else legacy
``type`` → ``post_type``. Views and followers are not part of these responses (missing).

**Shares.** The API leaves ``shares`` out when a post has 0 shares, but it also leaves it out
when the field was not requested. An absent ``shares`` is therefore read as 0 only when the file
shows that the field was requested: the request URL in ``paging`` lists ``shares`` in its
``fields``, or another post of the same file carries ``shares``. Otherwise it is missing.

Posts on the page's feed written by another account (``from.id`` ≠ the page) are not the page's
posts: they are quarantined with that reason (the author's identity redacted).

Mapping of comment fields
-------------------------
``id`` → ``comment_id`` (``"{object_id}_{comment_id}"`` as exported); ``parent.id`` →
``parent_id`` (nesting gives the parent when ``parent`` was not requested; a parent that is the
post itself → null); ``from.name`` / ``from.id`` → ``author_name`` / ``author_platform_id``
(``from`` is absent unless the token may moderate the page → missing, not an error);
``author_is_page`` is true when ``from.id`` is the page id, false for another ``from``, missing
when there is no ``from`` or the page is unknown; ``message`` → ``text`` (``""`` for a sticker or
photo comment); ``like_count`` → ``n_likes``; ``comment_count`` → ``n_replies``.

**Which post a comment belongs to**, in this order: the post it is nested in (a post record or a
``/{post-id}`` node); the request URL in ``paging`` (``/{page_id}_{post_id}/comments``); the file
name when it contains ``{page_id}_{post_id}`` (e.g. ``comments_100064512345678_810987654321098.json``);
``post_id=``/``page_id=`` passed to :func:`kommunsocial.io.read_file`; finally the object part of
the comment id (``{object_id}_{comment_id}``), with the page id in front when the page is known
from the file. Without a page id the post id stays bare and will not join Graph posts (see
``info["bare_post_ids"]``). A comment without ``id`` (Page Public Content Access since v11) gets a
stable id derived from its post, time, text and parent, so threads rebuilt from nesting survive.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import numpy as np
import pandas as pd

from .._gc import gc_paused
from ..errors import KommunsocialError, LoadError
from ..schema import REACTION_COLUMNS
from ._checks import JsonNumber, json_constant, repair_surrogates
from ._common import Parsed, Quarantine, decode_text, finish_table, normalise_post_type, parse_counts, parse_ids, \
    parse_times

FORMAT = "graph_api"

__all__ = ["FORMAT", "sniff", "read"]


# ---------------------------------------------------------------------------------------------
# JSON loading, shared with the Instagram and DYI readers
# ---------------------------------------------------------------------------------------------
def key_pattern(*keys: str) -> re.Pattern:
    """A regex finding any of ``keys`` used as a JSON object key (not inside an escaped string)."""
    alt = "|".join(re.escape(k) for k in keys)
    return re.compile(r'(?<![\\\w])"(?:' + alt + r')"\s*:')


def head_text(head: bytes) -> str:
    """The start of a file as text for sniffing: BOM and leading white space removed."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = head.decode("utf-16", "replace")
    else:
        text = head.decode("utf-8", "replace")
    return text.lstrip("\ufeff \t\r\n")


def load_json(data: bytes, name: str, *, what: str, object_hook=None) -> list[tuple[int | None, object]]:
    """Parse a JSON or JSON Lines file into ``[(line_or_None, value), ...]``.

    Integers and decimals stay strings (``parse_int=str``), so 15–19 digit ids never pass through
    floats. An empty file, an HTML page saved as ``.json``, text that is not JSON, a truncated
    document or a broken JSON Lines line raise :class:`LoadError` naming the file (and the line).
    ``what`` names the format in messages.
    """
    text, single = json_text(data, name, what=what, object_hook=object_hook)
    if single is not None:
        return single
    return [doc for chunk in json_line_chunks(text, name, object_hook=object_hook) for doc in chunk]


def _json_kwargs(object_hook=None) -> dict:
    return dict(parse_int=str, parse_float=str, parse_constant=json_constant, object_hook=object_hook)


def json_text(data: bytes, name: str, *, what: str, object_hook=None):
    """Decode and check a JSON file: ``(text, [(None, value)])`` for one JSON document, or
    ``(text, None)`` for JSON Lines (read them with :func:`json_line_chunks`)."""
    text, _ = decode_text(data, name)  # empty / binary files raise here
    text = text.lstrip("\ufeff").strip()
    if not text:
        raise LoadError(name, "the file is empty")
    if text[:1] == "<":
        kind = "an HTML page (perhaps an error or login page saved by a browser)" \
            if re.match(r"<(!doctype\s+html|html|head|body)", text[:200], re.I) else "XML or HTML, not JSON"
        raise LoadError(name, f"this is {kind}, not a {what} JSON file")
    if text[0] not in "[{":
        raise LoadError(name, f"not a {what} JSON file: it starts with {text[:40]!r}")
    try:
        return text, [(None, json.loads(text, **_json_kwargs(object_hook)))]
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            raise LoadError(name, f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno} "
                                  f"(the file may be truncated or damaged)") from None
    except RecursionError:
        raise LoadError(name, "the JSON is nested too deeply to be an API response") from None
    return text, None  # several documents: JSON Lines, one value per line


def utf8_json_lines(data: bytes) -> bytes | None:
    """``data`` without BOM and surrounding white space when it is UTF-8 JSON Lines (its first line
    a JSON value of its own, more after it), else None. JSON Lines are then parsed from the bytes
    line by line, never decoded into one (up to 4 bytes a character) string."""
    body = data[3:] if data[:3] == b"\xef\xbb\xbf" else data
    body = body.strip()
    if body[:1] not in (b"{", b"[") or b"\x00" in body[:4096]:
        return None
    end = body.find(b"\n")
    if end < 0 or not body[end:].strip():
        return None
    try:
        json.loads(body[:end], **_json_kwargs())
    except (ValueError, RecursionError):  # not a line of its own (pretty-printed JSON), or not UTF-8
        return None
    return body


def json_line_chunks(text, name: str, *, size: int | None = None, object_hook=None):
    """The values of a JSON Lines text (or UTF-8 bytes) as lists of ``(line, value)``, ``size``
    lines (default :data:`CHUNK_LINES`) or :data:`CHUNK_CHARS` characters at a time, so that only
    one chunk is parsed into Python objects at once.

    Each line is parsed as ``json.loads`` parses it (one decoder serves every line), with the
    cyclic garbage collector paused while a chunk is parsed: JSON values hold no reference cycles,
    and collections triggered by the millions of objects a chunk creates would double the time."""
    return _line_chunks(_text_lines(text), name, size=size, object_hook=object_hook)


def _text_lines(text):
    """``(number, stripped line, position after it)`` for each line of ``text``."""
    newline = b"\n" if isinstance(text, bytes) else "\n"
    length = len(text)
    number, pos = 0, 0
    while pos < length:
        end = text.find(newline, pos)
        end = length if end < 0 else end
        number += 1
        yield number, text[pos:end].strip(), end + 1
        pos = end + 1


def _file_lines(fh, start: int, *, block: int = 1 << 24):
    """:func:`_text_lines` of a file's bytes from ``start`` on (positions counted from there),
    read a block at a time rather than held in memory whole. White space at the end of the file
    gives blank lines, which hold no values."""
    fh.seek(start)
    number, base, rest = 0, 0, b""  # base: the position of ``rest`` from ``start``
    while True:
        data = fh.read(block)
        if not data:
            break
        buf = rest + data if rest else data
        del data
        cut = buf.rfind(b"\n") + 1  # complete lines only: an escaped pair may straddle the block's end
        if cut:
            buf = repair_surrogates(buf[:cut]) + buf[cut:]
        pos = 0
        while True:
            end = buf.find(b"\n", pos)
            if end < 0:
                break
            number += 1
            yield number, buf[pos:end].strip(), base + end + 1
            pos = end + 1
        rest, base = buf[pos:], base + pos
        del buf
    if rest:
        yield number + 1, repair_surrogates(rest).strip(), base + len(rest) + 1


def _line_chunks(lines, name: str, *, size: int | None = None, object_hook=None):
    """:func:`json_line_chunks` of ``(number, stripped line, position after it)``."""
    size = size or CHUNK_LINES
    decoder = json.JSONDecoder(**_json_kwargs(object_hook))
    lines = iter(lines)
    chunk, chunk_start = [], 0
    while True:
        full = False
        with gc_paused():
            for number, line, pos in lines:
                if line:
                    try:
                        chunk.append((number, _loads(line, decoder)))
                    except json.JSONDecodeError as exc:
                        raise LoadError(name, f"line {number} is not valid JSON ({exc.msg} at column {exc.colno}); "
                                              f"the file may be truncated or hold several JSON documents that are not "
                                              f"one per line", row=number) from None
                    except RecursionError:
                        raise LoadError(name, "the JSON is nested too deeply to be an API response",
                                        row=number) from None
                if len(chunk) >= size or pos - chunk_start >= CHUNK_CHARS:
                    full = True
                    break
        if not full:
            break
        # the generator keeps no hold of a chunk once it is handed over
        out, chunk, chunk_start = [chunk], [], pos
        yield out.pop()
    if chunk:
        out, chunk = [chunk], []
        yield out.pop()


def json_lines_start(path) -> int | None:
    """Where the first line of a UTF-8 JSON Lines file starts (after a byte-order mark and white
    space), when :func:`utf8_json_lines` of its bytes is not None; else None. Only the start of
    the file is read."""
    with open(path, "rb") as fh:
        head = fh.read(1 << 20)
        while True:
            bom = 3 if head[:3] == b"\xef\xbb\xbf" else 0
            body = head[bom:].lstrip()
            start = len(head) - len(body)
            end = body.find(b"\n")
            # enough to decide: the first line, something after it, and 4096 bytes for the NUL check
            if end >= 0 and body[end:].strip() and len(body) >= 4096:
                break
            more = fh.read(1 << 20)
            if not more:
                break
            head += more
    return start if utf8_json_lines(head) is not None else None


def _loads(line, decoder: json.JSONDecoder):
    """``json.loads(line, **_json_kwargs(...))`` with a decoder made once."""
    if isinstance(line, (bytes, bytearray)):
        line = line.decode(json.detect_encoding(line))
    elif line.startswith("\ufeff"):
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", line, 0)
    value = decoder.decode(line)
    if type(value) is str and line[:1] != '"':  # a bare number, parsed as text like every number
        return JsonNumber(value)
    return value


#: JSON Lines files are parsed this many lines (or :data:`CHUNK_CHARS` characters) at a time: a
#: country's comments (3 million in one file) then never sit in memory as Python objects at once.
CHUNK_LINES = 20_000
CHUNK_CHARS = 50_000_000


class Bad(KommunsocialError):
    """A record with a field of the wrong shape: quarantined with ``column`` and ``reason``."""

    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column = column
        self.reason = reason


def kind_of(value) -> str:
    """A short description of a JSON value's type, for messages."""
    return {dict: "an object", list: "a list", bool: "true/false", str: "text", type(None): "null",
            JsonNumber: "a JSON number"}.get(type(value), type(value).__name__)


def get_text(rec: dict, key: str, column: str, *, default=None):
    """A string field: absent/null → ``default``; anything but text is a :class:`Bad` record."""
    value = rec.get(key)
    if value is None:
        return default
    if not isinstance(value, str):
        raise Bad(column, f"{key!r} should be text, found {kind_of(value)}")
    return value


def get_id(rec: dict, key: str, column: str):
    """An id field as a string (numbers were kept as strings by :func:`load_json`)."""
    value = rec.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise Bad(column, f"{key!r} should be an id, found {kind_of(value)}")
    value = value.strip()
    return value or None


def get_count(value, column: str, what: str):
    """A raw count (string after ``parse_int=str``) or ``None``; other shapes are :class:`Bad`."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    raise Bad(column, f"{what} should be a number, found {kind_of(value)}")


def edge_records(edge):
    """The records of an expanded edge ``{"data": [...]}``; anything else holds none."""
    if isinstance(edge, dict) and isinstance(edge.get("data"), list):
        return edge["data"]
    return []


def url_hint(paging) -> dict:
    """What a response's ``paging.next`` / ``previous`` URL says about the request.

    Returns ``{"node": id, "edge": "posts"|"comments"|…, "fields": "..."}`` (keys absent when
    unknown). Example: ``https://graph.facebook.com/v20.0/100064512345678_810987654321098/comments?fields=...``
    → node ``100064512345678_810987654321098``, edge ``comments``.
    """
    if not isinstance(paging, dict):
        return {}
    for key in ("next", "previous"):
        url = paging.get(key)
        if not isinstance(url, str) or "://" not in url:
            continue
        try:
            parsed = urlparse(url)
        except ValueError:
            continue
        parts = [p for p in parsed.path.split("/") if p]
        if parts and re.fullmatch(r"v\d+(\.\d+)?", parts[0]):
            parts = parts[1:]
        out = {}
        if len(parts) >= 2:
            out["node"], out["edge"] = parts[-2], parts[-1]
        elif len(parts) == 1:
            out["node"] = parts[0]
        fields = parse_qs(parsed.query).get("fields")
        if fields:
            out["fields"] = unquote(fields[0])
        return out
    return {}


def id_pair_in_name(name: str):
    """``("100064512345678", "810987654321098")`` when the file name holds ``<digits>_<digits>``."""
    m = re.search(r"(?<!\d)(\d{5,})_(\d{5,})(?!\d)", Path(name).name)
    return (m.group(1), m.group(2)) if m else None


# ---------------------------------------------------------------------------------------------
# sniffing
# ---------------------------------------------------------------------------------------------
_CREATED_TIME = key_pattern("created_time")
#: Keys of the formats read elsewhere: MCL (creation_time, post_owner, parent_comment_id,
#: statistics), Instagram (timestamp, media_type, media_product_type), X (created_at).
_FOREIGN = key_pattern("creation_time", "post_owner", "parent_comment_id", "statistics", "timestamp",
                       "media_type", "media_product_type", "created_at")
_ERROR = re.compile(r'^\{\s*"error"\s*:\s*\{')
_GRAPH_URL = re.compile(r"graph\.facebook\.com/(?:v[\d.]+/)?(?:\d+/(?:posts|feed|published_posts)|\d+_\d+/comments)\b")


def sniff(head: bytes, name: str) -> bool:
    """A JSON object or list whose records use Graph's ``created_time`` key, an empty page of Graph
    results (recognised from its request URL), or a Graph error object."""
    text = head_text(head)
    if not text or text[0] not in "[{":
        return False
    if _ERROR.match(text) and "fbtrace_id" in text:
        return True
    if _FOREIGN.search(text):
        return False
    return bool(_CREATED_TIME.search(text) or _GRAPH_URL.search(text.replace("\\/", "/")))


# ---------------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------------
_POST_EDGES = ("posts", "feed", "published_posts", "visitor_posts", "tagged")
_POST_KEYS = {"status_type", "updated_time", "story", "full_picture", "picture", "shares", "reactions", "attachments",
              "type", "is_published", "privacy", "likes", "story_tags", "properties", "promotable_id",
              "call_to_action", "is_expired", "is_popular", "timeline_visibility", "icon"}
_COMMENT_KEYS = {"like_count", "comment_count", "parent", "attachment", "can_comment", "user_likes", "can_remove",
                 "can_hide", "can_like", "can_reply_privately", "object", "private_reply_conversation"}
_REACTION_TYPES = ("like", "love", "wow", "haha", "sad", "angry", "care", "thankful", "pride")
_ALIAS = re.compile(r"^(?:reactions?[_.:\-]?)?(like|love|wow|haha|sad|angry|care|thankful|pride)(?:$|[_.:\-(].*)",
                    re.I)
_TYPED = re.compile(r"type\((like|love|wow|haha|sad|angry|care|thankful|pride)\)", re.I)
#: attachment type → data-model vocabulary (``normalise_post_type`` finishes the job)
_ATTACHMENT_TYPES = {
    "photo": "photo", "cover_photo": "photo", "profile_media": "photo", "animated_image_share": "photo",
    "animated_image_video": "photo", "album": "album", "new_album": "album", "multi_share": "album",
    "share": "link", "link": "link", "multi_share_no_end_card": "album", "video_inline": "video",
    "video_autoplay": "video", "video": "video", "video_direct_response": "video", "video_share_youtube": "video",
    "video_share_highlighted": "video", "live_video": "live", "live_video_complete": "live",
    "live_video_scheduled": "live", "event": "event", "note": "status", "status": "status",
    "native_templates": "other", "map": "other", "fundraiser_for_story": "other", "music_aggregation": "other",
}
_STATUS_TYPES = {
    "added_photos": "photo", "tagged_in_photo": "photo", "added_video": "video", "shared_story": "link",
    "created_event": "event", "mobile_status_update": "status", "published_story": "status", "wall_post": "status",
    "created_note": "status", "created_group": "other", "approved_friend": "other",
}
_ABSENT = object()  # a post without ``shares``: 0 or missing, decided once the whole file is seen
_PERSONAL = ["from", "to", "parent", "message_tags", "story_tags", "with_tags", "admin_creator", "comments"]


@functools.lru_cache(maxsize=4096)
def _reaction_column(key: str):
    """The data-model column a per-type reaction alias fills (``"love"`` → ``n_love``), else ``None``.

    THANKFUL and PRIDE have no column of their own: they only count in ``n_reactions``.
    """
    if key in ("reactions", "like_count", "likes"):
        return None
    m = _TYPED.search(key) or _ALIAS.match(key)
    rtype = m.group(1).lower() if m else None
    if rtype == "like":
        return "n_likes"
    return f"n_{rtype}" if rtype and f"n_{rtype}" in REACTION_COLUMNS else None



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
        found = [(key, column) for key in keys for column in [_reaction_column(key)] if column]
        if len(_REACTION_KEYS) >= 1024:
            _REACTION_KEYS.clear()
        _REACTION_KEYS[keys] = found
    return found


def _vote(records) -> str | None:
    """Posts or comments, from the keys of (up to 50) records; ``None`` when undecided."""
    p = c = 0
    for rec in records[:50]:
        if isinstance(rec, dict):
            keys = set(rec)
            p += len(keys & _POST_KEYS) + any(_reaction_column(k) for k in keys)
            c += len(keys & _COMMENT_KEYS)
    return "posts" if p > c else "comments" if c > p else None


def _without_comments(rec: dict) -> dict:
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
        return _without_comments(self.records[pos])


#: what a post row holds, in this order (``typed``: per-type reaction counts by column)
_POST_FIELDS = ("post_id", "page_id", "created_at", "text", "url", "n_reactions", "n_comments", "post_type",
                "n_shares", "source_row", "typed")
_COMMENT_FIELDS = ("comment_id", "post_id", "parent_id", "author_name", "author_platform_id", "author_is_page",
                   "created_at", "text", "n_likes", "n_replies", "source_row")


class _Reader:
    """Walks the JSON of one file, collecting raw rows of posts and comments in reading order.

    Some of what a record becomes depends on the whole file (the file-wide defaults: the kind of
    records a response without hints holds, the page a bare post id belongs to, page names from
    page nodes). :func:`_read_lines` reads JSON Lines in one pass with the defaults known so far
    and notes when one that was already used changes later; the file is then read again with the
    settled defaults, so the result always equals reading the whole file at once.
    """

    def __init__(self, name: str, options: dict):
        self.name = name
        self.options = options or {}
        self.row = 0
        self.posts, self.post_raw = [], []
        self.comments, self.comment_raw = [], []
        self.pages: dict[str, dict] = {}
        self.quarantine = Quarantine(name, FORMAT, personal=_PERSONAL)
        self.shares_requested = False
        self.bare_post_ids = 0
        self.layout = set()
        self._known, self._found_page = [], None
        self.default = None
        self.default_page = None
        self.name_pair = id_pair_in_name(name)
        # what the one-pass reading of JSON Lines watches (see _read_lines)
        self.defaults_used = set()  # default kinds given to responses without hints
        self.record_keys = set()  # (page id, key) set from a post or comment rather than a page node
        self.name_missed = set()  # page ids whose name a comment looked for before it was known
        self.stale = False  # a page node gave what records read earlier would have seen
        self.absent_shares = []  # source rows of posts without ``shares`` read before it was settled

    # -- structure -------------------------------------------------------------------------------
    def units(self, docs):
        """Split the documents into units ``(kind, records, context)`` without reading records yet."""
        units = []
        for line, doc in docs:
            if isinstance(doc, dict):
                unit = self._container(doc, line)
                if unit is None:
                    raise LoadError(self.name, "not a Graph API response: expected an object with a 'data' list, a "
                                               f"post or comment, or a node with an expanded edge; found the keys "
                                               f"{sorted(doc)[:8]}", row=line)
                units.append(unit)
            elif isinstance(doc, list):
                loose = []
                for item in doc:
                    unit = self._container(item, line) if isinstance(item, dict) and not _is_record(item) else None
                    if unit is not None:
                        if loose:
                            units.append((_vote(loose), loose, {}))
                            loose = []
                        units.append(unit)
                    else:
                        loose.append(item)
                if loose:
                    self.layout.add("list of records")
                    units.append((_vote(loose), loose, {}))
            else:
                where = f"line {line} holds" if line is not None else "the JSON is"
                raise LoadError(self.name, f"not a Graph API response: {where} {kind_of(doc)}, not an object",
                                row=line)
        return units

    def _container(self, obj: dict, line):
        """A response, a page/post node with an expanded edge, or a single record; else ``None``."""
        error = obj.get("error")
        if isinstance(error, dict) and "data" not in obj:
            msg = error.get("message") or "no message"
            raise LoadError(self.name, f"the file holds a Graph API error, not data: {msg} (type "
                                       f"{error.get('type')}, code {error.get('code')})", row=line)
        if isinstance(obj.get("data"), list):
            hint = url_hint(obj.get("paging"))
            self._note_fields(hint.get("fields"))
            edge = hint.get("edge")
            kind = "posts" if edge in _POST_EDGES else "comments" if edge == "comments" else _vote(obj["data"])
            if kind is None and isinstance(obj.get("summary"), dict) and "order" in obj["summary"]:
                kind = "comments"  # the summary of a comments edge carries its order
            ctx = {}
            if kind == "posts" and hint.get("node") and edge in _POST_EDGES:
                ctx["page_id"] = hint["node"]
            if edge == "comments" and hint.get("node"):
                ctx["node"] = hint["node"]  # a post id, or a comment id for replies
            self.layout.add("response")
            return kind, obj["data"], ctx
        for edge in _POST_EDGES:
            if isinstance(obj.get(edge), dict) and isinstance(obj[edge].get("data"), list):
                page_id = get_id_safe(obj, "id")
                if page_id:
                    self._page(page_id, name=obj.get("name"), handle=obj.get("username"),
                               followers=obj.get("followers_count", obj.get("fan_count")), node=True)
                hint = url_hint(obj[edge].get("paging"))
                self._note_fields(hint.get("fields"))
                self.layout.add("page node")
                return "posts", obj[edge]["data"], {"page_id": page_id}
        if isinstance(obj.get("comments"), dict) and "created_time" not in obj:
            hint = url_hint(obj["comments"].get("paging"))
            self.layout.add("post node")
            return "comments", edge_records(obj["comments"]), {"node": get_id_safe(obj, "id") or hint.get("node")}
        if "created_time" in obj or "id" in obj:
            return None if not _is_record(obj) else (None, [obj], {})
        return None

    def _note_fields(self, fields):
        if fields and re.search(r"(?:^|[,{])shares(?:$|[,{}.])", fields):
            self.shares_requested = True

    def _page(self, page_id, *, name=None, handle=None, followers=None, node=False):
        """Note what is known of a page; the first value of each key stays. ``node``: from a page
        node (which reading the whole file at once sees before any record)."""
        info = self.pages.setdefault(page_id, {})
        for key, value in (("page_name", name), ("handle", handle), ("followers", followers)):
            if isinstance(value, str) and value.strip():
                value = value.strip()
                if not info.get(key):
                    info[key] = value
                    if not node:
                        self.record_keys.add((page_id, key))
                if node and ((key == "page_name" and page_id in self.name_missed)
                             or ((page_id, key) in self.record_keys and info[key] != value)):
                    self.stale = True

    # -- records ---------------------------------------------------------------------------------
    def read(self, units):
        self.scan(units)
        self.settle()
        self.read_units(units)

    def scan(self, units):
        """First look at (a chunk of) the file's units: what the file-wide defaults are made of."""
        self._known += [k for k, _, _ in units if k]
        # a page id the file reveals anywhere helps comments whose post id is bare
        if self._found_page is None:
            for kind, records, ctx in units:
                node = ctx.get("node") or ""
                if ctx.get("page_id"):
                    self._found_page = ctx["page_id"]
                    break
                if "_" in node and kind != "posts" and self._node_is_post(node, records):
                    self._found_page = node.split("_", 1)[0]
                    break

    def default_kind(self) -> str:
        """The kind of records of a response that does not tell: what most of the file's responses hold."""
        known = self._known
        return max(set(known), key=known.count) if known else (
            "comments" if "comment" in Path(self.name).name.lower() else "posts")

    def settle(self, *, final: bool = True):
        """Fix the file-wide defaults from the units scanned so far (all of them when ``final``;
        otherwise the default kind is worked out when first needed)."""
        self.default = self.default_kind() if final else None
        self.default_page = self.options.get("page_id") or self._found_page

    def read_units(self, units):
        default = self.default
        for kind, records, ctx in units:
            if kind is None:
                if default is None:
                    default = self.default = self.default_kind()
                self.defaults_used.add(default)
                kind = default
            if kind == "posts":
                page_hint = ctx.get("page_id")
                for rec in records:
                    self._post(rec, page_hint)
            else:
                post_id, parent = self._comment_context(ctx.get("node"), records)
                page_id = self._page_of(post_id)
                comment = self._comment
                for rec in records:
                    comment(rec, post_id, page_id, parent)

    @staticmethod
    def _node_is_post(node: str, records) -> bool:
        """``/{A_B}/comments`` is a post's comments unless the comments' ids start with ``A`` (then
        ``A_B`` is a comment and these are its replies)."""
        first, second = node.split("_", 1)
        for rec in records[:20]:
            cid = rec.get("id") if isinstance(rec, dict) else None
            if isinstance(cid, str) and "_" in cid:
                prefix = cid.split("_", 1)[0]
                if prefix == second:
                    return True
                if prefix == first:
                    return False
        return True

    def _comment_context(self, node, records):
        """The post id (Graph form when possible) and the parent implied by the request."""
        parent = None
        post_id = None
        if node and "_" in node:
            if self._node_is_post(node, records):
                post_id = node
            else:
                parent, post_id = node, node.split("_", 1)[0]
        elif node:
            post_id = node
        if post_id is None and self.options.get("post_id"):
            post_id = str(self.options["post_id"])
        if post_id is None and self.name_pair:
            post_id = "_".join(self.name_pair)
        if post_id is not None:
            post_id = self._canonical(post_id, self.default_page)
        return post_id, parent

    def _page_of(self, post_id):
        if post_id and "_" in post_id:
            return post_id.split("_", 1)[0]
        return self.default_page

    def _canonical(self, object_id: str, page_id) -> str:
        if "_" in object_id or not page_id:
            return object_id
        return f"{page_id}_{object_id}"

    def _post(self, rec, page_hint):
        self.row = n = self.row + 1
        if not isinstance(rec, dict):
            self.quarantine.add(n, rec, f"a post should be a JSON object, found {kind_of(rec)}", table="posts",
                                column="post_id")
            return
        try:
            row = self._post_row(rec, page_hint, n)
        except Bad as bad:
            self.quarantine.add(n, _without_comments(rec), bad.reason, table="posts", column=bad.column)
            row = None
        else:
            if row is None:
                self.quarantine.add(n, _without_comments(rec), "posted on the page's feed by another account, not "
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
            return _ATTACHMENT_TYPES.get(t, "other")
        status = rec.get("status_type")
        if isinstance(status, str) and status.strip():
            return _STATUS_TYPES.get(status.strip().lower(), "other")
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
            self.quarantine.add(n, _without_comments(rec), bad.reason, table="comments", column=bad.column)
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
            counts = ["n_reactions", "n_likes", *REACTION_COLUMNS, "n_comments", "n_shares"]
            posts = build_table(columns, _Raw(self.post_raw), self.quarantine, "posts",
                                ids=["post_id", "page_id"], counts=counts, texts=["url"],
                                required=["post_id", "page_id", "created_at"], platform="facebook")
        if self.comments:
            columns = dict(zip(_COMMENT_FIELDS, map(list, zip(*self.comments))))
            comments = build_table(columns, _Raw(self.comment_raw), self.quarantine, "comments",
                                   ids=["comment_id", "post_id", "parent_id", "author_platform_id"],
                                   counts=["n_likes", "n_replies"], texts=["author_name"],
                                   required=["comment_id", "post_id", "created_at"])
        self.posts, self.post_raw, self.comments, self.comment_raw = [], [], [], []
        return posts, comments

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


def get_id_safe(obj: dict, key: str):
    value = obj.get(key)
    return value.strip() or None if isinstance(value, str) else None


def _is_record(obj: dict) -> bool:
    """A post or comment (rather than a response or node wrapper)."""
    if isinstance(obj.get("data"), list):
        return False
    if any(isinstance(obj.get(e), dict) and isinstance(obj[e].get("data"), list) for e in _POST_EDGES):
        return False
    if isinstance(obj.get("comments"), dict) and "created_time" not in obj:
        return False
    return True


def finish_parsed(parsed: Parsed, pages: dict, platform: str, quarantine: Quarantine, layout) -> Parsed:
    """Add the pages its posts belong to (all pages when it has no posts), the quarantine in file
    order and the layout to ``parsed``; shared with the Instagram reader."""
    used = set(parsed.posts["page_id"].dropna()) if len(parsed.posts) else set()
    rows = [{"page_id": pid, "platform": platform, **info} for pid, info in sorted(pages.items())
            if pid in used or not len(parsed.posts)]
    if rows:
        frame = pd.DataFrame(rows)
        frame["page_id"] = frame["page_id"].astype("string")
        if "followers" in frame:
            frame["followers"], _ = parse_counts(frame["followers"])
        parsed.pages = frame
    # records refused while walking the JSON and those refused by the value parsers, in file order
    parsed.quarantine = sorted(quarantine.rows, key=lambda r: r["source_row"] or 0)
    parsed.info = {"layout": ", ".join(sorted(layout)) or "records"}
    return parsed


def build_table(rows, raw, quarantine: Quarantine, table: str, *, ids, counts, texts=(),
                required=(), platform=None, times=("created_at",), tz="UTC") -> pd.DataFrame:
    """Raw string rows → a data-model table using the shared parsers; bad values are quarantined.

    ``rows`` hold strings (or ``None``) keyed by data-model column, plus ``source_row``: a list
    of dicts, or a dict of equally long column lists (a column is there when a row has it; rows
    without it hold ``None``); ``raw`` holds the original records, aligned, for the quarantine.
    """
    if isinstance(rows, dict):
        frame = rows
        index = pd.RangeIndex(len(rows["source_row"]))

        def column(col):
            return pd.Series(frame[col], index=index, dtype="object")
    else:
        frame = pd.DataFrame(rows)
        index = frame.index

        def column(col):
            return frame[col]
    out = pd.DataFrame(index=index)
    errors = {}
    for col in ids:
        if col in frame:
            out[col] = parse_ids(frame[col])
    for col in times:
        out[col], errors[col] = parse_times(frame[col], tz=tz)
    if "text" in frame:
        out["text"] = column("text").fillna("").astype("string")
    for col in texts:
        if col in frame:
            out[col] = column(col).astype("string")
    for col in counts:
        if col in frame:
            out[col], errors[col] = parse_counts(frame[col])
    if "post_type" in frame:
        out["post_type"] = normalise_post_type(frame["post_type"])
    if "author_is_page" in frame:
        out["author_is_page"] = column("author_is_page").astype("boolean")
    if platform:
        out["platform"] = platform
    out["source_row"] = column("source_row").astype("Int64")
    out["source_format"] = quarantine.source_format
    out["source_file"] = quarantine.source_file
    return finish_table(out, errors, raw, quarantine, table=table, required=required)


def read(path, *, name: str, options: dict) -> Parsed:
    """Read one Graph API JSON / JSON Lines file of page posts and/or comments (see the module doc)."""
    start = json_lines_start(path)
    if start is not None:  # UTF-8 JSON Lines: read from the file a block at a time
        with open(path, "rb") as fh:
            try:
                reader, parts = _read_lines(lambda: _line_chunks(_file_lines(fh, start), name), name, options)
            except UnicodeDecodeError:
                pass  # not UTF-8 after all: decoded as a whole below, as any other file
            else:
                return _tables(reader, parts, name)
    data = Path(path).read_bytes()
    text, single = json_text(data, name, what="Graph API")
    del data
    return _read_text(text, single, name, options)


def _read_text(text, single, name, options) -> Parsed:
    if single is not None:
        reader = _Reader(name, options)
        reader.read(reader.units(single))
        parts = []
    else:
        reader, parts = _read_lines(lambda: json_line_chunks(text, name), name, options)
    return _tables(reader, parts, name)


def _tables(reader: _Reader, parts: list, name: str) -> Parsed:
    if reader.row == 0:
        raise LoadError(name, "the Graph API response holds no posts or comments (an empty 'data' list)")
    return reader.tables(parts)


def _read_lines(chunks, name, options) -> tuple[_Reader, list]:
    """Read JSON Lines chunk by chunk (``chunks()`` gives them from the start of the file, see
    :func:`json_line_chunks`): ``(reader, parts)`` with one ``(posts, comments)`` pair of frames a
    chunk.

    One pass reads each chunk with the file-wide defaults known after scanning it. Should a
    default that was already used turn out otherwise later in the file (a response without hints
    read as the kind most responses so far held, a bare post id read before a later line showed
    the page, a page name a comment looked for before a page node gave it), the file is read
    again in two passes: the first settles the defaults from every line, the second reads the
    records. Either way the result is what reading the whole file at once gives.
    """
    reader = _Reader(name, options)
    parts = []
    page_unknown = False  # a chunk was read without knowing the file's page
    for units in _unit_chunks(reader, chunks()):
        reader.scan(units)
        if reader.stale or (page_unknown and reader._found_page is not None):
            break
        reader.settle(final=False)
        page_unknown = page_unknown or reader.default_page is None
        reader.read_units(units)
        del units
        parts.append(reader.take_rows())
    else:
        if not reader.stale and reader.defaults_used <= {reader.default_kind()}:
            reader.settle()
            return reader, parts
    del parts, reader
    reader = _Reader(name, options)
    for units in _unit_chunks(reader, chunks()):
        reader.scan(units)
    reader.settle()
    parts = []
    for units in _unit_chunks(reader, chunks()):
        reader.read_units(units)
        del units
        parts.append(reader.take_rows())
    return reader, parts


def _unit_chunks(reader: _Reader, chunks):
    """The units of each chunk of JSON Lines. The garbage collector is paused from parsing a chunk
    until the caller asks for the next one: its records (which form no cycles) are then let go,
    and collections triggered by the millions of objects they are made of are not needed."""
    while True:
        with gc_paused():
            chunk = next(chunks, None)
            if chunk is None:
                return
            units = reader.units(chunk)
            del chunk
            yield units
            del units
