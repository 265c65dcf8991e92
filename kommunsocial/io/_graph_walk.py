"""Graph API JSON, record walking: which units (responses, nodes, loose records) a file holds,
what kind of records each holds, and the file-wide defaults (the kind of a response without hints,
the file's page, page names from page nodes). :mod:`._graph_rows` turns the records into rows;
:mod:`.graph_api` documents the format."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from ..errors import LoadError
from ..schema import REACTION_COLUMNS
from ._json import edge_records, url_hint
from ._tables import Quarantine, kind_of

FORMAT = "graph_api"

__all__ = ["FORMAT", "Walker", "reaction_column", "id_pair_in_name"]

_POST_EDGES = ("posts", "feed", "published_posts", "visitor_posts", "tagged")
_POST_KEYS = {"status_type", "updated_time", "story", "full_picture", "picture", "shares", "reactions", "attachments",
              "type", "is_published", "privacy", "likes", "story_tags", "properties", "promotable_id",
              "call_to_action", "is_expired", "is_popular", "timeline_visibility", "icon"}
_COMMENT_KEYS = {"like_count", "comment_count", "parent", "attachment", "can_comment", "user_likes", "can_remove",
                 "can_hide", "can_like", "can_reply_privately", "object", "private_reply_conversation"}
_ALIAS = re.compile(r"^(?:reactions?[_.:\-]?)?(like|love|wow|haha|sad|angry|care|thankful|pride)(?:$|[_.:\-(].*)",
                    re.I)
_TYPED = re.compile(r"type\((like|love|wow|haha|sad|angry|care|thankful|pride)\)", re.I)
_PERSONAL = ["from", "to", "parent", "message_tags", "story_tags", "with_tags", "admin_creator", "comments"]


@functools.lru_cache(maxsize=4096)
def reaction_column(key: str):
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


def _vote(records) -> str | None:
    """Posts or comments, from the keys of (up to 50) records; ``None`` when undecided."""
    p = c = 0
    for rec in records[:50]:
        if isinstance(rec, dict):
            keys = set(rec)
            p += len(keys & _POST_KEYS) + any(reaction_column(k) for k in keys)
            c += len(keys & _COMMENT_KEYS)
    return "posts" if p > c else "comments" if c > p else None


def id_pair_in_name(name: str):
    """``("100064512345678", "810987654321098")`` when the file name holds ``<digits>_<digits>``."""
    m = re.search(r"(?<!\d)(\d{5,})_(\d{5,})(?!\d)", Path(name).name)
    return (m.group(1), m.group(2)) if m else None


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


class Walker:
    """Walks the JSON of one file: the units it holds, and the records of each handed, in reading
    order, to ``_post`` and ``_comment`` (:class:`._graph_rows.Reader` turns them into rows).

    Some of what a record becomes depends on the whole file (the file-wide defaults: the kind of
    records a response without hints holds, the page a bare post id belongs to, page names from
    page nodes). :func:`.graph_api._read_lines` reads JSON Lines in one pass with the defaults known so far
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
        return Walker.node_is_post_ids(node, [rec.get("id") if isinstance(rec, dict) else None for rec in records[:20]])

    @staticmethod
    def node_is_post_ids(node: str, ids) -> bool:
        """:meth:`_node_is_post` from the ids of the first 20 records (None where a record has none)."""
        first, second = node.split("_", 1)
        for cid in ids[:20]:
            if isinstance(cid, str) and "_" in cid:
                prefix = cid.split("_", 1)[0]
                if prefix == second:
                    return True
                if prefix == first:
                    return False
        return True

    def _comment_context(self, node, records, *, ids=None):
        """The post id (Graph form when possible) and the parent implied by the request (``ids``:
        those of the first records, when given instead of the records)."""
        parent = None
        post_id = None
        if node and "_" in node:
            if self._node_is_post(node, records) if ids is None else self.node_is_post_ids(node, ids):
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
