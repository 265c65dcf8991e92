"""Tweets, whichever layout of X API v2 they come in (JSON pages and flattened tweets read by
:mod:`.x_v2`, the ``twarc2 csv`` rows read by :mod:`.twarc2`): normalised to the fields the tables
need, collected with their users, sorted into posts, comments and tweets kept apart, and built into
tables. :mod:`.x_v2` documents the rules."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pandas as pd

from ._csv import unreadable
from ._tables import Parsed, Quarantine, finish_table
from ._values import parse_counts, parse_times

__all__ = ["PERSONAL_FIELDS", "TweetCollector", "normalise", "add_user", "add_user_object", "users_in_tweet", "listed",
           "referenced_objects", "build", "KEYWORD_RULE"]

#: Raw fields that hold a private person's name or id; redacted in quarantined records.
PERSONAL_FIELDS = ("author_id", "author", "in_reply_to_user_id", "in_reply_to_user", "entities",
                   "referenced_tweets", "includes", "username", "name")

_TWEET_ID = re.compile(r"\d{1,25}")


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


def normalise(t, row: int, *, context: bool, media: dict, base: dict | None = None):
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
        # ``twarc2 flatten`` leaves a referenced tweet's media as empty objects: their keys decide then
        media_types = [m["type"] for m in expanded if isinstance(m, dict) and m.get("type")]
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


def add_user_object(users: dict, obj):
    if isinstance(obj, dict):
        metrics = obj.get("public_metrics") if isinstance(obj.get("public_metrics"), dict) else {}
        add_user(users, obj.get("id"), _text(obj.get("username")), _text(obj.get("name")),
                 metrics.get("followers_count"))


def users_in_tweet(users: dict, t: dict):
    """Users a flattened tweet carries: its author, the user replied to, mentioned users."""
    add_user_object(users, t.get("author"))
    add_user_object(users, t.get("in_reply_to_user"))
    entities = t.get("entities") if isinstance(t.get("entities"), dict) else {}
    for m in listed(entities.get("mentions")):
        if isinstance(m, dict):
            add_user(users, m.get("id"), _text(m.get("username")), _text(m.get("name")))


def listed(value) -> list:
    """``value`` when it is a list, else no items (an export's odd shape is reported where it matters)."""
    return value if isinstance(value, list) else []


def referenced_objects(t: dict, depth: int = 0):
    """Expanded tweets inside a flattened tweet's ``referenced_tweets`` (recursively)."""
    refs = t.get("referenced_tweets")
    if not isinstance(refs, list) or depth > 5:
        return
    for r in refs:
        if isinstance(r, dict) and ("text" in r or "author_id" in r):
            yield r
            yield from referenced_objects(r, depth + 1)


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
        tweet, error = normalise(t, row, context=False, media=media)
        if error:
            self.bad_record(row, t if isinstance(t, dict) else unreadable(t), error[1], error[0])
        else:
            self.records.append(tweet)

    def add_context(self, t, row: int, media: dict):
        tweet, error = normalise(t, row, context=True, media=media)
        if tweet is not None:
            self.context.append(tweet)

    def add_url(self, twarc):
        if isinstance(twarc, dict) and isinstance(twarc.get("url"), str):
            self.urls.add(twarc["url"])


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


def _resolve(accounts, users: dict) -> tuple[dict, list]:
    """The user id of each of ``accounts`` (handles or ids) this file knows, and those it does not."""
    by_handle = {u["username"].casefold(): uid for uid, u in users.items() if u.get("username")}
    found, unknown = {}, []
    for a in accounts:
        a = a.strip().lstrip("@")
        if _TWEET_ID.fullmatch(a):
            found[a] = a
        elif a.casefold() in by_handle:
            found[a] = by_handle[a.casefold()]
        else:
            unknown.append(a)
    return found, unknown


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
    return ids | set(_resolve([h for h in handles if not _TWEET_ID.fullmatch(h)], users)[0].values())


#: The rule of a collection that names no accounts: what ingest warns about (see :mod:`.x_v2`).
KEYWORD_RULE = "authors of the original tweets the collection returned (no accounts named: a keyword search)"


def find_pages(records: list, users: dict, urls, options: dict) -> tuple[set, str, bool, dict, list]:
    """The user ids of the pages, the rule that found them, whether the rule is exact, and the
    named accounts this file knows (account → user id) and does not know.

    Decided from the collection's own tweets (``records``), never from the tweets that travel with
    them as context, so that a raw response page, its flattened lines and its ``twarc2 csv`` rows
    (which carry no context tweets) give the same pages.
    """
    mapping = options.get("mapping") if isinstance(options.get("mapping"), dict) else {}
    accounts = _as_list(options.get("account") or mapping.get("account"))
    if accounts:
        # none of them here is no error: a folder may hold other accounts' files (ingest checks that
        # the named accounts occur somewhere)
        found, unknown = _resolve(accounts, users)
        return set(found.values()), "account option", True, found, unknown
    pages = _twarc_hint(urls, users)
    if pages:
        return pages, "twarc query (from:/to: or user timeline)", True, {}, []
    originals = {t["author_id"] for t in records if not t["retweeted"] and not _is_reply(t)}
    return originals, KEYWORD_RULE, False, {}, []


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
    pages, rule, exact, found, unknown = find_pages(col.records, col.users, col.urls, options)
    by_id = {}
    for t in col.records:
        by_id.setdefault(t["id"], t)
    context = []
    # context tweets (a page's post that the collected replies answer) only when the accounts are
    # known: under the keyword rule they would make pages of whoever was replied to or quoted, and
    # only the JSON carries them, so the same search would give other pages as CSV
    for t in col.context if exact else ():
        if t["id"] not in by_id:  # a record wins over an expansion copy of the same tweet
            by_id[t["id"]] = t
            context.append(t)
    everything = col.records + context

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
        if first is not None and first["context"] and first["author_id"] not in pages:
            # a thread started by someone else, known from context only: as if absent, which is
            # what the CSV of the same tweets (without context) sees
            if ctx:
                continue
            first = None
        if first is not None and first["author_id"] not in pages:
            if not ctx:
                col.bad_record(t["row"], t["raw"], f"a reply in a conversation started by an account that is not a "
                                                   f"page (conversation_id {root})", "conversation_id")
            continue
        if first is None:
            if ctx:  # a context reply is read only into a thread the file holds: else it is no record's
                continue
            counts["replies_root_not_in_file"] += 1
        # the page itself answering is its post's author; with the post in another file, the loader
        # compares the author with the post's page
        if first is not None:
            is_page = t["author_id"] == first["author_id"]
        elif by_page:
            is_page = True if exact and len(pages) == 1 else None
        else:
            is_page = False if exact else None
        parent = t["replied_to"] if t["replied_to"] != root else None
        comments.append({**t, "post_id": root, "parent_id": parent, "is_page": is_page})
        counts["from_context"] += ctx

    parsed = Parsed(info={"records": col.n_records, **counts, "pages_rule": rule, "pages_named": exact,
                          "page_ids": sorted(pages), "api_errors": col.api_errors})
    if found or unknown:
        parsed.info["accounts_found"], parsed.info["accounts_not_found"] = found, unknown
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
    # ids that normalise has already checked to be digit strings need no further parsing
    return pd.Series(values, dtype="string")


def _finish(out: pd.DataFrame, errors: dict, rows, col: TweetCollector, table: str, required) -> pd.DataFrame:
    """The table with where its rows come from, bad rows quarantined."""
    out["source_format"] = col.fmt
    out["source_file"] = col.name
    out["source_row"] = pd.array([t["row"] for t in rows], dtype="Int64")
    return finish_table(out, errors, [t["raw"] for t in rows], col.quarantine, table=table, required=required)


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
    return _finish(out, errors, rows, col, "posts", ["post_id", "page_id", "created_at"])


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
    return _finish(out, errors, rows, col, "comments", ["comment_id", "post_id", "created_at"])


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
