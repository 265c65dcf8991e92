"""CrowdTangle "Historical Data" CSV exports of Facebook pages and Instagram accounts.

CrowdTangle (shut down in August 2024) e-mailed a CSV from *Settings → Historical Data*; it is still
the most common archived Facebook dataset. Four header generations exist and all are read:

=====================  ===========================================================================
layout                 how it is recognised
=====================  ===========================================================================
``2024 (41 columns)``  ``Post Created`` plus ``Total Interactions (weighted …`` and ``Overperforming Score``
``2021-2023 (40 …)``   ``Post Created`` plus ``Overperforming Score (weighted …``
``2020 (31 columns)``  a single ``Created`` column, ``Care`` reaction, no page category or country
``pre-2020``           a ``Thankful`` reaction and/or a ``Score`` column (capitalisation differs)
=====================  ===========================================================================

Column names are matched case-insensitively with runs of spaces collapsed, and the weighted
columns by prefix, because the weights inside their names are user settings.

Mapping onto the data model (one CSV row = one post):

* ``post_id``: CrowdTangle has no post id column. The id is the last segment of ``URL``
  (``…/posts/812345678901234``; ``story_fbid=`` / ``fbid=`` for ``permalink.php`` / ``photo.php``
  links), combined with ``Facebook Id`` into the Graph API form ``<page_id>_<post_id>``, so that
  comments read from other formats join on it.
* ``page_id`` ← ``Facebook Id`` (a page id a spreadsheet turned into ``1.00065E+14`` is
  recovered from a ``/<page id>/posts/`` URL, else the row is quarantined).
* ``created_at`` ← ``Post Created`` (``Created`` in 2020 and earlier). CrowdTangle writes the
  dashboard's zone as a suffix (``2024-03-11 08:15:02 EDT``) which is converted with its UTC
  offset. A value without suffix (a file re-saved by Excel, ``11/03/2024 08:15``) is read as
  local time in US/Eastern, CrowdTangle's default dashboard zone, unless the caller passes
  another ``timezone``; the file's ``info["timezone"]`` says so.
* ``n_likes`` ← ``Likes`` (the like reaction only); ``n_love`` … ``n_care`` ← ``Love``, ``Wow``,
  ``Haha``, ``Sad``, ``Angry``, ``Care``; ``n_reactions`` = the sum of the reaction columns the
  layout has (``Thankful`` included in pre-2020 files, which has no column of its own), missing
  when any of them is missing in that row.
* ``n_comments`` ← ``Comments``; ``n_shares`` ← ``Shares``.
* ``n_views`` ← ``Post Views``: views of the video in this post. ``Total Views`` is not used
  because it also counts views of the same video in the page's other posts, so summing it over
  posts counts views twice. CrowdTangle writes 0 views for posts that are not videos, where no
  views were measured; that 0 becomes missing (a non-zero value is kept whatever the type).
* ``followers_at_posting`` ← ``Followers at Posting``; an empty cell stays missing (never 0,
  never another column's value). Layouts without that column (2020 and earlier) use
  ``Likes at Posting``, the page's fan count, which was the audience measure then
  (``info["followers_at_posting"]`` says which column was used).
* ``post_type`` ← ``Type`` (``Native Video`` → video, ``Live Video Complete`` → live, …).
* ``text`` ← ``Message`` (newlines kept); ``url`` ← ``URL``.
* pages: ``page_name`` ← ``Page Name``, ``handle`` ← ``User Name``, ``country`` ←
  ``Page Admin Top Country``, ``followers`` ← the follower count of the page's latest post that
  has one (latest known), all other page fields from the page's latest post.

CrowdTangle has no comments, so ``comments`` stays empty.

**Instagram dashboards** export the same kind of CSV with ``Account`` instead of ``Page Name`` and no
``Facebook Id``: ``platform`` is ``instagram``; ``page_id`` and ``handle`` ← ``User Name`` (the export
has no numeric account id, so these pages do not join the Instagram Graph API's ids); ``page_name``
← ``Account``; ``post_id`` ← the shortcode of ``URL`` (``instagram.com/p/<shortcode>/``, also
``/reel/`` and ``/tv/``); ``text`` ← ``Description`` (the caption); ``n_likes`` and ``n_reactions``
← ``Likes`` (likes are Instagram's only reaction); ``n_views`` ← ``Views`` (0 on a photo, where none
are measured, becomes missing); no shares (missing).

A CSV re-saved by Excel (Windows-1252, ``;``, dates reformatted as ``11/03/2024 08:15``) is
read: the encoding and delimiter are detected, day-first or month-first order is decided from
values that only fit one of them (day-first when nothing tells), and ``info`` records it.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pandas as pd

from ..errors import LoadError
from ._csv import ragged_column, read_csv_records, sniff_delimiter
from ._decode import decode_text
from ._tables import Parsed, Quarantine, finish_table
from ._values import NA_TOKENS, normalise_post_type, parse_counts, parse_ids, parse_times
from ._zones import OPTION as ZONE_OPTION

FORMAT = "crowdtangle"

#: CrowdTangle's default dashboard zone, used for times that lost their zone suffix.
DEFAULT_TIMEZONE = "US/Eastern"

#: data-model column -> CrowdTangle header names (normalised: lower case, single spaces), first found wins
_COLUMNS = {
    "page_name": ["page name"],
    "handle": ["user name"],
    "page_id": ["facebook id"],
    "country": ["page admin top country"],
    "likes_at_posting": ["likes at posting"],
    "followers_at_posting": ["followers at posting"],
    "created_at": ["post created", "created"],
    "post_type": ["type"],
    "n_likes": ["likes"],
    "n_love": ["love"],
    "n_wow": ["wow"],
    "n_haha": ["haha"],
    "n_sad": ["sad"],
    "n_angry": ["angry"],
    "n_care": ["care"],
    "n_thankful": ["thankful"],
    "n_comments": ["comments"],
    "n_shares": ["shares"],
    "post_views": ["post views"],
    "url": ["url"],
    "text": ["message"],
}
#: reaction columns summed into n_reactions (Thankful only exists before 2020 and has no own column)
_REACTIONS = ["n_likes", "n_love", "n_wow", "n_haha", "n_sad", "n_angry", "n_care", "n_thankful"]
_VIDEO_TYPES = {"video", "live", "reel"}
#: values that identify real CrowdTangle headers; a file must have all of these
_SIGNATURE = {"facebook id", "url", "type", "likes"}
#: the same for an Instagram dashboard's export (no Facebook Id, the account's name in ``Account``)
_IG_SIGNATURE = {"account", "user name", "url", "type", "likes"}
#: data-model column -> header names of an Instagram export, where they differ from Facebook's
_IG_COLUMNS = {"page_name": ["account"], "page_id": ["user name"], "text": ["description"],
               "post_views": ["views"]}
_IG_URL = re.compile(r"instagram\.com/(?:[^/?#]+/)?(?:p|reel|reels|tv)/([A-Za-z0-9_-]+)", re.IGNORECASE)


def _is_ct(cols: set) -> bool:
    """A CrowdTangle header (Facebook or Instagram dashboard) by its normalised column names."""
    return (_SIGNATURE <= cols or _IG_SIGNATURE <= cols) and bool(cols & {"post created", "created"})


def _norm(header: str) -> str:
    """Lower case, BOM and quotes stripped, runs of whitespace collapsed (the weighted columns
    contain double spaces around an em dash)."""
    return " ".join(header.strip().strip('"').lstrip("\ufeff").split()).lower()


def _header_fields(head: bytes, name: str):
    try:
        text, _ = decode_text(head, name)
    except LoadError:
        return None
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0].rstrip("\r")
    if not first or first.lstrip()[:1] in "{[<":
        return None
    delim = sniff_delimiter(first)
    return [_norm(h) for h in first.split(delim)]


def sniff(head: bytes, name: str) -> bool:
    """A CrowdTangle CSV has ``Facebook Id``, ``URL``, ``Type``, ``Likes`` and a ``Post Created`` or
    ``Created`` column; no other format we read has a ``Facebook Id`` column."""
    header = _header_fields(head, name)
    if not header:
        return False
    return _is_ct(set(header))


def _layout(header_norm: list[str]) -> str:
    cols = set(header_norm)
    weighted_total = any(h.startswith("total interactions (weighted") for h in header_norm)
    weighted_over = any(h.startswith("overperforming score (weighted") for h in header_norm)
    if "thankful" in cols or "score" in cols:
        return f"pre-2020 ({len(header_norm)} columns)"
    if "post created" in cols and weighted_total and "overperforming score" in cols:
        return f"2024 ({len(header_norm)} columns)"
    if "post created" in cols and weighted_over:
        return f"2021-2023 ({len(header_norm)} columns)"
    if "created" in cols and "post created" not in cols:
        return f"2020 ({len(header_norm)} columns)"
    return f"unrecognised ({len(header_norm)} columns)"


_SCIENTIFIC = re.compile(r"^\d[.,]\d*E\+?\d+$", re.IGNORECASE)
_URL_PAGE = re.compile(r"facebook\.com/(\d+)/(?:posts|videos|photos|permalink)/", re.IGNORECASE)


def _url_parts(url) -> tuple[str | None, str | None]:
    """``(page id or None, post id or None)`` from a CrowdTangle permalink.

    ``https://www.facebook.com/100064512345678/posts/812345678901234`` → both; a handle instead of
    the numeric page id (2020 exports) gives only the post id; ``permalink.php?story_fbid=…&id=…``
    gives both from the query.
    """
    if url is None or not isinstance(url, str) or url.strip() in NA_TOKENS:
        return None, None
    parts = urlsplit(url.strip())
    query = parse_qs(parts.query)
    page = None
    match = _URL_PAGE.search(url)
    if match:
        page = match.group(1)
    if "story_fbid" in query:
        post = query["story_fbid"][0]
        page = query.get("id", [page])[0]
    elif "fbid" in query:
        post = query["fbid"][0]
    else:
        segments = [s for s in parts.path.split("/") if s]
        post = segments[-1] if len(segments) >= 2 else None
    return page, (post or None)


_PLAIN_URL = re.compile(r"^https?://(?:www\.|m\.|web\.)?facebook\.com/([^/?#]+)/(?:posts|videos)/([^/?#]+)/?$",
                        re.IGNORECASE)


def _split_urls(urls: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Page ids (numeric ones only) and post ids of all URLs: the usual ``/<page>/posts/<id>`` form by
    one vectorised match, the rest (``permalink.php``, ``photo.php``, photos) by :func:`_url_parts`."""
    text = urls.astype("string").str.strip()
    found = text.str.extract(_PLAIN_URL)
    page = found[0].where(found[0].str.fullmatch(r"\d+").fillna(False)).astype(object)
    post = found[1].astype(object)
    rest = found[1].isna() & text.notna()
    for i in np.flatnonzero(rest.to_numpy()):
        page.iloc[i], post.iloc[i] = _url_parts(text.iloc[i])
    return page.astype("string"), post.astype("string")


def _guess_dayfirst(values: pd.Series) -> bool | None:
    """True / False when some ``a/b/yyyy`` dates only fit day-first / month-first, None when nothing tells."""
    parts = values.dropna().astype(str).str.extract(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-]\d{2,4}\b")
    if parts.empty:
        return None
    first = pd.to_numeric(parts[0], errors="coerce")
    second = pd.to_numeric(parts[1], errors="coerce")
    day_first = bool((first > 12).any())
    month_first = bool((second > 12).any())
    if day_first != month_first:
        return day_first
    return None


def read(path, *, name: str, options: dict) -> Parsed:
    """Read a CrowdTangle Historical Data CSV into pages and posts.

    Parameters
    ----------
    path : path-like
        The CSV file.
    name : str
        What ``source_file`` records.
    options : dict
        ``options["mapping"]`` may hold ``timezone`` (zone of times without a suffix, default
        US/Eastern) and ``dayfirst`` (order of ``11/03/2024``-style dates, detected when absent);
        ``options["zone_abbreviations"]`` (``{"IST": "+01:00"}``) names the offsets of zone
        abbreviations the tz database does not settle.
    """
    path = Path(path)
    settings = dict(options.get("mapping") or {})
    text, encoding = decode_text(path.read_bytes(), name)
    delimiter = sniff_delimiter(text.lstrip("\ufeff"))
    header, rows, bad = read_csv_records(text, name, delimiter=delimiter, strict_quotes=True)
    header_norm = [_norm(h) for h in header]
    if not _is_ct(set(header_norm)):
        missing = sorted((_SIGNATURE | {"post created"}) - set(header_norm))
        raise LoadError(name, f"not a CrowdTangle Historical Data CSV: the columns {missing} are missing "
                              f"(the header is {header[:8]}…)", row=0, column=missing[0] if missing else None)
    index = {}
    for pos, h in enumerate(header_norm):
        index.setdefault(h, pos)
    instagram = "facebook id" not in index
    columns = {**_COLUMNS, **_IG_COLUMNS} if instagram else _COLUMNS
    source = {model: next((index[c] for c in names if c in index), None) for model, names in columns.items()}

    quarantine = Quarantine(name, FORMAT)
    for number, fields, reason in bad:
        quarantine.add(number, dict(zip(header, fields)), reason, table="posts", column=ragged_column(header, fields))
    info = {"layout": _layout(header_norm), "encoding": encoding, "delimiter": delimiter}
    if encoding != "utf-8" or delimiter != ",":
        info["resaved"] = (f"{encoding}, {delimiter!r}-separated: probably re-saved by a spreadsheet program "
                           "(CrowdTangle writes UTF-8 with ',')")
    if not rows:
        if bad:
            return Parsed(quarantine=quarantine.rows, info=info)
        raise LoadError(name, "the file has a header but no data rows", row=1)

    numbers = [n for n, _ in rows]
    matrix = np.array([f for _, f in rows], dtype=object)
    col = lambda model: pd.Series(matrix[:, source[model]], dtype=object)  # noqa: E731

    out = pd.DataFrame(index=pd.RangeIndex(len(rows)))
    errors: dict[str, pd.Series] = {}

    # ---- ids: page id from Facebook Id (or the URL), post id from the URL ---------------------------------
    urls = col("url") if source["url"] is not None else pd.Series([None] * len(rows), dtype=object)
    if instagram:
        out["page_id"], out["post_id"], errors["page_id"], errors["post_id"] = _instagram_ids(col("page_id"), urls)
        info["dashboard"] = "Instagram"
    else:
        _facebook_ids(out, errors, info, col("page_id"), urls)

    # ---- time ------------------------------------------------------------------------------------------------
    created = col("created_at")
    tz = settings.get("timezone") or DEFAULT_TIMEZONE
    dayfirst = settings.get("dayfirst")
    if dayfirst is None:
        guessed = _guess_dayfirst(created)
        dayfirst = True if guessed is None else guessed
        if guessed is not None or created.astype(str).str.match(r"^\s*\d{1,2}[/.\-]\d{1,2}[/.\-]").any():
            info["dates"] = ("day-first" if dayfirst else "month-first") + \
                (" (detected)" if guessed is not None else " (assumed; no value tells day from month)")
    out["created_at"], errors["created_at"] = parse_times(created, tz=tz, dayfirst=dayfirst,
                                                            abbreviations=options.get(ZONE_OPTION))
    suffix = created.astype(str).str.strip().str.contains(r"[A-Za-z]{3,4}$|[+-]\d{2}:?\d{2}$", regex=True)
    naive = ~suffix & created.notna()
    if naive.any():
        info["timezone"] = (f"{int(naive.sum())} 'Post Created' values have no zone suffix; read as local time "
                            f"in {tz}" + (" (CrowdTangle's default dashboard zone)" if tz == DEFAULT_TIMEZONE else ""))

    # ---- counts ----------------------------------------------------------------------------------------------
    for model in ["n_likes", "n_love", "n_wow", "n_haha", "n_sad", "n_angry", "n_care", "n_thankful",
                  "n_comments", "n_shares", "post_views", "followers_at_posting", "likes_at_posting"]:
        if source[model] is not None:
            out[model], errors[model] = parse_counts(col(model))
    present = [c for c in _REACTIONS if c in out]
    if present:
        reactions = out[present]
        out["n_reactions"] = reactions.sum(axis=1, skipna=True).astype("Int64").where(
            reactions.notna().all(axis=1), pd.NA)
    if source["followers_at_posting"] is None and "likes_at_posting" in out:
        out["followers_at_posting"] = out["likes_at_posting"]
        info["followers_at_posting"] = "Likes at Posting (this layout has no Followers at Posting column)"
    elif "followers_at_posting" in out:
        info["followers_at_posting"] = "Followers at Posting"

    # ---- text and type ---------------------------------------------------------------------------------------
    out["post_type"] = normalise_post_type(col("post_type")) if source["post_type"] is not None else "status"
    if "post_views" in out:
        views = out["post_views"]
        not_measured = (views == 0).fillna(False) & ~out["post_type"].isin(_VIDEO_TYPES)
        out["n_views"] = views.where(~not_measured, pd.NA)
    if source["text"] is not None:
        # an export re-written by R's write.csv has "NA" where CrowdTangle left the message empty
        out["text"] = col("text").map(lambda v: "" if v is None or v == "NA" else str(v)).astype("string")
    else:
        out["text"] = pd.Series("", index=out.index, dtype="string")
    out["url"] = _text_or_na(urls)
    for model in ("page_name", "handle", "country"):
        if source[model] is not None:
            out[model] = _text_or_na(col(model))
    out["platform"] = "instagram" if instagram else "facebook"
    out["source_row"] = numbers
    out["source_format"] = FORMAT
    out["source_file"] = name

    records = _LazyRecords(header, matrix)
    kept = finish_table(out, errors, records, quarantine, table="posts",
                        required=["page_id", "post_id", "created_at"])
    info["rows"] = len(rows) + len(bad)
    posts = kept.drop(columns=[c for c in ("page_name", "handle", "country", "likes_at_posting", "post_views",
                                           "n_thankful") if c in kept])
    return Parsed(pages=_pages(kept), posts=posts, quarantine=quarantine.rows, info=info)


def _facebook_ids(out, errors, info, page_raw, urls):
    """``page_id`` from Facebook Id (or the URL), ``post_id`` ``<page>_<post>`` from the URL, into ``out``."""
    url_page, url_post = _split_urls(urls)
    mangled = page_raw.fillna("").astype(str).str.strip().str.match(_SCIENTIFIC)
    page_id = parse_ids(page_raw.where(~mangled, None)).astype(object)
    page_id = page_id.where(page_id.notna(), url_page)
    id_error = pd.Series(pd.NA, index=urls.index, dtype="string")
    lost = mangled & page_id.isna()
    if lost.any():
        id_error[lost] = [f"Facebook Id {v!r} was turned into a rounded number by a spreadsheet and the URL "
                          "does not hold the page id" for v in page_raw[lost]]
    if mangled.any():
        info["page_id_repaired_from_url"] = int((mangled & ~lost).sum())
    not_number = page_id.notna() & ~page_id.astype("string").str.fullmatch(r"\d+").fillna(False)
    if not_number.any():
        id_error[not_number] = [f"Facebook Id {v!r} is not a numeric page id" for v in page_id[not_number]]
    no_page = page_id.isna() & ~lost
    if no_page.any():
        id_error[no_page] = [f"Facebook Id is empty and the URL {u!r} holds no numeric page id" for u in urls[no_page]]
    errors["page_id"] = id_error
    out["page_id"] = page_id.astype("string")
    post = url_post.astype("string")
    canonical = post.where(post.str.contains("_", regex=False).fillna(False), out["page_id"] + "_" + post)
    out["post_id"] = canonical
    post_error = pd.Series(pd.NA, index=urls.index, dtype="string")
    no_post = post.isna()
    post_error[no_post] = [f"cannot derive a post id from URL {u!r}" for u in urls[no_post]]
    errors["post_id"] = post_error


def _instagram_ids(handles, urls):
    """``(page_id, post_id, page error, post error)`` of an Instagram export: the handle, and the URL's shortcode."""
    page_id = _text_or_na(handles).str.lstrip("@")
    post_id = urls.astype("string").str.extract(_IG_URL)[0].astype("string")
    page_error = pd.Series(pd.NA, index=urls.index, dtype="string")
    page_error[page_id.isna()] = "User Name is empty: the account cannot be told"
    post_error = pd.Series(pd.NA, index=urls.index, dtype="string")
    no_post = post_id.isna()
    post_error[no_post] = [f"cannot derive a post id from URL {u!r}" for u in urls[no_post]]
    return page_id, post_id, page_error, post_error


class _LazyRecords:
    """Raw records as dicts, built only for the rows that are quarantined (a 100k-row file rarely has any)."""

    def __init__(self, header, matrix):
        self.header, self.matrix = header, matrix

    def __getitem__(self, pos):
        return dict(zip(self.header, self.matrix[pos]))

    def __len__(self):
        return len(self.matrix)


def _text_or_na(values: pd.Series) -> pd.Series:
    s = values.map(lambda v: None if v is None else str(v).strip())
    return s.where(~s.isin(NA_TOKENS) & s.notna(), None).astype("string")


def _pages(posts: pd.DataFrame) -> pd.DataFrame:
    """One row per Facebook Id: names and country from the page's latest post, followers the latest known."""
    cols = ["page_id", "platform", "page_name", "handle", "country", "followers"]
    if not len(posts):
        return pd.DataFrame(columns=cols)
    ordered = posts.sort_values(["page_id", "created_at"], kind="mergesort")
    frame = pd.DataFrame({"page_id": ordered["page_id"], "platform": ordered["platform"]})
    for c in ("page_name", "handle", "country"):
        frame[c] = ordered[c] if c in ordered else pd.Series(pd.NA, index=ordered.index, dtype="string")
    frame["followers"] = ordered["followers_at_posting"] if "followers_at_posting" in ordered else \
        pd.Series(pd.NA, index=ordered.index, dtype="Int64")
    # groupby().last() takes each column's last non-missing value: the latest known
    pages = frame.groupby(["platform", "page_id"], sort=True).last().reset_index()
    pages["page_name"] = pages["page_name"].fillna(pages["handle"]).fillna(pages["page_id"])
    return pages[cols]
