"""X (Twitter) API v2 JSON and JSONL, as ``twarc2`` writes it.

Two layouts are read, in one file or mixed line by line:

* **response pages** (``twarc2 search/timeline/conversation``): one API response per line,
  ``{"data": [tweets], "includes": {"users", "tweets", "media"}, "meta", "errors"?, "__twarc"}``;
  a single-tweet lookup (``"data": {tweet}``) and a pretty-printed single page are read too;
* **flattened tweets** (``twarc2 flatten``): one tweet per line with ``author``,
  ``in_reply_to_user``, ``referenced_tweets[].{…}`` and ``attachments.media`` expanded inline.

A JSON array of tweets or of pages is accepted as well. Numbers are read as text
(``json.loads(parse_int=str)``) so 19-digit ids never pass through a float.

Records and ``source_row``
--------------------------
A *record* is a tweet of a ``data`` array (pages) or one line / array element (flattened), numbered
1, 2, … in reading order; ``source_row`` is that number. Tweets that travel with a record as context
(``includes.tweets`` of a page, the expanded ``referenced_tweets`` of a flattened tweet) are not
records; when they are needed (see below) they are read with the ``source_row`` of the record that
carried them (for a page: its first tweet that references them, else the page's first tweet).

Which accounts are pages
------------------------
``options["account"]`` (a handle with or without ``@``, a numeric user id, or a list of them) names
the pages; ``options["mapping"]["account"]`` is read too, because :func:`kommunsocial.load` only
passes a mapping to readers. Without it, in this order:

1. the collection's own query, from ``__twarc.url``: ``from:handle`` / ``to:handle`` operators of a
   search, or the user id of a ``/2/users/{id}/tweets|mentions|timelines`` request;
2. authors of original tweets (not a reply, not a retweet) whose conversation the file holds, i.e.
   at least one reply in the file has that tweet's id as ``conversation_id``;
3. failing that, the authors of all original tweets (a timeline export without replies).

``info["pages_rule"]`` says which rule decided. Rules 2–3 are heuristics: a citizen's tweet about
the municipality with replies of its own makes the citizen a "page"; give ``account`` when exact
results matter.

What becomes what
-----------------
* **post**: an original tweet (not a reply, not a retweet) by a page. A page's quote tweet is a
  post too (it is a new tweet on the page's timeline, with its own text and metrics).
  ``post_type``: ``video`` (video or animated GIF attached), ``photo`` (photos), ``other`` (a poll),
  ``link`` (an external URL, or a quote tweet: it embeds another tweet), else ``status``.
* **comment**: any reply (a ``replied_to`` reference, or a ``conversation_id`` other than its own
  id). ``post_id`` is the ``conversation_id`` (the thread's first tweet), ``parent_id`` the tweet
  replied to, or null when that is the post itself. A page's own replies are comments with
  ``author_is_page`` True; other authors' with False (NA when the file cannot tell: the pages
  were guessed and the thread's post is not in the file, so the loader decides by id).
* **kept apart**, counted in ``info`` and neither posts nor comments: retweets
  (``info["retweets"]``), quote tweets by other accounts that are not replies (``info["quotes"]``;
  they are shares, already in the quoted post's ``n_shares``), other original tweets by accounts
  that are not pages, e.g. mentions (``info["other_tweets"]``).
* **quarantined**: a record that cannot be read (not JSON, not a tweet, id missing or not a tweet
  id, wrong types, bad date, negative count), and a reply in a conversation whose first tweet is in
  the file but was written by an account that is not a page.
* A reply whose conversation's first tweet is not in the file is kept as a comment on that
  ``conversation_id``, so the post can come from another file of the same load; if no file holds it
  the loader quarantines the comment ("comment's post is not in the dataset"). Their number is
  ``info["replies_root_not_in_file"]``.
* Context tweets (see above) are used only when they are posts or comments the records do not
  hold themselves (typically the page's post that the collected replies answer);
  ``info["from_context"]`` counts them. So ``info["records"]`` = posts + comments
  − ``from_context`` + quarantined + retweets + quotes + other_tweets.

Values
------
``public_metrics`` → ``n_likes`` = ``n_reactions`` = ``like_count`` (X has one reaction);
``n_comments`` = ``reply_count``; ``n_shares`` = ``retweet_count + quote_count`` (missing when either
is); ``n_views`` = ``impression_count`` (missing for tweets collected before Dec 2022); a comment's
``n_likes`` / ``n_replies`` = ``like_count`` / ``reply_count``. ``followers_at_posting`` stays missing:
the user object's ``followers_count`` is the count when collected, so it goes to
``pages.followers`` instead. ``text`` is ``note_tweet.text`` for long posts, else ``text``, with the
``&amp; &lt; &gt;`` escapes the API applies undone. ``url`` = ``https://x.com/{username}/status/{id}``.
Authors of comments go to ``author_platform_id`` (user id) and ``author_name`` (display name, else
username) only; the loader pseudonymises them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pandas as pd

from ..errors import LoadError
from ._checks import json_constant
from ._common import Parsed, Quarantine, decode_text, finish_table, parse_counts, parse_times

FORMAT = "x_v2"

__all__ = ["FORMAT", "sniff", "read"]

#: Raw fields that hold a private person's name or id; redacted in quarantined records.
PERSONAL_FIELDS = ("author_id", "author", "in_reply_to_user_id", "in_reply_to_user", "entities",
                   "referenced_tweets", "includes", "username", "name")

_JSON_OPTIONS = {"parse_int": str, "parse_float": str, "parse_constant": json_constant}
_TWEET_ID = re.compile(r"\d{1,25}")


def _key(name: str) -> re.Pattern:
    return re.compile(r'"%s"\s*:' % re.escape(name))


_SNIFF_AUTHOR = _key("author_id")
_SNIFF_CREATED = _key("created_at")
_SNIFF_TWARC = _key("__twarc")
_SNIFF_TWEETISH = [_key("conversation_id"), _key("edit_history_tweet_ids"), _key("public_metrics"),
                   _key("referenced_tweets")]


def head_text(head: bytes) -> str:
    """Decode the head of a file for sniffing (a cut multi-byte character at the end is harmless)."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return head.decode("utf-16", errors="replace")
    return head.decode("utf-8-sig", errors="replace")


def sniff(head: bytes, name: str) -> bool:
    """JSON whose objects carry X v2 tweet keys (``author_id`` and ``created_at`` and a tweet-only
    key such as ``conversation_id``), or twarc's ``__twarc`` provenance key."""
    text = head_text(head).lstrip("\ufeff \t\r\n")
    if not text or text[0] not in "{[":
        return False
    if _SNIFF_TWARC.search(text):
        return True
    return bool(_SNIFF_AUTHOR.search(text) and _SNIFF_CREATED.search(text)
                and any(p.search(text) for p in _SNIFF_TWEETISH))


# ---------------------------------------------------------------------------------------------
# JSON / JSONL documents (also used by the MCL reader)
# ---------------------------------------------------------------------------------------------
def html_error(text: str, name: str):
    start = text.lstrip("\ufeff \t\r\n")[:200].lower()
    if start.startswith(("<!doctype html", "<html", "<head", "<body")) or (start.startswith("<") and "<html" in start):
        raise LoadError(name, "this is an HTML page (perhaps an error or login page saved by a browser or API "
                              "client), not an export")


def load_json_entries(data: bytes, name: str) -> tuple[bool, list]:
    """Parse a JSON document or a JSON Lines file.

    Returns ``(is_lines, entries)``: for a document one entry ``(None, value, None)``; for JSON
    Lines one ``(line_number, value, None)`` per non-empty line, or ``(line_number, None, message)``
    for a line that is not valid JSON (the caller quarantines it). Numbers come back as text.

    Raises :class:`LoadError` for an empty or HTML file, a file that is not JSON, and a truncated
    or broken JSON document.
    """
    text, _ = decode_text(data, name)
    html_error(text, name)
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped[:1] not in ("{", "["):
        raise LoadError(name, f"not JSON: the file starts with {stripped[:40]!r}")
    try:
        return False, [(None, json.loads(stripped, **_JSON_OPTIONS), None)]
    except json.JSONDecodeError as exc:
        first_error = exc
    except RecursionError:
        raise LoadError(name, "the JSON is nested too deeply to be an export") from None
    entries, objects = [], 0
    for number, line in enumerate(text.split("\n"), 1):
        line = line.strip().lstrip("\ufeff")
        if not line:
            continue
        try:
            value = json.loads(line, **_JSON_OPTIONS)
        except json.JSONDecodeError as exc:
            entries.append((number, None, f"line {number} is not valid JSON ({exc.msg}, column {exc.colno})"))
            continue
        except RecursionError:
            entries.append((number, None, f"line {number} is nested too deeply"))
            continue
        entries.append((number, value, None))
        objects += isinstance(value, dict) and bool(value)
    if first_error.msg == "Extra data" or (len(entries) > 1 and objects * 2 >= len(entries)):
        return True, entries
    exc = first_error
    if exc.pos >= len(stripped.rstrip()) - 1:
        raise LoadError(name, f"the JSON ends before it is complete (the file is probably truncated): {exc.msg} "
                              f"at line {exc.lineno}, column {exc.colno}")
    raise LoadError(name, f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")


_SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d+)?[eE]\+?\d+")


def clean_csv_id(value: str | None) -> str | None:
    """A CSV cell holding an id: blank → None, a float artefact ``"123.0"`` → ``"123"``."""
    if value is None:
        return None
    value = value.strip()
    if value == "":
        return None
    return value[:-2] if value.endswith(".0") and value[:-2].isdigit() else value


def scientific_id(value) -> bool:
    """True for an id that a spreadsheet turned into ``1.76716E+18`` (its digits are lost)."""
    return isinstance(value, str) and bool(_SCIENTIFIC.fullmatch(value.strip()))


def check_rounded_ids(ids, name: str, column: str):
    """Raise when every long id ends in zeros past the 15th digit: Excel keeps 15 significant digits,
    so a re-saved CSV holds ids that are rounded, no longer unique, and match nothing."""
    long_ids = [v for v in ids if isinstance(v, str) and v.isdigit() and len(v) >= 16]
    if len(long_ids) >= 5 and all(set(v[15:]) == {"0"} for v in long_ids):
        raise LoadError(name, f"every id in this column ends in zeros after the 15th digit (e.g. {long_ids[0]}): "
                              f"the file was saved by a spreadsheet that rounded the ids, which cannot be undone; "
                              f"use the original export", column=column)


def unreadable(value) -> str:
    """A placeholder for an unreadable record: its size, never its content (it may hold names)."""
    return f"<{len(str(value))} characters that are not a readable record>"


# ---------------------------------------------------------------------------------------------
# tweets → normalised dicts
# ---------------------------------------------------------------------------------------------
def is_id(value) -> bool:
    return isinstance(value, str) and bool(_TWEET_ID.fullmatch(value))


def _text(value):
    return value if isinstance(value, str) else None


_MEDIA_KEY_TYPES = {"3": "photo", "7": "video", "13": "video", "16": "video"}
_MEDIA_URL = re.compile(r"(?:twitter\.com|x\.com)/[^/]+/status/\d+/(?:photo|video)/|pic\.(?:twitter|x)\.com", re.I)


def media_kind(media_types) -> str | None:
    """``video`` if any attachment is a video or animated GIF, ``photo`` for photos, else None."""
    kinds = {("video" if str(t).lower() in ("video", "animated_gif") else "photo" if str(t).lower() == "photo"
              else "other") for t in media_types}
    if "video" in kinds:
        return "video"
    if "photo" in kinds:
        return "photo"
    return None


def key_media_type(key) -> str:
    """The media type a media key's prefix stands for (``3_…`` photo, ``7_``/``13_`` video, ``16_`` GIF)."""
    return _MEDIA_KEY_TYPES.get(str(key).split("_", 1)[0], "other")


def post_type_of(media_types, has_poll: bool, urls, is_quote: bool) -> str:
    """The data model's post type from what a tweet carries (see the module docstring)."""
    if not (media_types or has_poll or is_quote or urls):
        return "status"  # the common case, decided without building sets
    kind = media_kind(media_types)
    if kind:
        return kind
    if has_poll:
        return "other"
    if is_quote or any(isinstance(u, str) and u and not _MEDIA_URL.search(u) for u in urls):
        return "link"
    return "status"


def _normalise(t, row: int, *, context: bool, media: dict, base: dict | None = None):
    """One tweet object → a flat dict of the fields the tables need, or an error.

    Returns ``(tweet, None)`` or ``(None, (column, reason))``. Values are kept as text; counts and
    times are parsed later, column-wise.
    """
    if not isinstance(t, dict):
        return None, ("", "not a tweet object")
    tid = t.get("id")
    if tid is None or tid == "":
        return None, ("id", "required value is missing")
    if not is_id(tid):
        return None, ("id", f"not a tweet id: {str(tid)[:40]!r}")
    author = t.get("author") if isinstance(t.get("author"), dict) else {}
    author_id = t.get("author_id", author.get("id"))
    if author_id is None or author_id == "":
        return None, ("author_id", "required value is missing")
    if not is_id(author_id):
        return None, ("author_id", "not a user id")
    conversation = t.get("conversation_id")
    if conversation in ("", None):
        conversation = None
    elif not is_id(conversation):
        return None, ("conversation_id", f"not a tweet id: {str(conversation)[:40]!r}")
    refs = t.get("referenced_tweets") or []
    if not isinstance(refs, list):
        return None, ("referenced_tweets", "not a list")
    ref = {}
    for r in refs:
        if not isinstance(r, dict) or not isinstance(r.get("type"), str) or not is_id(r.get("id")):
            return None, ("referenced_tweets", "an entry without a type and a tweet id")
        ref.setdefault(r["type"], r["id"])
    text = t.get("text")
    note = t.get("note_tweet")
    if isinstance(note, dict) and isinstance(note.get("text"), str):
        text = note["text"]  # long posts: ``text`` holds only the first 280 characters
    if text is not None and not isinstance(text, str):
        return None, ("text", "not a string")
    metrics = t.get("public_metrics")
    if metrics is None:
        metrics = {}
    elif not isinstance(metrics, dict):
        return None, ("public_metrics", "not an object")
    # attachments and entities only decide post_type: a malformed one is ignored, not fatal
    attachments = t.get("attachments") if isinstance(t.get("attachments"), dict) else {}
    media_types = []
    expanded = attachments.get("media")
    if isinstance(expanded, list):
        media_types = [m.get("type") for m in expanded if isinstance(m, dict)]
    keys = attachments.get("media_keys")
    if not media_types and isinstance(keys, list):
        media_types = [media.get(k) or key_media_type(k) for k in keys if isinstance(k, str)]
    entities = t.get("entities") if isinstance(t.get("entities"), dict) else {}
    urls = entities.get("urls") if isinstance(entities.get("urls"), list) else []
    urls = [u.get("expanded_url") or u.get("url") for u in urls if isinstance(u, dict)]
    tweet = {
        "id": tid, "author_id": author_id, "conversation_id": conversation,
        "replied_to": ref.get("replied_to"), "retweeted": ref.get("retweeted"), "quoted": ref.get("quoted"),
        "created_at": t.get("created_at"), "text": text,
        "like": metrics.get("like_count"), "reply": metrics.get("reply_count"),
        "retweet": metrics.get("retweet_count"), "quote": metrics.get("quote_count"),
        "impression": metrics.get("impression_count"),
        "post_type": post_type_of(media_types, bool(attachments.get("poll_ids") or attachments.get("poll")),
                                  urls, "quoted" in ref),
        "row": row, "context": context, "raw": t,
    }
    if base:
        tweet.update(base)
    return tweet, None


def add_user(users: dict, uid, username=None, name=None, followers=None):
    """Remember what the file says about a user; later, fuller objects win over mentions."""
    if not is_id(uid):
        return
    u = users.setdefault(uid, {})
    for k, v in (("username", username), ("name", name), ("followers", followers)):
        if isinstance(v, str) and v != "":
            u[k] = v


def _add_user_object(users: dict, obj):
    if isinstance(obj, dict):
        metrics = obj.get("public_metrics") if isinstance(obj.get("public_metrics"), dict) else {}
        add_user(users, obj.get("id"), _text(obj.get("username")), _text(obj.get("name")),
                 metrics.get("followers_count"))


def _users_in_tweet(users: dict, t: dict):
    """Users a flattened tweet carries: its author, the user replied to, mentioned users."""
    _add_user_object(users, t.get("author"))
    _add_user_object(users, t.get("in_reply_to_user"))
    entities = t.get("entities") if isinstance(t.get("entities"), dict) else {}
    for m in _list(entities.get("mentions")):
        if isinstance(m, dict):
            add_user(users, m.get("id"), _text(m.get("username")), _text(m.get("name")))


def _list(value) -> list:
    """``value`` when it is a list, else no items (an export's odd shape is reported where it matters)."""
    return value if isinstance(value, list) else []


def _referenced_objects(t: dict, depth: int = 0):
    """Expanded tweets inside a flattened tweet's ``referenced_tweets`` (recursively)."""
    refs = t.get("referenced_tweets")
    if not isinstance(refs, list) or depth > 5:
        return
    for r in refs:
        if isinstance(r, dict) and ("text" in r or "author_id" in r):
            yield r
            yield from _referenced_objects(r, depth + 1)


class TweetCollector:
    """Gathers records, context tweets, users and twarc request URLs while a file is read."""

    def __init__(self, name: str, fmt: str, personal=PERSONAL_FIELDS):
        self.name = name
        self.fmt = fmt
        self.quarantine = Quarantine(name, fmt, personal=personal)
        self.records: list[dict] = []
        self.context: list[dict] = []
        self.users: dict = {}
        self.urls: set = set()
        self.n_records = 0
        self.api_errors = 0

    def next_row(self) -> int:
        self.n_records += 1
        return self.n_records

    def bad_record(self, row, record, reason, column=None):
        self.quarantine.add(row, record, reason, table="tweets", column=column or None)

    def add_record(self, t, row: int, media: dict):
        tweet, error = _normalise(t, row, context=False, media=media)
        if error:
            self.bad_record(row, t if isinstance(t, dict) else unreadable(t), error[1], error[0])
        else:
            self.records.append(tweet)

    def add_context(self, t, row: int, media: dict):
        tweet, error = _normalise(t, row, context=True, media=media)
        if tweet is not None:
            self.context.append(tweet)

    def add_url(self, twarc):
        if isinstance(twarc, dict) and isinstance(twarc.get("url"), str):
            self.urls.add(twarc["url"])


def _read_page(page: dict, col: TweetCollector):
    """One API response page: ``data`` tweets are records, ``includes.tweets`` context."""
    col.add_url(page.get("__twarc"))
    includes = page.get("includes") if isinstance(page.get("includes"), dict) else {}
    media = {}
    for m in _list(includes.get("media")):
        if isinstance(m, dict) and isinstance(m.get("media_key"), str):
            media[m["media_key"]] = m.get("type")
    for u in _list(includes.get("users")):
        _add_user_object(col.users, u)
    errors = page.get("errors")
    if isinstance(errors, list):
        col.api_errors += len(errors)
    data = page.get("data")
    if isinstance(data, dict):
        data = [data]  # a single-tweet lookup
    if data is None:
        data = []
    if not isinstance(data, list):
        col.bad_record(col.next_row(), unreadable(data), "the page's 'data' is not a list of tweets", "data")
        return
    rows = []
    for t in data:
        row = col.next_row()
        rows.append((row, t))
        col.add_record(t, row, media)
        if isinstance(t, dict):
            _users_in_tweet(col.users, t)
    first = rows[0][0] if rows else max(col.n_records, 1)
    # a context tweet is traced to the first record of the page that refers to it
    refers = {}
    for row, t in rows:
        if isinstance(t, dict):
            for key in [t.get("conversation_id")] + [r.get("id") for r in _list(t.get("referenced_tweets"))
                                                      if isinstance(r, dict)]:
                if isinstance(key, str):
                    refers.setdefault(key, row)
    for t in _list(includes.get("tweets")):
        if isinstance(t, dict):
            col.add_context(t, refers.get(t.get("id"), first), media)


def _read_value(value, col: TweetCollector, *, top: bool):
    """A page, a flattened tweet, or (at the top of a document) an array of either."""
    if isinstance(value, dict) and any(k in value for k in ("data", "includes", "meta", "errors")) \
            and "id" not in value:
        _read_page(value, col)
    elif isinstance(value, dict):
        row = col.next_row()
        col.add_record(value, row, {})
        col.add_url(value.get("__twarc"))
        _users_in_tweet(col.users, value)
        for ref in _referenced_objects(value):
            _users_in_tweet(col.users, ref)
            col.add_context(ref, row, {})
    elif isinstance(value, list) and top:
        for item in value:
            _read_value(item, col, top=False)
    else:
        col.bad_record(col.next_row(), unreadable(value), "not a tweet or an API response page")


# ---------------------------------------------------------------------------------------------
# which accounts are pages
# ---------------------------------------------------------------------------------------------
_USER_PATH = re.compile(r"/2/users/(\d+)/(?:tweets|mentions|timelines)")
_QUERY_USER = re.compile(r"\b(?:from|to):@?(\w{1,50})", re.I)


def _as_list(value) -> list:
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple, set)):
        return [str(v) for v in value if v not in (None, "")]
    return [str(value)]


def _resolve(accounts, users: dict) -> set:
    by_handle = {u["username"].casefold(): uid for uid, u in users.items() if u.get("username")}
    found = set()
    for a in accounts:
        a = a.strip().lstrip("@")
        if _TWEET_ID.fullmatch(a):
            found.add(a)
        if a.casefold() in by_handle:
            found.add(by_handle[a.casefold()])
    return found


def _twarc_hint(urls, users: dict) -> set:
    handles, ids = [], set()
    for url in sorted(urls):
        try:
            parsed = urlparse(url)
        except ValueError:
            continue
        m = _USER_PATH.search(parsed.path)
        if m:
            ids.add(m.group(1))
        for q in parse_qs(parsed.query).get("query", []):
            handles.extend(_QUERY_USER.findall(q))
    return ids | _resolve([h for h in handles if not _TWEET_ID.fullmatch(h)], users)


def find_pages(tweets: list, users: dict, urls, options: dict, name: str) -> tuple[set, str, bool]:
    """The user ids of the pages, the rule that found them, and whether the rule is exact."""
    mapping = options.get("mapping") if isinstance(options.get("mapping"), dict) else {}
    accounts = _as_list(options.get("account") or mapping.get("account"))
    if accounts:
        pages = _resolve(accounts, users)
        if not pages:
            raise LoadError(name, f"account {accounts} does not occur in this file (no tweet or user with that handle); "
                                  f"give the numeric user id instead")
        return pages, "account option", True
    pages = _twarc_hint(urls, users)
    if pages:
        return pages, "twarc query (from:/to: or user timeline)", True
    originals = {t["id"]: t["author_id"] for t in tweets if not t["retweeted"] and not _is_reply(t)}
    held = {t["conversation_id"] for t in tweets if _is_reply(t)}
    pages = {a for tid, a in originals.items() if tid in held}
    if pages:
        return pages, "authors of original tweets whose conversations the file holds", False
    return set(originals.values()), "authors of original tweets (no conversations in the file)", False


def _is_reply(t: dict) -> bool:
    return bool(t["replied_to"]) or (t["conversation_id"] is not None and t["conversation_id"] != t["id"])


# ---------------------------------------------------------------------------------------------
# tables
# ---------------------------------------------------------------------------------------------
def _root_of(t: dict, by_id: dict) -> str | None:
    """The conversation's first tweet: ``conversation_id``, else followed up the reply chain."""
    if t["conversation_id"]:
        return t["conversation_id"]
    if not t["replied_to"]:
        return t["id"]
    seen, cur = set(), t
    while cur["replied_to"] and len(seen) < 100:
        seen.add(cur["id"])
        parent = by_id.get(cur["replied_to"])
        if parent is None:
            return None
        if parent["conversation_id"]:
            return parent["conversation_id"]
        cur = parent
    return cur["id"] if not cur["replied_to"] else None


def _unescape(texts: pd.Series) -> pd.Series:
    # the API escapes exactly these three in tweet text; &amp; last so "&amp;lt;" stays "&lt;"
    return (texts.str.replace("&lt;", "<", regex=False).str.replace("&gt;", ">", regex=False)
            .str.replace("&amp;", "&", regex=False))


def _url(username, tid) -> str:
    return f"https://x.com/{username}/status/{tid}" if username else f"https://x.com/i/web/status/{tid}"


def build(col: TweetCollector, options: dict, *, text_unescape_newlines: bool = False) -> Parsed:
    """Classify the collected tweets and build the pages, posts and comments tables."""
    name = col.name
    by_id = {}
    for t in col.records:
        by_id.setdefault(t["id"], t)
    context = []
    for t in col.context:
        if t["id"] not in by_id:  # a record wins over an expansion copy of the same tweet
            by_id[t["id"]] = t
            context.append(t)
    everything = col.records + context
    pages, rule, exact = find_pages(everything, col.users, col.urls, options, name)

    posts, comments = [], []
    counts = {"retweets": 0, "quotes": 0, "other_tweets": 0, "from_context": 0, "replies_root_not_in_file": 0}
    for t in everything:
        ctx = t["context"]
        by_page = t["author_id"] in pages
        if t["retweeted"]:
            counts["retweets"] += not ctx
            continue
        if not _is_reply(t):
            if by_page:
                posts.append(t)
                counts["from_context"] += ctx
            elif not ctx:
                counts["quotes" if t["quoted"] else "other_tweets"] += 1
            continue
        root = _root_of(t, by_id)
        if root is None:
            if not ctx:
                col.bad_record(t["row"], t["raw"], "a reply without conversation_id whose thread cannot be followed "
                                                   "to its first tweet in this file", "conversation_id")
            continue
        first = by_id.get(root)
        if first is not None and first["author_id"] not in pages:
            if not ctx:
                col.bad_record(t["row"], t["raw"], f"a reply in a conversation started by an account that is not a "
                                                   f"page (conversation_id {root})", "conversation_id")
            continue
        if first is None:
            counts["replies_root_not_in_file"] += not ctx
        is_page = True if by_page else (False if exact or first is not None else None)
        parent = t["replied_to"] if t["replied_to"] != root else None
        comments.append({**t, "post_id": root, "parent_id": parent, "is_page": is_page})
        counts["from_context"] += ctx

    parsed = Parsed(info={"records": col.n_records, **counts, "pages_rule": rule,
                          "page_ids": sorted(pages), "api_errors": col.api_errors})
    parsed.posts = _posts_table(posts, col, text_unescape_newlines)
    parsed.comments = _comments_table(comments, col, text_unescape_newlines)
    # pages that wrote something kept: a file whose every record was quarantined yields no rows at all,
    # so the loader reports it instead of loading a page without posts
    active = set(parsed.posts["page_id"].dropna()) if len(parsed.posts) else set()
    if len(parsed.comments):
        own = parsed.comments["author_is_page"].fillna(False).astype(bool)
        active |= set(parsed.comments.loc[own, "author_platform_id"].dropna())
    parsed.pages = _pages_table(pages & active, col.users)
    parsed.quarantine = col.quarantine.rows
    return parsed


def _texts(rows, newlines: bool) -> pd.Series:
    s = pd.Series([t["text"] if t["text"] is not None else "" for t in rows], dtype="string")
    if newlines:
        # twarc-csv writes a newline inside a tweet as the two characters backslash and n
        s = s.str.replace("\\n", "\n", regex=False)
    return _unescape(s)


def _counts(rows, key: str, field: str, errors: dict):
    values, err = parse_counts([t[key] for t in rows])
    errors[f"public_metrics.{field}"] = err
    return values


def _valid_ids(values) -> pd.Series:
    # ids that _normalise has already checked to be digit strings need no further parsing
    return pd.Series(values, dtype="string")


def _posts_table(rows, col: TweetCollector, newlines: bool) -> pd.DataFrame:
    if not rows:
        return pd.DataFrame()
    errors = {}
    out = pd.DataFrame({"post_id": _valid_ids([t["id"] for t in rows]),
                        "page_id": _valid_ids([t["author_id"] for t in rows])})
    out["platform"] = "x"
    out["created_at"], errors["created_at"] = parse_times([t["created_at"] for t in rows])
    out["text"] = _texts(rows, newlines)
    out["post_type"] = pd.Series([t["post_type"] for t in rows], dtype="string")
    out["url"] = pd.Series([_url(col.users.get(t["author_id"], {}).get("username"), t["id"]) for t in rows],
                           dtype="string")
    out["n_likes"] = _counts(rows, "like", "like_count", errors)
    out["n_reactions"] = out["n_likes"]
    out["n_comments"] = _counts(rows, "reply", "reply_count", errors)
    out["n_shares"] = _counts(rows, "retweet", "retweet_count", errors) + _counts(rows, "quote", "quote_count", errors)
    out["n_views"] = _counts(rows, "impression", "impression_count", errors)
    out["source_format"] = col.fmt
    out["source_file"] = col.name
    out["source_row"] = pd.array([t["row"] for t in rows], dtype="Int64")
    return finish_table(out, errors, [t["raw"] for t in rows], col.quarantine, table="posts",
                        required=["post_id", "page_id", "created_at"])


def _comments_table(rows, col: TweetCollector, newlines: bool) -> pd.DataFrame:
    if not rows:
        return pd.DataFrame()
    errors = {}
    out = pd.DataFrame({"comment_id": _valid_ids([t["id"] for t in rows]),
                        "post_id": _valid_ids([t["post_id"] for t in rows]),
                        "parent_id": _valid_ids([t["parent_id"] for t in rows])})
    users = col.users
    out["author_platform_id"] = _valid_ids([t["author_id"] for t in rows])
    out["author_name"] = pd.Series([users.get(t["author_id"], {}).get("name") or
                                    users.get(t["author_id"], {}).get("username") for t in rows], dtype="string")
    out["author_is_page"] = pd.array([t["is_page"] for t in rows], dtype="boolean")
    out["created_at"], errors["created_at"] = parse_times([t["created_at"] for t in rows])
    out["text"] = _texts(rows, newlines)
    out["n_likes"] = _counts(rows, "like", "like_count", errors)
    out["n_replies"] = _counts(rows, "reply", "reply_count", errors)
    out["source_format"] = col.fmt
    out["source_file"] = col.name
    out["source_row"] = pd.array([t["row"] for t in rows], dtype="Int64")
    return finish_table(out, errors, [t["raw"] for t in rows], col.quarantine, table="comments",
                        required=["comment_id", "post_id", "created_at"])


def _pages_table(pages: set, users: dict) -> pd.DataFrame:
    if not pages:
        return pd.DataFrame()
    ids = sorted(pages)
    info = [users.get(p, {}) for p in ids]
    followers, _ = parse_counts([u.get("followers") for u in info])  # a bad follower count is just unknown
    return pd.DataFrame({
        "page_id": pd.Series(ids, dtype="string"),
        "platform": "x",
        "page_name": pd.Series([u.get("name") or u.get("username") or p for p, u in zip(ids, info)], dtype="string"),
        "handle": pd.Series([u.get("username") for u in info], dtype="string"),
        "followers": followers,
    })


# ---------------------------------------------------------------------------------------------
def read(path, *, name: str, options: dict) -> Parsed:
    """Read an X API v2 JSON / JSONL file (twarc2 pages or flattened tweets).

    Parameters
    ----------
    path : path of the file.
    name : what ``source_file`` records.
    options : ``account`` (handle, user id or a list) names the pages; see the module docstring.
    """
    is_lines, entries = load_json_entries(Path(path).read_bytes(), name)
    doc = entries[0][1]
    if not is_lines and isinstance(doc, dict) and not ({"id", "data", "includes", "meta", "errors"} & set(doc)):
        raise LoadError(name, f"the JSON holds no tweets (an object with keys {sorted(doc)[:8]}; expected twarc2 "
                              f"response pages or flattened tweets)")
    col = TweetCollector(name, FORMAT)
    for _line, value, error in entries:
        if error is not None:
            col.bad_record(col.next_row(), f"<{error}>", error)
        else:
            _read_value(value, col, top=True)
    if col.n_records == 0 and not is_lines and not (isinstance(entries[0][1], dict) and "meta" in entries[0][1]):
        raise LoadError(name, "the JSON holds no tweets (expected twarc2 response pages or flattened tweets)")
    parsed = build(col, options)
    parsed.info["layout"] = "JSON Lines" if is_lines else "JSON document"
    return parsed
