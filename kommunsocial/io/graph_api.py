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

JSON Lines of one ``/posts`` response or one post node per line are parsed by pyarrow into
columns (:mod:`._graph_columns`); any other shape, and any file those columns cannot carry as the
record walk reads it, is walked record by record. The result is the same either way.

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

import re
from pathlib import Path

from .._gc import gc_paused
from ..errors import LoadError
from ._graph_columns import read_columns
from ._graph_rows import Reader as _Reader
from ._graph_walk import FORMAT
from ._json import file_lines, head_text, json_line_chunks, json_lines_start, json_text, key_pattern, line_chunks
from ._tables import Parsed

__all__ = ["FORMAT", "sniff", "read"]


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


def read(path, *, name: str, options: dict) -> Parsed:
    """Read one Graph API JSON / JSON Lines file of page posts and/or comments (see the module doc)."""
    start = json_lines_start(path)
    if start is not None:  # UTF-8 JSON Lines: as columns when the shape allows, else a block at a time
        parsed = read_columns(path, name, options, start)
        if parsed is not None:
            return parsed
        with open(path, "rb") as fh:
            try:
                reader, parts = _read_lines(lambda: line_chunks(file_lines(fh, start), name), name, options)
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
