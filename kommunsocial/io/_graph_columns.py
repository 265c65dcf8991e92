"""Graph API JSON Lines read as columns: pyarrow's JSON reader parses the file into Arrow arrays, and
the rows are built from whole columns rather than from a Python object per record.

Two shapes are read this way, the ones collecting scripts write most: one ``/{page-id}/posts``
response per line (``{"data": [post, ...], "paging": {...}}``) and one post node per line with its
comments and their replies (``{"id": post, "comments": {"data": [comment, ...]}}``). Whatever the
columns cannot carry as the record walk (:mod:`._graph_walk`, :mod:`._graph_rows`) reads it (another
shape, a line that is not JSON, a number where text belongs, a comment without id, replies nested
deeper, a page name a comment needs before it is known…) makes :func:`read_columns` return None, and
the file is walked record by record. Either way the tables, the quarantine and the pages are the same,
value for value (``tests/formats/test_io_graph_columns.py`` checks both ways on every fixture).
"""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pajson

from ._checks import repair_surrogates
from ._graph_rows import ATTACHMENT_TYPES, STATUS_TYPES, Reader, without_comments
from ._graph_walk import _POST_EDGES, _vote, reaction_column
from ._json import _json_kwargs, _loads, file_lines, url_hint
from ._tables import Parsed

__all__ = ["read_columns"]

_S, _I = pa.string(), pa.int64()
_PAGING = pa.struct([("next", _S), ("previous", _S)])
_FROM = pa.struct([("id", _S), ("name", _S)])
_TOTAL = pa.struct([("summary", pa.struct([("total_count", _I)]))])
_REPLY = [("id", _S), ("created_time", _S), ("message", _S), ("from", _FROM), ("like_count", _I),
          ("comment_count", _I), ("parent", pa.struct([("id", _S)]))]
_COMMENT = pa.struct([*_REPLY, ("comments", pa.struct([("data", pa.list_(pa.struct(_REPLY)))]))])
_POST = pa.struct([("id", _S), ("created_time", _S), ("message", _S), ("permalink_url", _S), ("status_type", _S),
                   ("type", _S), ("from", _FROM), ("attachments", pa.struct([("data", pa.list_(pa.struct([("type", _S)])))])),
                   ("shares", pa.struct([("count", _I)])), ("reactions", _TOTAL), ("comments", _TOTAL)])
#: the fields read, typed (times as text: pyarrow would otherwise read them as its own timestamps);
#: a value of another type fails the parse, and the record walk reads the file
_SCHEMA = pa.schema([("data", pa.list_(_POST)), ("paging", _PAGING), ("id", _S),
                     ("comments", pa.struct([("data", pa.list_(_COMMENT)), ("paging", _PAGING)]))])
#: what ``str.strip`` removes
_WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
#: a thread is one line: blocks big enough for any line
_BLOCK = 64 << 20


class _Fallback(Exception):
    """The file holds something the columns do not carry as the record walk reads it."""


def read_columns(path, name: str, options: dict, start: int) -> Parsed | None:
    """Read a UTF-8 Graph API JSON Lines file (from byte ``start``) as columns; None when the file
    is not of a shape read this way (see the module doc)."""
    with open(path, "rb") as fh:
        fh.seek(start)
        data = fh.read()
    if repair_surrogates(data) is not data:  # a lone surrogate: the walk replaces it as a decoder would
        return None
    try:
        table = pajson.read_json(pa.BufferReader(data), read_options=pajson.ReadOptions(block_size=_BLOCK),
                                 parse_options=pajson.ParseOptions(explicit_schema=_SCHEMA,
                                                                   unexpected_field_behavior="infer"))
    except (pa.ArrowException, UnicodeDecodeError):  # not JSON, not UTF-8, or a value of another type
        return None
    del data
    if table.num_rows == 0:
        return None
    table = table.combine_chunks()
    records = _Records(path, start)
    reader = Reader(name, options)
    try:
        inferred = set(table.column_names) - set(_SCHEMA.names)
        if table["data"].null_count == 0 and inferred <= {"summary"}:
            reader.layout.add("response")
            parts = _posts(reader, table, records)
        elif table["data"].null_count == table.num_rows and table["comments"].null_count == 0 and not inferred:
            reader.layout.add("post node")
            parts = _comments(reader, table, records)
        else:
            return None
    except _Fallback:
        return None
    if reader.row == 0:
        return None  # the walk names what is wrong with a file that holds no records
    return reader.tables([parts])


# ---------------------------------------------------------------------------------------------
# columns
# ---------------------------------------------------------------------------------------------
def _field(arr, *names):
    """A nested field of a struct array (null where any level is null), or None when absent."""
    for key in names:
        if not pa.types.is_struct(arr.type):
            raise _Fallback  # an object where the walk expects one, or checks what else it is
        if arr.type.get_field_index(key) < 0:
            return None
        arr = pc.struct_field(arr, key)
    return arr


def _values(arr, n: int) -> np.ndarray:
    """Text as the walk reads it (numbers as written, as ``parse_int=str`` gives them): an object
    array of str and None."""
    if arr is None or pa.types.is_null(arr.type):
        return np.full(n, None, dtype=object)
    if pa.types.is_integer(arr.type):
        arr = arr.cast(_S)
    elif not pa.types.is_string(arr.type):
        raise _Fallback
    return arr.to_numpy(zero_copy_only=False)


def _ids(arr, n: int) -> np.ndarray:
    """Ids as :func:`._tables.get_id` reads them: stripped, empty → None."""
    if arr is None or pa.types.is_null(arr.type):
        return np.full(n, None, dtype=object)
    if not pa.types.is_string(arr.type):
        raise _Fallback
    arr = pc.utf8_trim(arr, characters=_WHITESPACE)
    return pc.if_else(pc.equal(arr, ""), pa.scalar(None, _S), arr).to_numpy(zero_copy_only=False)


def _records(lists) -> tuple:
    """The records of a list column: ``(records, index of the row each belongs to, position in its list)``."""
    if not pa.types.is_list(lists.type):
        raise _Fallback
    flat = pc.list_flatten(lists)
    if flat.null_count or not pa.types.is_struct(flat.type):
        raise _Fallback  # a record that is not an object: quarantined by the walk
    parents = pc.list_parent_indices(lists).to_numpy()
    offsets = lists.offsets.to_numpy()
    return flat, parents, np.arange(len(flat)) + offsets[0] - offsets[parents]


def _lengths(lists, n: int) -> np.ndarray:
    if lists is None:
        return np.zeros(n, dtype=np.int64)
    return pc.fill_null(pc.list_value_length(lists), 0).to_numpy().astype(np.int64)


class _Records:
    """The original records, parsed from their line as the walk parses it, for the few rows that
    are quarantined: ``records[(line, position, reply position or -1)]``."""

    def __init__(self, path, start: int):
        self.path, self.start = path, start
        self.lines = None  # the non-blank lines, as the Arrow rows count them
        self.parsed = {}

    def line(self, line: int):
        """The value of the ``line``-th line that is not blank."""
        if self.lines is None:
            with open(self.path, "rb") as fh:
                self.lines = [text for _, text, _ in file_lines(fh, self.start) if text]
        if line not in self.parsed:
            self.parsed[line] = _loads(self.lines[line], json.JSONDecoder(**_json_kwargs()))
        return self.parsed[line]

    def __getitem__(self, where):
        line, pos, reply = where
        doc = self.line(line)
        if "data" in doc and isinstance(doc["data"], list):
            return doc["data"][pos]
        rec = doc["comments"]["data"][pos]
        return rec if reply < 0 else rec["comments"]["data"][reply]


class _Raw:
    """Records of a table's rows as the quarantine keeps them (looked up only when quarantined)."""

    def __init__(self, records: _Records, where: list):
        self.records, self.where = records, where

    def __len__(self):
        return len(self.where)

    def __getitem__(self, pos):
        return without_comments(self.records[self.where[pos]])


def _hints(reader: Reader, paging) -> list:
    """:func:`url_hint` of each line's ``paging`` (noting the fields requested)."""
    hints = []
    for value in paging.to_pylist():
        hint = url_hint(value) if value else {}
        reader._note_fields(hint.get("fields"))
        hints.append(hint)
    return hints


# ---------------------------------------------------------------------------------------------
# posts: one /{page-id}/posts response per line
# ---------------------------------------------------------------------------------------------
def _posts(reader: Reader, table, records: _Records) -> tuple:
    hints = _hints(reader, table["paging"].combine_chunks())
    unhinted = [k for k, h in enumerate(hints) if h.get("edge") not in _POST_EDGES]
    if len(unhinted) > max(10, len(hints) // 10) or any(hints[k].get("edge") for k in unhinted):
        raise _Fallback  # the responses of another edge, or many whose kind is voted from their records' keys
    for k in unhinted:  # a single page of results has no paging URL: its records' keys tell (as the walk votes)
        if _vote(records.line(k)["data"]) != "posts":
            raise _Fallback
    posts, line, pos = _records(table["data"].chunk(0))
    n = len(posts)
    fields = [f.name for f in posts.type]
    aliases = [(key, reaction_column(key)) for key in fields if reaction_column(key)]
    if "likes" in fields or len({c for _, c in aliases}) < len(aliases):
        raise _Fallback  # the legacy likes edge, or two aliases of one reaction (the last in each record wins)
    if _lengths(_field(posts, "comments", "data"), n).any():
        raise _Fallback  # comments expanded inside posts
    line_pages = [h.get("node") if h.get("edge") in _POST_EDGES else None for h in hints]
    reader._found_page = next((page for page in line_pages if page), None)
    reader.settle()
    pids, author_ids = _ids(_field(posts, "id"), n), _ids(_field(posts, "from", "id"), n)
    author_names = _values(_field(posts, "from", "name"), n)
    default_page, pages = reader.default_page, reader.pages
    keep, post_ids, page_ids = [], [], []
    for i, (pid, author_id) in enumerate(zip(pids.tolist(), author_ids.tolist())):
        page_id = pid.split("_", 1)[0] if pid and "_" in pid else None
        page_id = page_id or line_pages[line[i]] or default_page or author_id
        if pid and page_id:
            pid = reader._canonical(pid, page_id)
        if author_id and page_id and author_id != page_id:
            reader.quarantine.add(i + 1, without_comments(records[(line[i], pos[i], -1)]),
                                  "posted on the page's feed by another account, not by the page", table="posts",
                                  column="page_id")
            continue
        if author_id and page_id:
            info = pages.get(page_id)
            if info is None or not info.get("page_name"):
                reader._page(page_id, name=author_names[i])
        keep.append(i)
        post_ids.append(pid)
        page_ids.append(page_id)
    reader.row = n
    keep = np.asarray(keep, dtype=np.intp)
    columns = {"post_id": post_ids, "page_id": page_ids,
               "created_at": _values(_field(posts, "created_time"), n)[keep],
               "text": _values(_field(posts, "message"), n)[keep],
               "url": _values(_field(posts, "permalink_url"), n)[keep],
               "n_reactions": _values(_field(posts, "reactions", "summary", "total_count"), n)[keep],
               "n_comments": _values(_field(posts, "comments", "summary", "total_count"), n)[keep],
               "post_type": _post_types(posts, n)[keep]}
    shares = _field(posts, "shares")
    given = shares.is_valid().to_numpy(zero_copy_only=False)
    reader.shares_requested = reader.shares_requested or bool(given.any())
    counts = _values(_field(shares, "count"), n)
    counts[~given] = "0" if reader.shares_requested else None  # the API leaves out shares when there are none
    columns["n_shares"] = counts[keep]
    columns["source_row"] = (keep + 1).tolist()
    for key, column in aliases:
        value = _field(posts, key)
        total = _field(value, "summary", "total_count") if pa.types.is_struct(value.type) else value
        columns[column] = _values(total, n)[keep]
    columns["text"] = np.where(columns["text"] == None, "", columns["text"])  # noqa: E711 (elementwise)
    raw = _Raw(records, [(line[i], pos[i], -1) for i in keep])
    return reader.post_table(columns, raw), None


def _post_types(posts, n: int) -> np.ndarray:
    """What :meth:`Reader._post_type` reads: the first attachment's type, else ``status_type``, else ``type``."""
    first = np.full(n, None, dtype=object)
    data = _field(posts, "attachments", "data")
    if data is not None:
        head = pc.list_slice(data, 0, 1)
        firsts = pc.list_flatten(head)
        if pa.types.is_struct(firsts.type):
            first[pc.list_parent_indices(head).to_numpy()] = _values(_field(firsts, "type"), len(firsts))
    status = _values(_field(posts, "status_type"), n)
    legacy = _values(_field(posts, "type"), n)
    memo, out = {}, np.empty(n, dtype=object)
    for i, key in enumerate(zip(first.tolist(), status.tolist(), legacy.tolist())):
        found = memo.get(key, memo)
        if found is memo:
            found = memo[key] = _post_type(*key)
        out[i] = found
    return out


def _post_type(first, status, legacy):
    if first is not None:
        return ATTACHMENT_TYPES.get(first.strip().lower(), "other")
    if status is not None and status.strip():
        return STATUS_TYPES.get(status.strip().lower(), "other")
    if legacy is not None and legacy.strip():
        return legacy.strip().lower()
    return None


# ---------------------------------------------------------------------------------------------
# comments: one post node per line, its comments and their replies
# ---------------------------------------------------------------------------------------------
def _comments(reader: Reader, table, records: _Records) -> tuple:
    nodes = _ids(table["id"].chunk(0), table.num_rows).tolist()
    edge = table["comments"].chunk(0)
    hints = _hints(reader, _field(edge, "paging"))
    nodes = [node or hint.get("node") for node, hint in zip(nodes, hints)]
    tops, top_line, top_pos = _records(_field(edge, "data"))
    replies_of = _field(tops, "comments", "data")
    if replies_of is not None and len(tops):
        replies, reply_top, reply_pos = _records(replies_of)
        if _field(replies, "comments") is not None:
            raise _Fallback  # replies to replies
    else:
        replies = None
        reply_top = reply_pos = np.zeros(0, dtype=np.intp)
    # the file's page, from the first post node (as the walk's scan finds it)
    top_ids = _values(_field(tops, "id"), len(tops)).tolist()
    starts = np.searchsorted(top_line, np.arange(len(nodes) + 1))
    first_ids = [top_ids[starts[k]:min(starts[k] + 20, starts[k + 1])] for k in range(len(nodes))]
    for node, ids in zip(nodes, first_ids):
        if node and "_" in node and reader.node_is_post_ids(node, ids):
            reader._found_page = node.split("_", 1)[0]
            break
    reader.settle()
    line_posts, line_parents, line_pages = [], [], []
    for node, ids in zip(nodes, first_ids):
        post_id, parent = reader._comment_context(node, None, ids=ids)
        if post_id is None:
            raise _Fallback  # the comment ids say which post (and the walk names those that do not)
        line_posts.append(post_id)
        line_parents.append(parent)
        line_pages.append(reader._page_of(post_id))
    line_posts = np.asarray(line_posts, dtype=object)
    # rows in reading order: each comment, then its replies
    n_top = len(tops)
    sizes = 1 + _lengths(replies_of, n_top)
    top_row = np.cumsum(sizes) - sizes + 1
    rows = np.concatenate([top_row, top_row[reply_top] + 1 + reply_pos])
    line = np.concatenate([top_line, top_line[reply_top]]).astype(np.intp)
    order = np.argsort(rows, kind="stable")

    def both(*names, get=_values):
        values = [get(_field(tops, *names), n_top)]
        if replies is not None:
            values.append(get(_field(replies, *names), len(replies)))
        return np.concatenate(values)[order]

    rows, line = rows[order], line[order]
    cid = both("id", get=_ids)
    if (cid == None).any():  # noqa: E711 (elementwise)
        raise _Fallback  # a stand-in id from the permalink or the content
    post = line_posts[line]
    parent = np.concatenate([np.asarray(line_parents, dtype=object)[top_line],
                             _ids(_field(tops, "id"), n_top)[reply_top]])[order]
    given = both("parent", "id", get=_ids)
    parent = np.where(given == None, parent, given)  # noqa: E711
    tail = np.asarray([p.split("_", 1)[-1] for p in line_posts.tolist()], dtype=object)[line]
    parent[(parent == post) | (parent == tail)] = None  # a reply to the post itself is a top-level comment
    author_id, author_name = both("from", "id", get=_ids), both("from", "name")
    page = np.asarray(line_pages, dtype=object)[line]
    known = (author_id != None) & (page != None)  # noqa: E711
    if ((author_id == None) & (author_name != None) & (author_name != "") & (page != None)).any():  # noqa: E711
        raise _Fallback  # told apart by the page's name, as known at that point of the file
    is_page = np.full(len(rows), None, dtype=object)
    is_page[known] = author_id[known] == page[known]
    for i in np.flatnonzero(known & (is_page == True)):  # noqa: E712: the page's own name, first one first
        info = reader.pages.get(page[i])
        if info is None or not info.get("page_name"):
            reader._page(page[i], name=author_name[i])
    reader.row = len(rows)
    reader.bare_post_ids = int(sum("_" not in p for p in post.tolist()))
    text = both("message")
    columns = {"comment_id": cid, "post_id": post, "parent_id": parent, "author_name": author_name,
               "author_platform_id": author_id, "author_is_page": is_page, "created_at": both("created_time"),
               "text": np.where(text == None, "", text), "n_likes": both("like_count"),  # noqa: E711
               "n_replies": both("comment_count"), "source_row": rows.tolist()}
    where = np.concatenate([np.stack([top_line, top_pos, np.full(n_top, -1)], axis=1),
                            np.stack([top_line[reply_top], top_pos[reply_top], reply_pos], axis=1)])[order]
    raw = _Raw(records, [tuple(w) for w in where.tolist()])
    return None, reader.comment_table(columns, raw)
