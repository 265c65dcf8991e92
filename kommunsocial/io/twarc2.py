"""``twarc2 csv`` output (DocNow twarc-csv 0.7): one tweet per row, 84 dotted columns.

The rows are X API v2 tweets flattened by twarc-csv, so this reader turns each row back into the
tweet fields it needs and shares everything else with :mod:`kommunsocial.io.x_v2`: which
accounts are pages (``options["account"]``, else the ``__twarc.url`` query, else the authors of
the original tweets of a keyword search), what becomes a post, a comment, a kept-apart retweet or
quote, the counts and the quarantine. Read that module's docstring for the rules: the same tweets
give the same pages, posts and comments as their JSON.

Quirks of the CSV handled here:

* ids are read as text and must be digits; an id that a spreadsheet turned into ``1.76716E+18`` is
  quarantined, and a file whose long ids all end in zeros after the 15th digit (Excel rounding)
  is refused with a :class:`~kommunsocial.errors.LoadError`;
* counts may be written as decimals (``2954.0``) when the batch had a missing value in the column;
* newlines inside ``text`` are the two characters ``\\n`` (turned back into newlines);
* list columns (``attachments.media``, ``attachments.media_keys``, ``entities.urls``) are JSON;
* retweets are "merged" by twarc-csv (the RT row carries the original's text and metrics) and are
  recognised by ``referenced_tweets.retweeted.id``; they are counted in ``info["retweets"]``;
* a copy re-saved by Excel (``;`` delimiter, Windows-1252) is read like the original;
* older twarc-csv versions have fewer columns: only ``id``, ``created_at`` and ``author_id`` (or
  ``author.id``) are required, every other column may be absent (its values are then missing).

``source_row`` is the data row (1 = first row after the header).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import LoadError
from ._csv import check_rounded_ids, clean_csv_id, ragged_column, read_csv_records, scientific_id
from ._decode import decode_text, html_error
from ._json import head_text
from ._tables import Parsed
from ._tweets import TweetCollector, add_user, build, normalise

FORMAT = "twarc2"

__all__ = ["FORMAT", "sniff", "read"]

#: Columns naming or identifying users other than by ``author.*``; redacted in the quarantine.
_PERSONAL = ("author_id", "in_reply_to_user_id", "in_reply_to_username", "retweeted_user_id", "retweeted_username",
             "quoted_user_id", "quoted_username", "entities.mentions")
_MARKERS = ("public_metrics.like_count", "referenced_tweets.replied_to.id", "__twarc.url", "in_reply_to_username")


def _header(head: bytes) -> list[str] | None:
    text = head_text(head)
    first = text.split("\n", 1)[0].strip()
    if not first or first[0] in "{[<":
        return None
    delim = max((",", ";", "\t"), key=first.count)
    return [h.strip().strip('"').strip() for h in first.split(delim)]


def sniff(head: bytes, name: str) -> bool:
    """A CSV header with ``id``, ``conversation_id``, ``author_id`` or ``author.id`` and a
    twarc-csv column such as ``public_metrics.like_count``."""
    header = _header(head)
    if not header:
        return False
    cols = set(header)
    return ("id" in cols and "conversation_id" in cols and ("author_id" in cols or "author.id" in cols)
            and any(m in cols for m in _MARKERS))


def _json_list(value):
    if not value:
        return []
    try:
        parsed = json.loads(value)
    except (json.JSONDecodeError, RecursionError):
        return []
    return parsed if isinstance(parsed, list) else []


def _tweet(rec: dict) -> dict:
    """A CSV row → the v2 tweet object it was flattened from (the fields kommunsocial uses)."""
    get = lambda k: rec.get(k) if rec.get(k) not in ("", None) else None  # noqa: E731
    refs = [{"type": kind, "id": clean_csv_id(get(f"referenced_tweets.{kind}.id"))}
            for kind in ("replied_to", "retweeted", "quoted") if get(f"referenced_tweets.{kind}.id")]
    metrics = {f: get(f"public_metrics.{f}") for f in ("like_count", "reply_count", "retweet_count", "quote_count",
                                                        "impression_count")}
    media = _json_list(get("attachments.media"))
    urls = [u if isinstance(u, str) else (u.get("expanded_url") or u.get("url")) for u in _json_list(get("entities.urls"))
            if isinstance(u, (str, dict))]
    return {
        "id": clean_csv_id(get("id")),
        "author_id": clean_csv_id(get("author_id") or get("author.id")),
        "conversation_id": clean_csv_id(get("conversation_id")),
        "referenced_tweets": refs,
        "created_at": get("created_at"),
        "text": rec.get("text", ""),
        "public_metrics": metrics,
        "attachments": {"media": [m for m in media if isinstance(m, dict)],
                        "media_keys": [k for k in _json_list(get("attachments.media_keys")) if isinstance(k, str)],
                        "poll_ids": get("attachments.poll.id") or _json_list(get("attachments.poll_ids"))},
        "entities": {"urls": [{"expanded_url": u} for u in urls if isinstance(u, str)]},
    }


def read(path, *, name: str, options: dict) -> Parsed:
    """Read a ``twarc2 csv`` file.

    Parameters
    ----------
    path : path of the file.
    name : what ``source_file`` records.
    options : ``account`` (handle, user id or a list) names the pages; see :mod:`kommunsocial.io.x_v2`.
    """
    text, encoding = decode_text(Path(path).read_bytes(), name)
    html_error(text, name)
    header, rows, bad = read_csv_records(text, name)
    missing = [c for c in ("id", "created_at") if c not in header]
    if "author_id" not in header and "author.id" not in header:
        missing.append("author_id")
    if missing:
        raise LoadError(name, f"not a twarc2 CSV: required column {missing[0]!r} is missing (the header has "
                              f"{len(header)} columns: {header[:8]}…)", row=0, column=missing[0])
    if not rows and not bad:
        raise LoadError(name, "the file has a header but no tweets", row=1)
    personal = [c for c in header if c.startswith("author.")] + list(_PERSONAL)
    col = TweetCollector(name, FORMAT, personal=personal)
    col.n_records = len(rows) + len(bad)
    for number, fields, reason in bad:
        col.bad_record(number, dict(zip(header, fields)), reason, ragged_column(header, fields))
    ids = []
    for number, fields in rows:
        rec = dict(zip(header, fields))
        rid = clean_csv_id(rec.get("id"))
        ids.append(rid)
        for column in ("id", "author_id", "author.id", "conversation_id"):
            if scientific_id(rec.get(column)):
                col.bad_record(number, rec, f"the id {rec[column]!r} was turned into a number in scientific notation "
                                            f"(e.g. by Excel); its digits are lost", column)
                break
        else:
            tweet, error = normalise(_tweet(rec), number, context=False, media={})
            if error:
                col.bad_record(number, rec, error[1], error[0])
            else:
                tweet["raw"] = rec
                col.records.append(tweet)
        # users and the collection's query, for deciding which accounts are pages
        add_user(col.users, clean_csv_id(rec.get("author.id") or rec.get("author_id")), rec.get("author.username"),
                 rec.get("author.name"), rec.get("author.public_metrics.followers_count"))
        for prefix in ("in_reply_to", "retweeted", "quoted"):
            add_user(col.users, clean_csv_id(rec.get(f"{prefix}_user_id")), rec.get(f"{prefix}_username"))
        if rec.get("__twarc.url"):
            col.urls.add(rec["__twarc.url"])
    check_rounded_ids(ids, name, "id")
    parsed = build(col, options, text_unescape_newlines=True)
    parsed.info.update({"layout": f"{len(header)} columns" + (" (twarc-csv 0.7)" if len(header) == 84 else ""),
                        "encoding": encoding})
    return parsed
