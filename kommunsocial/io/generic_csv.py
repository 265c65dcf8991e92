"""Any CSV or Excel sheet of posts, comments or pages, with a column mapping onto the data model.

Without a mapping the file must already use the data model's column names (``post_id``,
``created_at``, …), as kommunsocial's own CSV layout and the bundled sample do. A mapping is a
dict, either flat (``{"post_id": "Id", "created_at": "Datum", "text": "Inlägg"}``) or with
settings::

    {"table": "posts",                 # posts | comments | pages (inferred from the ids mapped)
     "platform": "facebook",           # when the file has no platform column
     "timezone": "Europe/Stockholm",   # how naive timestamps are read (default UTC)
     "dayfirst": True,                 # 03/04/2024 is 3 April (default) or March 4
     "columns": {"post_id": "Id", ...}}

A pages table names X accounts by ``handle`` alone when their user ids are not at hand
(``platform,handle,page_name,municipality_code``): ingest takes the ids from the tweets.

Commenters' identities go in ``author_name`` / ``author_platform_id``; they are pseudonymised on
load and never saved. On X and Instagram, where the like is the only reaction, mapped ``n_likes``
are also the posts' ``n_reactions`` unless those are mapped too.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import LoadError
from ..schema import REACTION_COLUMNS
from ._csv import ragged_column, read_csv_records
from ._decode import decode_text
from ._tables import Parsed, Quarantine, finish_table
from ._values import NA_TOKENS, normalise_post_type, parse_bools, parse_counts, parse_ids, parse_times
from ._zones import OPTION as ZONE_OPTION

FORMAT = "csv"

_COUNT = {"posts": ["n_reactions", "n_likes", *REACTION_COLUMNS, "n_comments", "n_shares", "n_views",
                    "followers_at_posting"],
          "comments": ["n_likes", "n_replies"],
          "pages": ["followers", "population"]}
_TIME = {"posts": ["created_at"], "comments": ["created_at"], "pages": []}
_ID = {"posts": ["post_id", "page_id"], "comments": ["comment_id", "post_id", "parent_id", "author_platform_id"],
       "pages": ["page_id"]}
_TEXT = {"posts": ["text", "url", "page_name", "handle"], "comments": ["text", "author_name"],
         "pages": ["page_name", "handle", "municipality_code", "country"]}
_REQUIRED = {"posts": ["post_id", "page_id", "created_at"], "comments": ["comment_id", "post_id", "created_at"],
             "pages": ["page_id"]}
#: Platforms whose only reaction is the like.
LIKE_ONLY_PLATFORMS = ("x", "instagram")
_SETTINGS = {"table", "platform", "timezone", "dayfirst", "columns"}


def _infer_table(columns) -> str | None:
    cols = set(columns)
    if "comment_id" in cols:
        return "comments"
    if "post_id" in cols:
        return "posts"
    if "page_id" in cols and cols & {"page_name", "municipality_code", "followers", "population"}:
        return "pages"
    if {"platform", "handle"} <= cols:  # X accounts named by handle: their ids come from the tweets
        return "pages"
    return None


def sniff(head: bytes, name: str) -> bool:
    if name.lower().endswith((".xlsx", ".xlsm")):
        return True
    try:
        text, _ = decode_text(head, name)
    except LoadError:
        return False
    first = text.lstrip("\ufeff").split("\n", 1)[0].strip()
    if not first or first[0] in "{[<":
        return False
    for delim in (",", ";", "\t"):
        header = [h.strip().strip('"').lower() for h in first.split(delim)]
        if _infer_table(header) and "created_at" in header or _infer_table(header) == "pages":
            return True
    return False


def _normalise_mapping(mapping, header, name):
    mapping = dict(mapping or {})
    if mapping and not (set(mapping) & _SETTINGS):
        mapping = {"columns": mapping}
    columns = dict(mapping.get("columns") or {})
    if not columns:
        columns = {h: h for h in header}
    missing = [src for src in columns.values() if src not in header]
    if missing:
        lower = {h.lower(): h for h in header}
        fixed = {}
        for model, src in columns.items():
            fixed[model] = src if src in header else lower.get(str(src).lower(), src)
        columns = fixed
        missing = [src for src in columns.values() if src not in header]
    if missing and mapping.get("columns"):
        raise LoadError(name, f"the mapping names columns the file does not have: {missing}; "
                              f"the file's columns are {header}", column=missing[0])
    columns = {model: src for model, src in columns.items() if src in header}
    table = mapping.get("table") or _infer_table(columns)
    if table not in ("posts", "comments", "pages"):
        raise LoadError(name, "cannot tell whether this CSV holds posts, comments or pages: map a column to "
                              "post_id (posts), comment_id (comments) or page_id with page_name (pages), "
                              f"or set mapping['table']. The file's columns are {header}")
    return table, columns, mapping


def _records(path: Path, name: str):
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            frame = pd.read_excel(path, dtype=str, keep_default_na=False)
        except Exception as exc:  # openpyxl raises many types for broken workbooks
            raise LoadError(name, f"cannot read the Excel workbook: {exc}") from None
        header = [str(c).strip() for c in frame.columns]
        rows = [(i + 1, list(r)) for i, r in enumerate(frame.itertuples(index=False, name=None))]
        return header, rows, []
    text, _encoding = decode_text(path.read_bytes(), name)
    return read_csv_records(text, name)


def read(path, *, name: str, options: dict) -> Parsed:
    path = Path(path)
    header, rows, bad = _records(path, name)
    if len(set(header)) != len(header):
        dup = sorted({h for h in header if header.count(h) > 1})
        raise LoadError(name, f"the header repeats column names {dup}", row=0, column=dup[0])
    table, columns, settings = _normalise_mapping(options.get("mapping"), header, name)
    tz = settings.get("timezone", "UTC")
    dayfirst = settings.get("dayfirst", True)
    quarantine = Quarantine(name, FORMAT, personal=[columns.get("author_name"), columns.get("author_platform_id")])
    for number, fields, reason in bad:
        quarantine.add(number, dict(zip(header, fields)), reason, table=table, column=ragged_column(header, fields))
    if not rows and not bad:
        raise LoadError(name, "the file has a header but no data rows", row=1)
    raw = pd.DataFrame([f for _, f in rows], columns=header, dtype=object)
    records = raw.to_dict("records")
    missing_required = [c for c in _REQUIRED[table] if c not in columns]
    if missing_required == ["page_id"] and (table == "posts" and "page_name" in columns
                                            or table == "pages" and "handle" in columns):
        missing_required = []
    if missing_required:
        raise LoadError(name, f"required column {missing_required[0]!r} is missing for a {table} table "
                              f"(the file's columns are {header}); map it with mapping={{'{missing_required[0]}': "
                              f"'<your column>'}}", column=missing_required[0])
    out = pd.DataFrame(index=raw.index)
    errors = {}
    src = lambda model: raw[columns[model]]  # noqa: E731
    for col in _ID[table]:
        if col in columns:
            out[col] = parse_ids(src(col))
    for col in _TEXT[table]:
        if col in columns:
            values = src(col).map(lambda v: "" if v is None else str(v))
            out[col] = values.astype("string") if col == "text" else values.where(~values.str.strip().isin(
                NA_TOKENS), None).astype("string")
    if table == "posts" and "page_id" not in out:
        out["page_id"] = out["page_name"]
    for col in _COUNT[table]:
        if col in columns:
            out[col], errors[col] = parse_counts(src(col))
    for col in _TIME[table]:
        if col in columns:
            out[col], errors[col] = parse_times(src(col), tz=tz, dayfirst=dayfirst,
                                                abbreviations=options.get(ZONE_OPTION))
    if table == "comments" and "author_is_page" in columns:
        out["author_is_page"], errors["author_is_page"] = parse_bools(src("author_is_page"))
    if table == "posts":
        out["post_type"] = normalise_post_type(src("post_type")) if "post_type" in columns else "status"
    if "platform" in columns:
        out["platform"] = src("platform").str.strip().str.lower().replace({"twitter": "x", "fb": "facebook"})
    elif table != "comments":
        out["platform"] = settings.get("platform", "facebook")
    if table == "posts" and "n_likes" in out and "n_reactions" not in out:
        # on X and Instagram the like is the only reaction: the likes are the reactions (as their own readers say)
        only_like = out["platform"].isin(LIKE_ONLY_PLATFORMS)
        out["n_reactions"] = out["n_likes"].where(only_like, pd.NA).astype("Int64")
    if table == "pages" and "handle" in out:
        out["page_id"] = _handle_ids(out.get("page_id"), out["handle"], out["platform"])
    if table == "pages" and "municipality_code" in out:
        out["municipality_code"] = _repair_codes(out["municipality_code"], out.get("country"))
    out["source_row"] = [n for n, _ in rows]
    out["source_format"] = FORMAT
    out["source_file"] = name
    kept = finish_table(out, errors, records, quarantine, table=table, required=_REQUIRED[table] if table != "posts"
                        else ["post_id", "created_at"])
    parsed = Parsed(quarantine=quarantine.rows, info={"table": table, "columns": columns})
    if table == "pages":
        parsed.pages = kept
    elif table == "posts":
        if "page_name" in kept:
            parsed.pages = (kept[["page_id", "platform", "page_name"] + (["handle"] if "handle" in kept else [])]
                            .drop_duplicates("page_id"))
        parsed.posts = kept.drop(columns=[c for c in ("page_name", "handle") if c in kept])
    else:
        parsed.comments = kept
    return parsed


#: How a ``pages.csv`` row names an X account by its handle alone, until ingest puts the user id
#: the tweets give in its place (an ``@`` is never part of an id).
HANDLE_ID = "@"


def _handle_ids(ids, handles: pd.Series, platform: pd.Series) -> pd.Series:
    """``page_id``, with ``@handle`` for an X row that names its account by handle only."""
    ids = pd.Series(pd.NA, index=handles.index, dtype="string") if ids is None else ids
    x_handle = platform.eq("x").fillna(False) & ids.isna() & handles.notna()
    return ids.where(~x_handle, HANDLE_ID + handles.str.strip().str.lstrip("@"))


def _repair_codes(codes: pd.Series, country) -> pd.Series:
    """Municipality codes that a spreadsheet turned into numbers ("180") get their leading zero back.

    Swedish kommunkoder and Norwegian kommunenummer are four digits; a three-digit code from a
    Nordic page can only have lost its leading zero.
    """
    codes = codes.str.replace(r"\.0$", "", regex=True)
    nordic = country.isin(["SE", "NO"]).fillna(False) if country is not None else True
    short = codes.str.fullmatch(r"\d{3}").fillna(False) & nordic
    return codes.where(~short, "0" + codes)
