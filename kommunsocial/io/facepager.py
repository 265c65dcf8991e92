"""Facepager CSV exports of Facebook Graph API data (strohne/Facepager).

Facepager stores what it fetched as a tree of nodes and exports one CSV row per node. Physical
format (the export dialog's defaults, all handled): UTF-8 with a BOM, ``;`` (``,`` and tab are
detected too), every field quoted, CRLF line ends, Python's ``None`` written as the text
``None``; line breaks in values are usually replaced by spaces, but kept ones inside quotes are
read too.

Layouts: "All nodes" (``level;id;parent_id;object_id;object_type;…``), "Selected nodes"
(``path;id;parent_id;level;…``) and "Selected nodes in wide format" (custom columns repeated
per level as ``lvl_0_message``, ``lvl_1_message`` …; each row's own values are taken from its
level's columns). The fixed columns mean:

* ``id`` / ``parent_id``: Facepager's internal node numbers, used only to rebuild the tree;
  never Facebook ids.
* ``object_id``: the Facebook id of the node (post ``<page>_<post>``, comment
  ``<post>_<comment>``); for a seed, what the user typed (a handle, a page id or a post id).
* ``object_type``: only ``data`` rows hold fetched items; ``seed`` rows are the starting
  points; ``offcut`` (paging, summary), ``empty``, ``headers`` and ``unpacked`` rows are skipped.
* ``query_type``: ``<module>:<resource>`` such as ``Facebook:/<page-id>/posts``; its last
  path segment says what a data row is: ``posts``/``feed``/``published_posts``/… → a post,
  ``comments`` → a comment, no edge (``/<page-id>``) → page details. When it is missing the
  node's place in the tree decides (child of a page seed → post, below a post → comment).
* ``query_time``: the collecting computer's local time without zone; not used (``created_at``
  comes from the Graph API's ``created_time``, which is UTC).

Mapping of the custom columns (Graph API field paths, matched case-insensitively):

posts
    ``post_id`` ← ``object_id`` (already ``<page_id>_<post_id>``; a bare post id gets the page id
    prepended when it is known); ``page_id`` ← the id's page part, else the seed's page;
    ``created_at`` ← ``created_time``; ``text`` ← ``message`` (empty when absent);
    ``url`` ← ``permalink_url``; ``post_type`` ← ``status_type`` / ``type`` /
    ``attachments.data.*.type``; ``n_reactions`` ← ``reactions.summary.total_count`` (else the
    sum of all seven per-type counts when all are present); ``n_likes``, ``n_love`` … ``n_care`` ←
    per-type aliases ``like.summary.total_count`` or ``reactions_like.summary.total_count``
    (``likes.summary.total_count`` for the like count too); ``n_comments`` ←
    ``comments.summary.total_count``; ``n_shares`` ← ``shares.count``; the presets' short aliases
    ``reactions``, ``comments``, ``shares``, ``likes`` are read too, and a cell holding the fetched
    JSON object gives its ``summary.total_count`` / ``count`` (``_facepager_columns.py``). A
    count that no column holds is named in the manifest (``counts_missing``). The Graph API leaves
    ``shares`` out when a post has no shares, so an empty ``shares.count`` is 0 when the column
    holds values for other posts of the file, and missing when the whole column is empty (the
    field was then never requested).
comments
    ``comment_id`` ← ``object_id``; presets that fetch ``/<post-id>/comments`` write the post's id
    there for every comment, so then a ``comment_id`` / ``comment.id`` column when the export has
    one; when the comment's own id is nowhere (or the Graph API withheld it, since v11 for pages
    the app does not manage) a stable id ``fp:<file>#<node id>`` is made up so the thread survives;
    ``post_id`` ← the nearest post above it in the tree (or a seed that is a post id);
    ``parent_id`` ← ``parent.id`` (or the ``id`` in a ``parent`` JSON column) when the export has
    it, null when that parent is the post itself; without it, the comment node above a reply
    fetched one level deeper (``filter=toplevel`` then comments of comments);
    ``author_name`` ← ``from.name``, ``author_platform_id`` ← ``from.id`` (pseudonymised by the
    loader); ``author_is_page`` ← ``from.id`` equals the post's page id (missing when ``from`` is
    absent, so the loader decides by name); ``created_at`` ← ``created_time``; ``text`` ←
    ``message``; ``n_likes`` ← ``like_count`` / ``comment_likes``; ``n_replies`` ←
    ``comment_count`` / ``comment_comments``.
pages
    one row per page seed (and per page the posts belong to): ``page_id`` = the numeric seed, else
    the page part of its posts' ids; ``handle`` = a seed that is a user name; ``page_name`` =
    ``name`` of a page-details row, else ``from.name`` of the page's own posts or comments;
    ``followers`` ← ``followers_count`` / ``fan_count`` of a page-details row.

Data rows of other queries (reactions, attachments, other modules) are quarantined as "not a
post or comment", so every data row is accounted for.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import LoadError
from ._csv import ragged_column, read_csv_records, sniff_delimiter
from ._decode import decode_text
from ._facepager_columns import COMMENT_COLUMNS as _COMMENT_COLUMNS
from ._facepager_columns import POST_COLUMNS as _POST_COLUMNS
from ._facepager_columns import REACTION_TYPES as _REACTION_TYPES
from ._facepager_columns import STATUS_TYPES as _STATUS_TYPES
from ._facepager_columns import comment_own_ids, read_counts
from ._tables import Parsed, Quarantine, finish_table
from ._values import NA_TOKENS, normalise_post_type, parse_counts, parse_ids, parse_times

FORMAT = "facepager"

#: the fixed columns every Facepager export starts with (``path`` only in "Selected nodes")
_FIXED = {"id", "parent_id", "level", "object_id", "object_type", "object_key", "query_status", "query_time",
          "query_type"}
_REQUIRED_FIXED = ["id", "parent_id", "object_id", "object_type", "query_type"]
_POST_EDGES = {"posts", "feed", "published_posts", "tagged", "visitor_posts", "promotable_posts", "ads_posts"}
_COMMENT_EDGES = {"comments"}
_MODULES = {"", "facebook", "generic", "none"}
_POST_ID = re.compile(r"^\d+_\d+$")
_DIGITS = re.compile(r"^\d+$")


# ---------------------------------------------------------------------------------------------
# detection
# ---------------------------------------------------------------------------------------------
def _header(text: str) -> tuple[list[str], str]:
    first = text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    delim = sniff_delimiter(first)
    return [h.strip().strip('"').strip().lower() for h in first.split(delim)], delim


def sniff(head: bytes, name: str) -> bool:
    """Facepager's header has its fixed tree columns ``id``, ``parent_id``, ``object_id``,
    ``object_type`` and ``query_type``, which no other export has together."""
    try:
        text, _ = decode_text(head, name)
    except LoadError:
        return False
    if text.lstrip("\ufeff").lstrip()[:1] in ("{", "[", "<", ""):
        return False
    header, _ = _header(text)
    return set(_REQUIRED_FIXED) <= set(header)


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------
def _clean(value):
    """A cell as text, or None for Facepager's ``None`` and the other NA tokens."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    value = str(value).strip()
    return None if value in NA_TOKENS else value


def _edge(query_type) -> tuple[str, str | None]:
    """``("facebook", "posts")`` from ``Facebook:/<page-id>/posts``; edge ``""`` for a node query
    (``/<page-id>``) and None when the query type is unknown."""
    qt = _clean(query_type)
    if qt is None:
        return "", None
    module, sep, resource = qt.partition(":")
    if not sep:
        module, resource = "", qt
    resource = resource.split("?", 1)[0].strip().strip("/")
    if not resource:
        return module.strip().lower(), None
    parts = resource.split("/")
    return module.strip().lower(), (parts[-1].lower() if len(parts) > 1 else "")


def _json_id(value):
    """The ``id`` of a JSON object column such as ``parent`` (``{"id": "…", …}``), ids kept as text."""
    value = _clean(value)
    if value is None or not value.startswith("{"):
        return value
    try:
        obj = json.loads(value, parse_int=str, parse_float=str)
    except ValueError:
        return None
    return None if not isinstance(obj, dict) or obj.get("id") in (None, "") else str(obj["id"])


def _handle(seed: str) -> str:
    """``sjovikskommun`` from a seed typed as a handle or a page URL."""
    seed = seed.strip()
    if "facebook.com/" in seed:
        seed = seed.split("facebook.com/", 1)[1].split("?", 1)[0].strip("/").split("/")[0]
    return seed


# ---------------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------------
class _Table:
    """The CSV as columns of cells, with each row's own values in the wide layout's ``lvl_<n>_`` columns."""

    def __init__(self, header, rows, name):
        self.header = header
        self.lower = [h.lower() for h in header]
        self.numbers = [n for n, _ in rows]
        self.matrix = np.array([f for _, f in rows], dtype=object) if rows else np.empty((0, len(header)), object)
        self.index = {}
        for pos, h in enumerate(self.lower):
            self.index.setdefault(h, pos)
        missing = [c for c in _REQUIRED_FIXED if c not in self.index]
        if missing:
            raise LoadError(name, f"not a Facepager export: the column {missing[0]!r} is missing (the header is "
                                  f"{header[:10]})", row=0, column=missing[0])
        self.wide = {}
        for pos, h in enumerate(self.lower):
            m = re.match(r"^lvl_(\d+)_(.+)$", h)
            if m:
                self.wide.setdefault(m.group(2), {})[int(m.group(1))] = pos
        if self.wide:
            levels = self.fixed("level")
            self.levels = pd.to_numeric(levels, errors="coerce").fillna(-1).astype(int).to_numpy()

    def __len__(self):
        return len(self.numbers)

    def fixed(self, column) -> pd.Series:
        pos = self.index.get(column)
        if pos is None:
            return pd.Series([None] * len(self), dtype=object)
        return pd.Series(self.matrix[:, pos], dtype=object)

    def has(self, column) -> bool:
        return column in self.index or column in self.wide

    def custom(self, column) -> pd.Series:
        """A custom column; in the wide layout the value at the row's own level."""
        if column in self.wide:
            out = np.full(len(self), None, dtype=object)
            for level, pos in self.wide[column].items():
                take = self.levels == level
                out[take] = self.matrix[take, pos]
            return pd.Series(out, dtype=object)
        return self.fixed(column)

    def first(self, candidates) -> str | None:
        return next((c for c in candidates if self.has(c)), None)

    def record(self, pos) -> dict:
        return dict(zip(self.header, self.matrix[pos]))


def read(path, *, name: str, options: dict) -> Parsed:
    """Read a Facepager CSV export into pages, posts and comments.

    Parameters
    ----------
    path : path-like
        The CSV file Facepager's *Export data* wrote.
    name : str
        What ``source_file`` records.
    options : dict
        Not used: Facepager writes Graph API times with their UTC offset.
    """
    path = Path(path)
    text, encoding = decode_text(path.read_bytes(), name)
    delimiter = sniff_delimiter(text.lstrip("\ufeff"))
    header, rows, bad = read_csv_records(text, name, delimiter=delimiter, strict_quotes=True)
    table = _Table(header, rows, name)
    personal = [h for h in header if re.sub(r"^lvl_\d+_", "", h.lower()) in
                {"from.name", "from.id", "from", "name", "parent", "parent.from.name", "parent.from.id"}]
    quarantine = Quarantine(name, FORMAT, personal=personal)
    for number, fields, reason in bad:
        quarantine.add(number, dict(zip(header, fields)), reason, table="comments",
                       column=ragged_column(header, fields))
    info = {"layout": ("Selected nodes in wide format" if table.wide else
                       "Selected nodes" if "path" in table.index else "All nodes"),
            "encoding": encoding, "delimiter": delimiter}
    if not rows and not bad:
        raise LoadError(name, "the file has a header but no data rows", row=1)

    nodes = _classify(table, quarantine, info)
    for pos, kind in enumerate(nodes["kind"]):
        if kind == "other":
            quarantine.add(table.numbers[pos], table.record(pos), "not a post or comment (query type "
                           f"{nodes['query_types'][pos]!r}); Facepager rows of other queries are not loaded",
                           table="posts", column="query_type")
    pages = _resolve_pages(table, nodes)
    posts = _posts(table, nodes, pages, quarantine, name)
    comments = _comments(table, nodes, pages, posts, quarantine, name)
    # a count no column of the export holds is missing for every row: say so rather than leave it silently NA
    wanted = (("posts", _POST_COLUMNS, posts, ("n_reactions", "n_comments", "n_shares")),
              ("comments", _COMMENT_COLUMNS, comments, ("n_likes", "n_replies")))
    absent = {what: [c for c in counts if table.first(columns[c]) is None]
              for what, columns, frame, counts in wanted if len(frame)}
    if any(absent.values()):
        info["counts_missing"] = {what: cols for what, cols in absent.items() if cols}
    info["data_rows"] = int(sum(1 for k in nodes["kind"] if k in ("post", "comment", "page", "other")))
    info["page_rows"] = int(sum(1 for n in nodes["kind"] if n == "page"))
    # not records, skipped by design; counted so that rows in = rows read + rows skipped
    skipped = Counter((_clean(v) or "empty").lower() for v, k in zip(table.fixed("object_type"), nodes["kind"])
                      if k not in ("post", "comment", "page", "other"))
    if skipped:
        info["rows_skipped"] = dict(sorted(skipped.items()))
    return Parsed(pages=_pages_table(table, nodes, pages, posts, comments), posts=posts, comments=comments,
                  quarantine=quarantine.rows, info=info)


def _classify(table: _Table, quarantine: Quarantine, info: dict) -> dict:
    """Each row's kind (seed, post, comment, page, structure) and its position in the tree."""
    n = len(table)
    otype = [(_clean(v) or "").lower() for v in table.fixed("object_type")]
    internal = [_clean(v) for v in table.fixed("id")]
    parent = [_clean(v) for v in table.fixed("parent_id")]
    object_id = [_clean(v) for v in parse_ids(table.fixed("object_id")).astype(object)]
    status = [(_clean(v) or "").lower() for v in table.fixed("query_status")]
    query_types = table.fixed("query_type").tolist()
    edges = [_edge(v) for v in query_types]
    pos_of: dict[str, int] = {}
    kind = ["structure"] * n
    errors = Counter()
    for pos in range(n):
        if otype[pos] == "seed":
            kind[pos] = "seed"
        elif otype[pos] == "data":
            kind[pos] = "data"
        if status[pos].startswith(("error", "request error")):
            errors[str(query_types[pos])] += 1
        if internal[pos] is None:
            continue
        if internal[pos] in pos_of:
            if kind[pos] == "data":
                quarantine.add(table.numbers[pos], table.record(pos), f"Facepager node id {internal[pos]} repeats "
                               f"(first in record {table.numbers[pos_of[internal[pos]]]})", table="comments",
                               column="id")
            kind[pos] = "dropped"
            continue
        pos_of[internal[pos]] = pos
    if errors:
        info["query_errors"] = dict(errors)

    def parent_pos(pos):
        p = parent[pos]
        return pos_of.get(p) if p is not None else None

    # decide data rows from the query type; rows without one from their parent (parents first)
    resolved: dict[int, str] = {}

    def decide(pos, depth=0):
        if pos in resolved:
            return resolved[pos]
        if kind[pos] == "seed":
            resolved[pos] = "post_seed" if object_id[pos] and _POST_ID.match(object_id[pos]) else "seed"
            return resolved[pos]
        if kind[pos] != "data":
            return kind[pos]
        module, edge = edges[pos]
        if module not in _MODULES:
            out = "other"
        elif edge in _POST_EDGES:
            out = "post"
        elif edge in _COMMENT_EDGES:
            out = "comment"
        elif edge == "" and object_id[pos] and _DIGITS.match(object_id[pos]):
            out = "page"
        elif edge is None and depth < 1000:
            pp = parent_pos(pos)
            above = decide(pp, depth + 1) if pp is not None else None
            out = {"seed": "post", "post_seed": "comment", "post": "comment", "comment": "comment"}.get(above, "other")
        else:
            out = "other"
        resolved[pos] = out
        return out

    for pos in range(n):
        if kind[pos] in ("data", "seed"):
            kind[pos] = decide(pos)

    # nearest post (or post seed) and seed above every row, walking up the internal parent ids
    post_above = [None] * n
    seed_above = [None] * n
    parent_node = [parent_pos(pos) for pos in range(n)]
    for pos in range(n):
        cur, seen = parent_node[pos], set()
        while cur is not None and cur not in seen:  # `seen` guards against a corrupt, cyclic tree
            seen.add(cur)
            if post_above[pos] is None and kind[cur] in ("post", "post_seed"):
                post_above[pos] = cur
            if kind[cur] in ("seed", "post_seed"):
                seed_above[pos] = cur
                break
            cur = parent_node[cur]
    return {"kind": kind, "object_id": object_id, "internal": internal, "parent_node": parent_node,
            "post_above": post_above, "seed_above": seed_above, "edges": edges, "query_types": query_types}


def _resolve_pages(table: _Table, nodes: dict) -> dict[int, str]:
    """Page id of every page seed: the seed itself when numeric, else the page part of its posts' ids."""
    kind, oid = nodes["kind"], nodes["object_id"]
    votes: dict[int, Counter] = {}
    from_id = parse_ids(table.custom(table.first(["from.id"]))) if table.has("from.id") else None
    for pos, k in enumerate(kind):
        seed = nodes["seed_above"][pos]
        if seed is None:
            continue
        if k == "post":
            ident = oid[pos]
            if ident and _POST_ID.match(ident):
                votes.setdefault(seed, Counter())[ident.split("_", 1)[0]] += 2
            elif from_id is not None and pd.notna(from_id.iloc[pos]):
                votes.setdefault(seed, Counter())[str(from_id.iloc[pos])] += 1
        elif k == "page" and oid[pos]:
            votes.setdefault(seed, Counter())[oid[pos]] += 3
    page_of_seed = {}
    for pos, k in enumerate(kind):
        if k != "seed" or not oid[pos]:
            continue
        if _DIGITS.match(oid[pos]):
            page_of_seed[pos] = oid[pos]
        elif pos in votes:
            page_of_seed[pos] = votes[pos].most_common(1)[0][0]
    return page_of_seed


def _rows_of(nodes: dict, what: str):
    """``(kind, object_id, rows, out)``: every node's kind and object id, the positions of the
    ``what`` nodes, and a table with a row for each, to fill."""
    rows = [pos for pos, k in enumerate(nodes["kind"]) if k == what]
    return nodes["kind"], nodes["object_id"], rows, pd.DataFrame(index=pd.RangeIndex(len(rows)))


def _posts(table: _Table, nodes: dict, page_of_seed: dict, quarantine: Quarantine, name: str) -> pd.DataFrame:
    kind, oid, rows, out = _rows_of(nodes, "post")
    if not rows:
        return out
    errors: dict[str, pd.Series] = {}
    from_id = (parse_ids(table.custom("from.id")).iloc[rows].reset_index(drop=True) if table.has("from.id")
               else pd.Series(pd.NA, index=out.index, dtype="string"))
    ids, pages = [], []
    for i, pos in enumerate(rows):
        ident = oid[pos]
        seed_page = page_of_seed.get(nodes["seed_above"][pos])
        if ident and _POST_ID.match(ident):
            page = ident.split("_", 1)[0]
        else:
            page = seed_page or (None if pd.isna(from_id.iloc[i]) else str(from_id.iloc[i]))
            ident = f"{page}_{ident}" if ident and page and _DIGITS.match(ident) else ident
        ids.append(ident)
        pages.append(page)
    out["post_id"] = pd.Series(ids, dtype="string")
    out["page_id"] = pd.Series(pages, dtype="string")
    out["platform"] = "facebook"
    pick = lambda col: table.custom(col).iloc[rows].reset_index(drop=True)  # noqa: E731
    _time_and_texts(table, _POST_COLUMNS, pick, out, errors, name, "posts", ["url"])
    source = table.first(_POST_COLUMNS["post_type"])
    if source:
        raw = pick(source).map(lambda v: None if _clean(v) is None else _clean(v).split(";")[0].strip().lower())
        out["post_type"] = normalise_post_type(raw.map(lambda v: _STATUS_TYPES.get(v, v) if v else v))
    else:
        out["post_type"] = "status"
    read_counts(table, _POST_COLUMNS, rows, out, errors)
    if "n_shares" in out and out["n_shares"].notna().any():
        # the Graph API omits `shares` for posts nobody shared: an empty cell beside filled ones is 0
        blank = out["n_shares"].isna() & errors["n_shares"].isna()
        out.loc[blank, "n_shares"] = 0
    per_type = ["n_likes", *(f"n_{t}" for t in _REACTION_TYPES[1:])]
    if "n_reactions" not in out and all(c in out for c in per_type):
        out["n_reactions"] = out[per_type].sum(axis=1, skipna=False).astype("Int64")
    out["source_row"] = [table.numbers[pos] for pos in rows]
    out["source_format"] = FORMAT
    out["source_file"] = name
    return finish_table(out, errors, _Records(table, rows), quarantine, table="posts",
                        required=["post_id", "page_id", "created_at"])


def _time_and_texts(table: _Table, columns: dict, pick, out: pd.DataFrame, errors: dict, name: str, what: str,
                    optional) -> None:
    """``created_at`` (required: the export cannot be read without it), ``text`` (``""`` when
    absent) and the ``optional`` text columns (missing when absent) of ``what`` into ``out``."""
    created = table.first(columns["created_at"])
    if created is None:
        raise LoadError(name, f"the export has {what} but no 'created_time' column; add created_time to the custom "
                              f"table columns in Facepager and export again", column="created_time")
    out["created_at"], errors["created_at"] = parse_times(pick(created))
    source = table.first(columns["text"])
    out["text"] = (pick(source).map(lambda v: _clean(v) or "") if source else pd.Series("", index=out.index)
                   ).astype("string")
    for column in optional:
        source = table.first(columns[column])
        out[column] = (pick(source).map(_clean) if source else pd.Series(None, index=out.index, dtype=object)
                       ).astype("string")


def _comments(table: _Table, nodes: dict, page_of_seed: dict, posts: pd.DataFrame, quarantine: Quarantine,
              name: str) -> pd.DataFrame:
    kind, oid, rows, out = _rows_of(nodes, "comment")
    if not rows:
        return out
    errors: dict[str, pd.Series] = {}
    pick = lambda col: table.custom(col).iloc[rows].reset_index(drop=True)  # noqa: E731
    # canonical id of every post node, as the posts table has it (also for posts quarantined there)
    post_id_of: dict[int, str] = {}
    for pos, k in enumerate(kind):
        if k in ("post", "post_seed") and oid[pos]:
            ident = oid[pos]
            if _DIGITS.match(ident):
                page = page_of_seed.get(nodes["seed_above"][pos])
                ident = f"{page}_{ident}" if page else ident
            post_id_of[pos] = ident

    own = comment_own_ids(table)
    own = [None] * len(table) if own is None else parse_ids(own).astype(object).map(_clean).tolist()

    def comment_id(pos):
        # presets that fetch /<post-id>/comments write the post's id as every comment's object_id:
        # the comment's own id is then its `id` field, else the node number stands in for it
        post_node = nodes["post_above"][pos]
        post_forms = {oid[post_node], post_id_of.get(post_node)} if post_node is not None else set()
        for ident in (own[pos], oid[pos]):
            if ident and ident not in post_forms:
                return ident
        return f"fp:{name}#{nodes['internal'][pos]}"

    parent_col = "parent.id" if table.has("parent.id") else ("parent" if table.has("parent") else None)
    parent_given = pick(parent_col).map(_json_id).tolist() if parent_col else [None] * len(rows)
    ids, post_ids, parents, post_error = [], [], [], []
    for i, pos in enumerate(rows):
        ids.append(comment_id(pos))
        post_node = nodes["post_above"][pos]
        post = post_id_of.get(post_node) if post_node is not None else None
        post_ids.append(post)
        post_error.append(None if post else "cannot tell which post this comment belongs to (no post or post id "
                                            "above it in the Facepager tree)")
        above = nodes["parent_node"][pos]
        given = parent_given[i]
        if given is not None:
            post_forms = {post, post.split("_", 1)[-1]} if post else set()
            if post_node is not None and oid[post_node]:
                post_forms.add(oid[post_node])
            parents.append(None if given in post_forms else given)
        elif above is not None and kind[above] == "comment":
            parents.append(comment_id(above))  # a reply fetched one level deeper (filter=toplevel)
        else:
            parents.append(None)
    out["comment_id"] = pd.Series(ids, dtype="string")
    out["post_id"] = pd.Series(post_ids, dtype="string")
    out["parent_id"] = pd.Series(parents, dtype="string")
    errors["post_id"] = pd.Series(post_error, dtype="string")
    _time_and_texts(table, _COMMENT_COLUMNS, pick, out, errors, name, "comments", ["author_name"])
    if table.has("from.id"):
        out["author_platform_id"] = parse_ids(pick("from.id")).reset_index(drop=True)
    else:
        out["author_platform_id"] = pd.Series(pd.NA, index=out.index, dtype="string")
    page = out["post_id"].str.split("_").str[0].where(out["post_id"].str.contains("_", regex=False).fillna(False))
    out["author_is_page"] = (out["author_platform_id"] == page).astype("boolean").where(
        out["author_platform_id"].notna() & page.notna(), pd.NA)
    read_counts(table, _COMMENT_COLUMNS, rows, out, errors)
    out["source_row"] = [table.numbers[pos] for pos in rows]
    out["source_format"] = FORMAT
    out["source_file"] = name
    return finish_table(out, errors, _Records(table, rows), quarantine, table="comments",
                        required=["comment_id", "post_id", "created_at"])


def _pages_table(table: _Table, nodes: dict, page_of_seed: dict, posts: pd.DataFrame,
                 comments: pd.DataFrame) -> pd.DataFrame:
    """Pages of the seeds and of the posts, with name, handle and follower count where the export has them."""
    kind, oid = nodes["kind"], nodes["object_id"]
    pages: dict[str, dict] = {}
    for pos, page_id in sorted(page_of_seed.items()):
        entry = pages.setdefault(page_id, {"page_id": page_id})
        if not _DIGITS.match(oid[pos]):
            entry.setdefault("handle", _handle(oid[pos]))
    for page_id in posts["page_id"].dropna().unique() if len(posts) else []:
        pages.setdefault(str(page_id), {"page_id": str(page_id)})
    # page-details rows (a query of /<page-id> with fields name, username, followers_count …)
    detail = [pos for pos, k in enumerate(kind) if k == "page"]
    if detail:
        get = lambda col: table.custom(col).iloc[detail].map(_clean).tolist() if table.has(col) else \
            [None] * len(detail)  # noqa: E731
        followers_col = table.first(["followers_count", "fan_count"])
        followers = (parse_counts(table.custom(followers_col).iloc[detail])[0].tolist() if followers_col
                     else [pd.NA] * len(detail))
        for pos, nm, handle, fol in zip(detail, get("name"), get("username"), followers):
            entry = pages.setdefault(oid[pos], {"page_id": oid[pos]})
            if nm:
                entry["page_name"] = nm
            if handle:
                entry["handle"] = handle
            if fol is not pd.NA:
                entry["followers"] = fol
    # the page's name as it signs its own posts and comments
    if table.has("from.name") and table.has("from.id"):
        names = table.custom("from.name").map(_clean)
        ids = parse_ids(table.custom("from.id"))
        for pos, k in enumerate(kind):
            if k in ("post", "comment") and pd.notna(ids.iloc[pos]) and ids.iloc[pos] in pages and names.iloc[pos]:
                pages[ids.iloc[pos]].setdefault("page_name", names.iloc[pos])
    cols = ["page_id", "platform", "page_name", "handle", "followers"]
    frame = pd.DataFrame([{**{c: None for c in cols}, **p, "platform": "facebook"} for p in pages.values()],
                         columns=cols)
    if not len(frame):
        return frame
    frame["page_name"] = frame["page_name"].fillna(frame["handle"]).fillna(frame["page_id"])
    frame["followers"] = pd.array(frame["followers"].tolist(), dtype="Int64")
    return frame


class _Records:
    """Raw records of some rows as dicts, built only when a row is quarantined."""

    def __init__(self, table: _Table, rows):
        self.table, self.rows = table, rows

    def __getitem__(self, i):
        return self.table.record(self.rows[i])

    def __len__(self):
        return len(self.rows)
