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
import mmap

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pajson

from ..errors import KommunsocialError
from ._checks import LONE_SURROGATE
from ._graph_rows import ATTACHMENT_TYPES, STATUS_TYPES, Reader, without_comments
from ._graph_walk import _POST_EDGES, _vote, reaction_column
from ._json import _json_kwargs, _loads, file_lines, url_hint
from ._tables import Parsed
from ._values import _WHITESPACE

__all__ = ["read_columns"]

_S, _I = pa.string(), pa.int64()
_PAGING = pa.struct([("next", _S), ("previous", _S)])
_FROM = pa.struct([("id", _S), ("name", _S)])
_TOTAL = pa.struct([("summary", pa.struct([("total_count", _I)]))])
_REPLY = [("id", _S), ("created_time", _S), ("message", _S), ("from", _FROM), ("like_count", _I),
          ("comment_count", _I), ("parent", pa.struct([("id", _S)]))]
_COMMENT = pa.struct([*_REPLY, ("comments", pa.struct([("data", pa.list_(pa.struct(_REPLY)))]))])
_ATTACHMENTS = pa.struct([("data", pa.list_(pa.struct([("type", _S)])))])
_POST = pa.struct([("id", _S), ("created_time", _S), ("message", _S), ("permalink_url", _S), ("status_type", _S),
                   ("type", _S), ("from", _FROM), ("attachments", _ATTACHMENTS), ("shares", pa.struct([("count", _I)])),
                   ("reactions", _TOTAL), ("comments", _TOTAL)])
#: the fields read, typed (times as text: pyarrow would otherwise read them as its own timestamps);
#: a value of another type fails the parse, and the record walk reads the file
_SCHEMA = pa.schema([("data", pa.list_(_POST)), ("paging", _PAGING), ("id", _S),
                     ("comments", pa.struct([("data", pa.list_(_COMMENT)), ("paging", _PAGING)]))])
#: a thread is one line: blocks big enough for any line
_BLOCK = 64 << 20


class _Fallback(KommunsocialError):
    """The file holds something the columns do not carry as the record walk reads it (caught inside
    :func:`read_columns`, never raised to a caller)."""


def read_columns(path, name: str, options: dict, start: int) -> Parsed | None:
    """Read a UTF-8 Graph API JSON Lines file (from byte ``start``) as columns; None when the file
    is not of a shape read this way (see the module doc)."""
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        if LONE_SURROGATE.search(data, start):  # the walk replaces a lone surrogate as a decoder would
            return None
    source = pa.memory_map(str(path))  # parsed from the file itself, never copied into memory whole
    try:
        source.seek(start)
        table = pajson.read_json(source, read_options=pajson.ReadOptions(block_size=_BLOCK),
                                 parse_options=pajson.ParseOptions(explicit_schema=_SCHEMA,
                                                                   unexpected_field_behavior="infer"))
    except (pa.ArrowException, UnicodeDecodeError):  # not JSON, not UTF-8, or a value of another type
        return None
    finally:
        source.close()
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


def _arrow(arr, n: int):
    """A field as an Arrow array of text or whole numbers (all null when absent)."""
    if arr is None or pa.types.is_null(arr.type):
        return pa.nulls(n, _S)
    if not (pa.types.is_string(arr.type) or pa.types.is_integer(arr.type)):
        raise _Fallback
    return arr


def _trimmed(arr):
    """Text ids as :func:`._tables.get_id` reads them: stripped, empty → null."""
    if not pa.types.is_string(arr.type):
        raise _Fallback  # a number where an id belongs
    arr = pc.utf8_trim(arr, characters=_WHITESPACE)
    return pc.if_else(pc.equal(arr, ""), pa.scalar(None, _S), arr)


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
    """Records of a table's rows as the quarantine keeps them (looked up only when quarantined);
    ``where``: each row's (line, position, reply position or -1), an array of three columns."""

    def __init__(self, records: _Records, where: np.ndarray):
        self.records, self.where = records, where

    def __len__(self):
        return len(self.where)

    def __getitem__(self, pos):
        return without_comments(self.records[tuple(int(w) for w in self.where[pos])])


def _hints(reader: Reader, paging) -> list:
    """:func:`url_hint` of each line's ``paging`` (noting the fields requested)."""
    if paging.null_count == len(paging):  # post nodes saved without paging
        return [{}] * len(paging)
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
    pids, author_ids = _trimmed(_arrow(_field(posts, "id"), n)), _trimmed(_arrow(_field(posts, "from", "id"), n))
    author_names = _arrow(_field(posts, "from", "name"), n)
    if pc.all(pc.fill_null(pc.match_substring(pids, "_"), False)).as_py():  # every id "{page}_{post}"
        page_ids = pc.list_element(pc.split_pattern(pids, "_", max_splits=1), 0)
    else:  # a bare post id: the page of its response, of the file, or its author
        default_page, pid_list = reader.default_page, pids.to_pylist()
        page_list = [pid.split("_", 1)[0] if pid and "_" in pid else None for pid in pid_list]
        page_list = [page or line_pages[k] or default_page or author
                     for page, k, author in zip(page_list, line.tolist(), author_ids.to_pylist())]
        pids = pa.array([reader._canonical(pid, page) if pid and page else pid
                         for pid, page in zip(pid_list, page_list)], _S)
        page_ids = pa.array(page_list, _S)
    foreign = pc.fill_null(pc.not_equal(author_ids, page_ids), False).to_numpy(zero_copy_only=False)
    for i in np.flatnonzero(foreign):
        reader.quarantine.add(int(i) + 1, without_comments(records[(line[i], pos[i], -1)]),
                              "posted on the page's feed by another account, not by the page", table="posts",
                              column="page_id")
    keep = np.flatnonzero(~foreign)
    take = pa.array(keep)
    pids, page_ids, author_ids, author_names = (a.take(take) for a in (pids, page_ids, author_ids, author_names))
    # a page's name: the first its posts give
    pages = reader.pages
    for page_id, author_id, name in zip(page_ids.to_pylist(), author_ids.to_pylist(), author_names.to_pylist()):
        if author_id and page_id:
            info = pages.get(page_id)
            if info is None or not info.get("page_name"):
                reader._page(page_id, name=name)
    reader.row = n

    def field(*names):
        return _arrow(_field(posts, *names), n).take(take)

    columns = {"post_id": pids, "page_id": page_ids, "created_at": field("created_time"), "text": field("message"),
               "url": field("permalink_url"), "n_reactions": field("reactions", "summary", "total_count"),
               "n_comments": field("comments", "summary", "total_count"), "post_type": _post_types(posts, n)[keep]}
    shares = _field(posts, "shares")
    given = shares.is_valid()
    reader.shares_requested = reader.shares_requested or pc.any(given).as_py()
    counts = _arrow(_field(shares, "count"), n)
    if pc.any(pc.invert(given)).as_py():  # the API leaves out shares when there are none
        counts = pc.if_else(given, counts.cast(_S), pa.scalar("0" if reader.shares_requested else None, _S))
    columns["n_shares"] = counts.take(take)
    columns["source_row"] = keep + 1
    for key, column in aliases:
        value = _field(posts, key)
        total = _field(value, "summary", "total_count") if pa.types.is_struct(value.type) else value
        columns[column] = _arrow(total, n).take(take)
    raw = _Raw(records, np.stack([line[keep], pos[keep], np.full(len(keep), -1)], axis=1))
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
    nodes = _trimmed(_arrow(table["id"].chunk(0), table.num_rows)).to_pylist()
    edge = table["comments"].chunk(0)
    hints = _hints(reader, _field(edge, "paging"))
    nodes = [node or hint.get("node") for node, hint in zip(nodes, hints)]
    tops, top_line, top_pos = _records(_field(edge, "data"))
    n_top = len(tops)
    replies_of = _field(tops, "comments", "data")
    replies, reply_top, reply_pos = _records(replies_of)
    if _field(replies, "comments") is not None:
        raise _Fallback  # replies to replies
    # the file's page, from the first post node (as the walk's scan finds it)
    top_ids = _values(_field(tops, "id"), n_top)
    starts = np.searchsorted(top_line, np.arange(len(nodes) + 1))

    def first_ids(k):  # the ids of a line's first 20 comments
        return top_ids[starts[k]:min(starts[k] + 20, starts[k + 1])]

    for k, node in enumerate(nodes):
        if node and "_" in node and reader.node_is_post_ids(node, first_ids(k)):
            reader._found_page = node.split("_", 1)[0]
            break
    reader.settle()
    heads = np.full(len(nodes), None, dtype=object)
    given = starts[:-1] < starts[1:]
    heads[given] = top_ids[starts[:-1][given]]
    line_posts, line_parents, line_pages = [], [], []
    for k, (node, head) in enumerate(zip(nodes, heads.tolist())):
        if node and head and "_" in node and "_" in head and head.split("_", 1)[0] == node.split("_", 1)[1]:
            post_id, parent = node, None  # the usual case, as the first comment's id shows (node_is_post_ids)
        else:
            post_id, parent = reader._comment_context(node, None, ids=first_ids(k))
        if post_id is None:
            raise _Fallback  # the comment ids say which post (and the walk names those that do not)
        line_posts.append(post_id)
        line_parents.append(parent)
        line_pages.append(reader._page_of(post_id))
    # rows in reading order: each comment, then its replies
    sizes = 1 + _lengths(replies_of, n_top)
    top_row = np.cumsum(sizes) - sizes + 1
    rows = np.concatenate([top_row, top_row[reply_top] + 1 + reply_pos])
    order = np.argsort(rows, kind="stable")
    rows = rows[order]
    line = pa.array(np.concatenate([top_line, top_line[reply_top]])[order])

    def both(*names):
        """A field of the comments and the replies, in reading order."""
        parts = [_field(tops, *names), _field(replies, *names)]
        kinds = {a.type for a in parts if a is not None and not pa.types.is_null(a.type)}
        if len(kinds) > 1:
            raise _Fallback  # numbers in one, text in the other
        kind = kinds.pop() if kinds else _S
        parts = [pa.nulls(n, kind) if a is None or pa.types.is_null(a.type) else a
                 for a, n in zip(parts, (n_top, len(replies)))]
        return _arrow(pa.concat_arrays(parts).take(order), len(order))

    cid = _trimmed(both("id"))
    if cid.null_count:
        raise _Fallback  # a stand-in id from the permalink or the content
    post = pa.array(line_posts, _S).take(line)
    nested = pa.concat_arrays([pa.array(line_parents, _S).take(pa.array(top_line)),
                               _trimmed(_arrow(_field(tops, "id"), n_top)).take(pa.array(reply_top))]).take(order)
    given = _trimmed(both("parent", "id"))
    parent = pc.if_else(pc.is_null(given), nested, given)
    tail = pa.array([p.split("_", 1)[-1] for p in line_posts], _S).take(line)
    to_post = pc.fill_null(pc.or_(pc.equal(parent, post), pc.equal(parent, tail)), False)
    parent = pc.if_else(to_post, pa.scalar(None, _S), parent)  # a reply to the post itself is a top-level comment
    author_id, author_name = _trimmed(both("from", "id")), both("from", "name")
    page = pa.array(line_pages, _S).take(line)
    nameless = pc.and_(pc.and_(pc.is_null(author_id), pc.is_valid(page)), pc.fill_null(pc.not_equal(author_name, ""),
                                                                                        False))
    if pc.any(nameless).as_py():
        raise _Fallback  # told apart by the page's name, as known at that point of the file
    is_page = pc.equal(author_id, page)  # null where either is missing
    answers = np.flatnonzero(pc.fill_null(is_page, False).to_numpy(zero_copy_only=False))
    for i, page_id, name in zip(answers, page.take(answers).to_pylist(), author_name.take(answers).to_pylist()):
        info = reader.pages.get(page_id)  # the page's own name, the first one first
        if info is None or not info.get("page_name"):
            reader._page(page_id, name=name)
    reader.row = len(rows)
    bare = np.asarray(["_" not in p for p in line_posts], dtype=bool)
    reader.bare_post_ids = int(bare[line.to_numpy()].sum())
    columns = {"comment_id": cid, "post_id": post, "parent_id": parent, "author_name": author_name,
               "author_platform_id": author_id, "author_is_page": is_page.to_numpy(zero_copy_only=False),
               "created_at": both("created_time"), "text": both("message"), "n_likes": both("like_count"),
               "n_replies": both("comment_count"), "source_row": rows}
    where = np.concatenate([np.stack([top_line, top_pos, np.full(n_top, -1)], axis=1),
                            np.stack([top_line[reply_top], top_pos[reply_top], reply_pos], axis=1)])[order]
    return None, reader.comment_table(columns, _Raw(records, where))
