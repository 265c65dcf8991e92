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
One rule for every file type (raw pages, flattened lines, ``twarc2 csv`` rows), decided from the
records alone, never from context tweets, which a ``twarc2 csv`` file does not carry: the same
tweets give the same pages, posts and comments whichever file they come in.

1. ``options["account"]`` (a handle with or without ``@``, a numeric user id, or a list of them)
   names the pages; ``options["mapping"]["account"]`` is read too, because :func:`kommunsocial.load`
   only passes a mapping to readers. ``kommunsocial ingest --account``, ``make ACCOUNTS=`` and the X
   rows of a ``pages.csv`` fill it. A named account that this file does not know is listed in
   ``info["accounts_not_found"]``; one that no file of a load knows is an error there.
2. Else the collection's own query, from ``__twarc.url``: ``from:handle`` / ``to:handle`` operators
   of a search, or the user id of a ``/2/users/{id}/tweets|mentions|timelines`` request.
3. Else (a keyword search): the authors of the original tweets (not a reply, not a retweet) among
   the records. They are whoever wrote about the keyword, not municipalities: ingest warns, and
   the manifest's ``missing`` and report 01 say so, until the accounts are named.

``info["pages_rule"]`` says which rule decided, ``info["pages_named"]`` whether it was 1 or 2.

What becomes what
-----------------
* **post**: an original tweet (not a reply, not a retweet) by a page. A page's quote tweet is a
  post too (it is a new tweet on the page's timeline, with its own text and metrics).
  ``post_type``: ``video`` (video or animated GIF attached), ``photo`` (photos), ``other`` (a poll),
  ``link`` (an external URL, or a quote tweet: it embeds another tweet), else ``status``.
* **comment**: any reply (a ``replied_to`` reference, or a ``conversation_id`` other than its own
  id). ``post_id`` is the ``conversation_id`` (the thread's first tweet), ``parent_id`` the tweet
  replied to, or null when that is the post itself. A page's own replies are comments with
  ``author_is_page`` True when the author wrote the thread's post; others' False (NA when the
  file cannot tell: the thread's post is not in the file, so the loader decides by id).
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
* Context tweets (see above) are used only when the pages are named (rules 1–2), and only when
  they are posts or comments the records do not hold themselves (typically the page's post that
  the collected replies answer), a comment only in a thread whose post the file holds (else it
  would be quarantined though it is no record of the file); ``info["from_context"]`` counts them. A ``twarc2 csv`` file has no
  context tweets (unless written with ``--inline-referenced-tweets``, which makes them rows): such a
  post is then read from the JSON only. So ``info["records"]`` = posts + comments
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

import re
from pathlib import Path

from ..errors import LoadError
from ._csv import unreadable
from ._json import head_text, load_json_entries
from ._tables import Parsed
from ._tweets import TweetCollector, add_user_object, build, listed, referenced_objects, users_in_tweet

FORMAT = "x_v2"

__all__ = ["FORMAT", "sniff", "read"]


def _key(name: str) -> re.Pattern:
    return re.compile(r'"%s"\s*:' % re.escape(name))


_SNIFF_AUTHOR = _key("author_id")
_SNIFF_CREATED = _key("created_at")
_SNIFF_TWARC = _key("__twarc")
_SNIFF_TWEETISH = [_key("conversation_id"), _key("edit_history_tweet_ids"), _key("public_metrics"),
                   _key("referenced_tweets")]


def sniff(head: bytes, name: str) -> bool:
    """JSON whose objects carry X v2 tweet keys (``author_id`` and ``created_at`` and a tweet-only
    key such as ``conversation_id``), or twarc's ``__twarc`` provenance key."""
    text = head_text(head)
    if not text or text[0] not in "{[":
        return False
    if _SNIFF_TWARC.search(text):
        return True
    return bool(_SNIFF_AUTHOR.search(text) and _SNIFF_CREATED.search(text)
                and any(p.search(text) for p in _SNIFF_TWEETISH))


def _read_page(page: dict, col: TweetCollector):
    """One API response page: ``data`` tweets are records, ``includes.tweets`` context."""
    col.add_url(page.get("__twarc"))
    includes = page.get("includes") if isinstance(page.get("includes"), dict) else {}
    media = {}
    for m in listed(includes.get("media")):
        if isinstance(m, dict) and isinstance(m.get("media_key"), str):
            media[m["media_key"]] = m.get("type")
    for u in listed(includes.get("users")):
        add_user_object(col.users, u)
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
            users_in_tweet(col.users, t)
    first = rows[0][0] if rows else max(col.n_records, 1)
    # a context tweet is traced to the first record of the page that refers to it
    refers = {}
    for row, t in rows:
        if isinstance(t, dict):
            for key in [t.get("conversation_id")] + [r.get("id") for r in listed(t.get("referenced_tweets"))
                                                      if isinstance(r, dict)]:
                if isinstance(key, str):
                    refers.setdefault(key, row)
    for t in listed(includes.get("tweets")):
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
        users_in_tweet(col.users, value)
        for ref in referenced_objects(value):
            users_in_tweet(col.users, ref)
            col.add_context(ref, row, {})
    elif isinstance(value, list) and top:
        for item in value:
            _read_value(item, col, top=False)
    else:
        col.bad_record(col.next_row(), unreadable(value), "not a tweet or an API response page")


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
