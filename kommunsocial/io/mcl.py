"""Meta Content Library (MCL) and Content Library API: Facebook posts (CSV) and comments (JSON).

Layouts
-------
* **posts CSV** as the MCL web UI downloads it or as ``pandas.json_normalize`` writes API results:
  flattened dotted headers (``post_owner.id``, ``statistics.reaction_count``, ``mcl_url`` …), any
  column order, matched case-insensitively; the UI labels of the basic fields (``Meta Content
  Library ID``, ``Creation time``, ``Text`` …) are accepted as well. A copy re-saved by Excel
  (``;``, Windows-1252, day-first dates without zone) is read too.
* **comments JSON** from the API: ``{"data": [comment, …]}``, a bare array, or JSON Lines (one
  comment per line); nested objects (``owner``, ``statistics``) or dotted keys.

Either table may come in either layout: a file is a comments file when its records carry
``post_id`` / ``parent_comment_id`` / ``owner.*``, a posts file when they carry ``post_owner.*``,
``content_type`` or post statistics.

Mapping
-------
Posts: ``id`` → ``post_id``; ``post_owner.id`` → ``page_id`` (``post_owner.name`` / ``.username`` →
the page's name and handle); ``creation_time`` → ``created_at`` (UTC; a value without zone is UTC);
``text`` → ``text`` (absent from the API's default projection → empty); ``content_type`` →
``post_type`` (plural API values such as ``photos`` and ``reshares`` → photo, link …);
``mcl_url`` → ``url`` (the only link MCL gives: it opens the post in the Content Library, there is
no facebook.com permalink); ``statistics.reaction_count`` → ``n_reactions``, ``like_count`` →
``n_likes``, ``love/haha/wow/sad/angry/care_count`` → ``n_love`` …, ``comment_count`` →
``n_comments``, ``share_count`` → ``n_shares``, ``views`` → ``n_views`` (absent, i.e. missing, for
posts under 100 views, non-video posts and posts before 2017).

Comments: ``id`` → ``comment_id``; ``post_id`` → ``post_id``; ``parent_comment_id`` (``parent_id``
on Instagram) → ``parent_id``, null for a reply to the post itself; ``owner.id`` →
``author_platform_id`` and ``owner.name`` (else ``owner.username``) → ``author_name`` (both
pseudonymised by the loader; a ``private`` owner has no name, so ``author_name`` is missing, but
the id MCL gives is kept so one private person's comments still link); ``statistics.like_count`` →
``n_likes``; ``statistics.top_level_reply_count`` (direct replies, else ``comment_count``, which
counts the whole subtree) → ``n_replies``. ``author_is_page`` is True when the owner is a page of
this file or of ``options["account"]`` (MCL id), False when the owner is a ``profile`` or
``private`` person, and missing for other pages: the loader then compares the owner's id with the
page of the comment's post (the posts CSV, loaded together, gives that page's MCL id).

Ids are kept exactly as exported. **MCL ids are not Graph API ids** and cannot be joined to posts
or comments from CrowdTangle, the Graph API or Facepager; posts and comments from MCL join with
each other only. The platform is ``facebook`` unless ``mcl_url`` points into the Instagram
library or ``options["platform"]`` says otherwise.

``source_row`` is the CSV data row (1 = first row after the header), the element of the JSON
array, or the line of a JSON Lines file.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from ..errors import LoadError
from ..schema import REACTION_COLUMNS
from ._csv import check_rounded_ids, clean_csv_id, ragged_column, read_csv_records, scientific_id, unreadable
from ._decode import decode_text, html_error
from ._json import head_text, load_json_entries
from ._tables import Parsed, Quarantine, finish_table
from ._values import normalise_post_type, parse_counts, parse_ids, parse_times

FORMAT = "mcl"

__all__ = ["FORMAT", "sniff", "read"]

#: UI labels of the MCL web download → API field names (the ones the data dictionary documents).
_LABELS = {
    "meta content library id": "id", "creation time": "creation_time", "modified time": "modified_time",
    "text": "text", "language": "lang", "content type": "content_type", "reactions": "statistics.reaction_count",
    "comments": "statistics.comment_count", "shares": "statistics.share_count", "views": "statistics.views",
    "likes": "statistics.like_count", "post owner id": "post_owner.id", "post owner name": "post_owner.name",
    "post owner username": "post_owner.username", "post owner type": "post_owner.type",
}
#: Raw fields of a private person; redacted in quarantined records.
_PERSONAL = ("owner.id", "owner.name", "owner.username", "author_id", "owner")
_POST_MARKERS = ("post_owner.id", "post_owner.name", "content_type", "statistics.share_count", "mcl_url",
                 "statistics.views", "surface.id")
_COMMENT_MARKERS = ("post_id", "parent_comment_id", "owner.id", "owner.type", "statistics.top_level_reply_count")
_CONTENT_TYPES = {"photos": "photo", "videos": "video", "albums": "album", "links": "link", "reshares": "share",
                  "reshare": "share", "reels": "reel", "stories": "other", "story": "other",
                  "miscellaneous": "other", "statuses": "status"}
_REACTIONS = {c: f"statistics.{c[2:]}_count" for c in REACTION_COLUMNS}
_MCL_ID = re.compile(r"\d{1,25}")


def _key(name: str) -> re.Pattern:
    return re.compile(r'(?<!\\)"%s"\s*:' % re.escape(name))


_SNIFF_CREATION = _key("creation_time")
_SNIFF_GRAPH = _key("created_time")
_SNIFF_MCL_KEYS = [_key(k) for k in ("post_owner", "post_id", "owner", "statistics", "post_owner.id", "owner.id",
                                     "parent_comment_id", "mcl_url")]


def sniff(head: bytes, name: str) -> bool:
    """MCL JSON (``creation_time`` with ``post_owner`` / ``post_id`` / ``owner`` / ``statistics``,
    and no Graph API ``created_time``) or an MCL CSV header (``id`` and ``creation_time`` with
    ``post_owner.*`` / ``statistics.*`` / ``mcl_url`` / ``post_id``, or the UI's
    ``Meta Content Library ID``)."""
    text = head_text(head)
    if not text:
        return False
    if text[0] in "{[":
        return bool(_SNIFF_CREATION.search(text) and not _SNIFF_GRAPH.search(text)
                    and any(p.search(text) for p in _SNIFF_MCL_KEYS))
    if text[0] == "<":
        return False
    header = _canonical_header(_first_row(text))
    cols = set(header)
    if "id" not in cols or "creation_time" not in cols:
        return False
    return any(c.startswith(("post_owner.", "statistics.", "owner.")) or c in ("mcl_url", "post_id") for c in cols)


def _first_row(text: str) -> list[str]:
    first = text.split("\n", 1)[0]
    delim = max((",", ";", "\t"), key=first.count)
    try:
        return next(csv.reader(io.StringIO(first), delimiter=delim))
    except (StopIteration, csv.Error):
        return []


def _canonical_header(header) -> list[str]:
    out = []
    for h in header:
        low = str(h).strip().lstrip("\ufeff").strip('"').strip().lower()
        out.append(_LABELS.get(low, low))
    return out


# ---------------------------------------------------------------------------------------------
# records
# ---------------------------------------------------------------------------------------------
def _flatten(obj: dict, prefix: str = "", out: dict | None = None) -> dict:
    """``{"owner": {"id": 1}}`` → ``{"owner.id": 1}``; lists stay values (``multimedia``)."""
    out = {} if out is None else out
    for k, v in obj.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and v:
            _flatten(v, key + ".", out)
        else:
            out[key.lower()] = v
    return out


def _csv_records(text: str, name: str, quarantine_rows: list):
    header, rows, bad = read_csv_records(text, name)
    header = _canonical_header(header)
    if len(set(header)) != len(header):
        dup = sorted({h for h in header if header.count(h) > 1})
        raise LoadError(name, f"the header repeats column names {dup}", row=0, column=dup[0])
    if "id" not in header:
        raise LoadError(name, "not a Meta Content Library CSV: the column 'id' (Meta Content Library ID) is missing",
                        row=0, column="id")
    for number, fields, reason in bad:
        quarantine_rows.append((number, dict(zip(header, fields)), reason, ragged_column(header, fields)))
    records = []
    for number, fields in rows:
        rec = {h: (v if v != "" else None) for h, v in zip(header, fields)}
        for col in ("id", "post_id", "post_owner.id", "parent_comment_id", "parent_id", "owner.id"):
            if rec.get(col) is not None:
                rec[col] = clean_csv_id(rec[col])
        records.append((number, rec))
    check_rounded_ids([r.get("id") for _, r in records], name, "id")
    return records, len(rows) + len(bad), f"CSV, {len(header)} columns"


def _json_records(data: bytes, name: str, quarantine_rows: list):
    is_lines, entries = load_json_entries(data, name)
    if is_lines:
        values = [(n, v, e) for n, v, e in entries]
    else:
        doc = entries[0][1]
        if isinstance(doc, dict) and isinstance(doc.get("data"), list):
            doc = doc["data"]
        elif isinstance(doc, dict) and "id" in doc:
            doc = [doc]
        if not isinstance(doc, list):
            raise LoadError(name, "not Meta Content Library JSON: expected {\"data\": [...]}, an array of records "
                                  "or one record per line")
        values = [(None, v, None) for v in doc]
    records, n = [], 0
    for _line, value, error in values:
        n += 1
        if error is not None:
            quarantine_rows.append((n, f"<{error}>", error, None))
        elif not isinstance(value, dict):
            quarantine_rows.append((n, unreadable(value), "not a record (expected a JSON object)", None))
        else:
            records.append((n, _flatten(value)))
    return records, n, "JSON Lines" if is_lines else "JSON"


def _which_table(records, name: str) -> str:
    post_votes = sum(any(r.get(k) is not None for k in _POST_MARKERS) for _, r in records)
    comment_votes = sum(any(r.get(k) is not None for k in _COMMENT_MARKERS) for _, r in records)
    if post_votes == comment_votes == 0 and records:
        raise LoadError(name, "cannot tell whether this Meta Content Library file holds posts or comments: no "
                              "post_owner.*, statistics or post_id fields")
    return "comments" if comment_votes > post_votes else "posts"


# ---------------------------------------------------------------------------------------------
# value helpers: each returns a column and an error Series (NA where fine)
# ---------------------------------------------------------------------------------------------
def _scalar(v):
    """Text of a scalar cell; a list or object where a scalar belongs is flagged by the parsers."""
    if v is None:
        return None
    if isinstance(v, bool):
        return str(v)
    return v if isinstance(v, str) else repr(v)


def _ids(records, key: str):
    raw = [_scalar(r.get(key)) for _, r in records]
    values = parse_ids(raw)
    err = pd.Series(pd.NA, index=values.index, dtype="string")
    for i, v in enumerate(raw):
        if v is None or v.strip() == "":
            continue
        if scientific_id(v):
            err[i] = f"the id {v!r} was turned into a number in scientific notation (e.g. by Excel); its digits are lost"
        elif not _MCL_ID.fullmatch(v.strip().removesuffix(".0")):
            err[i] = f"not a Meta Content Library id: {v[:40]!r}"
    return values, err


def _texts(records, key: str):
    raw = [r.get(key) for _, r in records]
    err = pd.Series([None if v is None or isinstance(v, str) else "not a string" for v in raw], dtype="string")
    text = pd.Series([v if isinstance(v, str) else "" for v in raw], dtype="string")
    return text, err


def _platform_lang(records) -> pd.Series:
    """The library's own language code of each record, as given (the loader normalises it)."""
    return pd.Series([_scalar(r.get("lang")) for _, r in records], dtype="string")


def _counts(records, key: str):
    return parse_counts([_scalar(r.get(key)) for _, r in records])


def _times(records, key: str):
    return parse_times([_scalar(r.get(key)) for _, r in records], tz="UTC", dayfirst=True)


def _option(options: dict, key: str):
    """An option given directly or, since :func:`kommunsocial.load` passes only a mapping, inside it."""
    mapping = options.get("mapping")
    return options.get(key) or (mapping.get(key) if isinstance(mapping, dict) else None)


def _platform(records, options) -> pd.Series:
    forced = _option(options, "platform")
    if forced:
        return pd.Series([str(forced).lower()] * len(records), dtype="string")
    urls = [str(r.get("mcl_url") or "") for _, r in records]
    return pd.Series(["instagram" if "/instagram/" in u else "facebook" for u in urls], dtype="string")


# ---------------------------------------------------------------------------------------------
def _posts(records, name, options, quarantine):
    errors = {}
    out = pd.DataFrame(index=range(len(records)))
    out["post_id"], errors["id"] = _ids(records, "id")
    out["page_id"], errors["post_owner.id"] = _ids(records, "post_owner.id")
    out["platform"] = _platform(records, options)
    out["created_at"], errors["creation_time"] = _times(records, "creation_time")
    out["text"], errors["text"] = _texts(records, "text")
    out["platform_lang"] = _platform_lang(records)
    kinds = pd.Series([_scalar(r.get("content_type")) for _, r in records], dtype="object")
    kinds = kinds.map(lambda v: _CONTENT_TYPES.get(v.strip().lower(), v) if isinstance(v, str) else v)
    out["post_type"] = normalise_post_type(kinds)
    out["url"] = pd.Series([r.get("mcl_url") if isinstance(r.get("mcl_url"), str) else None for _, r in records],
                           dtype="string")
    out["n_reactions"], errors["statistics.reaction_count"] = _counts(records, "statistics.reaction_count")
    out["n_likes"], errors["statistics.like_count"] = _counts(records, "statistics.like_count")
    for col, field in _REACTIONS.items():
        out[col], errors[field] = _counts(records, field)
    out["n_comments"], errors["statistics.comment_count"] = _counts(records, "statistics.comment_count")
    out["n_shares"], errors["statistics.share_count"] = _counts(records, "statistics.share_count")
    out["n_views"], errors["statistics.views"] = _counts(records, "statistics.views")
    out["page_name"], _ = _texts(records, "post_owner.name")
    out["handle"] = pd.Series([r.get("post_owner.username") if isinstance(r.get("post_owner.username"), str) else None
                               for _, r in records], dtype="string")
    out["source_format"] = FORMAT
    out["source_file"] = name
    out["source_row"] = pd.array([n for n, _ in records], dtype="Int64")
    kept = finish_table(out, errors, [r for _, r in records], quarantine, table="posts",
                        required=["post_id", "page_id", "created_at"])
    pages = kept[["page_id", "platform", "page_name", "handle"]].drop_duplicates("page_id").copy()
    pages["page_name"] = pages["page_name"].where(pages["page_name"].fillna("").str.strip() != "",
                                                  pages["handle"].fillna(pages["page_id"]))
    return pages.reset_index(drop=True), kept.drop(columns=["page_name", "handle"])


def _comments(records, name, options, quarantine):
    errors = {}
    out = pd.DataFrame(index=range(len(records)))
    out["comment_id"], errors["id"] = _ids(records, "id")
    out["post_id"], errors["post_id"] = _ids(records, "post_id")
    parent_key = [("parent_comment_id" if r.get("parent_comment_id") is not None else "parent_id") for _, r in records]
    parents = [(n, {"parent": r.get(k)}) for (n, r), k in zip(records, parent_key)]
    out["parent_id"], errors["parent_comment_id"] = _ids(parents, "parent")
    # a reply to the post itself is a top-level comment
    out["parent_id"] = out["parent_id"].where(out["parent_id"] != out["post_id"], pd.NA)
    out["author_platform_id"] = parse_ids([_scalar(r.get("owner.id")) for _, r in records])
    names = [r.get("owner.name") or r.get("owner.username") for _, r in records]
    out["author_name"] = pd.Series([v if isinstance(v, str) and v.strip() else None for v in names], dtype="string")
    account = _option(options, "account")
    pages = {str(a) for a in (account if isinstance(account, (list, tuple, set)) else [account]) if a}
    kinds = [str(r.get("owner.type") or "").strip().lower() for _, r in records]
    is_page = []
    for owner, kind in zip(out["author_platform_id"].tolist(), kinds):
        if owner is not pd.NA and owner in pages:
            is_page.append(True)
        elif kind in ("profile", "private", "user"):
            is_page.append(False)  # a person is never the page
        else:
            is_page.append(None)  # another page, or unknown: the loader compares ids with the post's page
    out["author_is_page"] = pd.array(is_page, dtype="boolean")
    out["created_at"], errors["creation_time"] = _times(records, "creation_time")
    out["text"], errors["text"] = _texts(records, "text")
    out["platform_lang"] = _platform_lang(records)
    out["n_likes"], errors["statistics.like_count"] = _counts(records, "statistics.like_count")
    direct = [r.get("statistics.top_level_reply_count") for _, r in records]
    replies = [(n, {"r": d if d is not None else r.get("statistics.comment_count")}) for (n, r), d in
               zip(records, direct)]
    out["n_replies"], errors["statistics.top_level_reply_count"] = _counts(replies, "r")
    out["source_format"] = FORMAT
    out["source_file"] = name
    out["source_row"] = pd.array([n for n, _ in records], dtype="Int64")
    return finish_table(out, errors, [r for _, r in records], quarantine, table="comments",
                        required=["comment_id", "post_id", "created_at"])


def read(path, *, name: str, options: dict) -> Parsed:
    """Read a Meta Content Library posts CSV or comments JSON (either table in either layout).

    Parameters
    ----------
    path : path of the file.
    name : what ``source_file`` records.
    options : ``platform`` (``facebook``/``instagram``) overrides the platform; ``account`` (MCL
        page id or a list) marks the page's own comments when only the comments file is read.
    """
    data = Path(path).read_bytes()
    quarantine = Quarantine(name, FORMAT, personal=_PERSONAL)
    bad = []
    text, encoding = decode_text(data, name)
    html_error(text, name)
    if text.lstrip("\ufeff \t\r\n")[:1] in ("{", "["):
        records, n_in, layout = _json_records(data, name, bad)
    else:
        records, n_in, layout = _csv_records(text, name, bad)
    if n_in == 0:
        raise LoadError(name, "the file holds no records", row=1)
    table = _which_table(records, name) if records else "posts"
    for number, record, reason, column in bad:
        quarantine.add(number, record, reason, table=table, column=column)
    parsed = Parsed(info={"layout": layout, "table": "mcl_" + table, "records": n_in, "encoding": encoding})
    if records and table == "posts":
        parsed.pages, parsed.posts = _posts(records, name, options, quarantine)
    elif records:
        parsed.comments = _comments(records, name, options, quarantine)
    parsed.quarantine = quarantine.rows
    return parsed
