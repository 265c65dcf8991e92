"""X API v2 tweets as ``twarc2 search`` saves them: JSON Lines of response pages, or flattened.

One collection per page, as ``twarc2 search --archive "(from:handle OR to:handle)"`` makes it:
the page's posts are tweets by the page's account, comments are replies in the post's
conversation (``conversation_id`` = the post, ``referenced_tweets: [{"type": "replied_to", "id":
parent}]``, ``in_reply_to_user_id`` = the parent's author), newest first.

* ``layout="pages"``: one API response per line, 100 tweets in ``data``, their authors (and the
  users replied to) in ``includes.users``, media in ``includes.media``, ``meta``, and twarc's
  ``__twarc`` with the request URL (which names the pages' accounts).
* ``layout="flat"``: one tweet per line as ``twarc2 flatten`` writes it, ``author`` and
  ``in_reply_to_user`` expanded inline.

Values as the API gives them: ``public_metrics`` ``like_count`` = ``n_reactions`` (X has one
reaction), ``reply_count`` = ``n_comments`` / ``n_replies``, ``retweet_count`` = ``n_shares``
(``quote_count`` 0), ``impression_count`` = ``n_views`` when known; text with ``& < >`` escaped
as ``&amp; &lt; &gt;``, and a text longer than 280 characters cut there with the whole in
``note_tweet``. ``post_type``: photo, album → a photo media key; video, live, reel → a video;
link, event → an URL entity; other → a poll; status → nothing attached.

What X cannot carry: per-type reactions (``n_love`` …), ``followers_at_posting`` (the account's
``followers_count`` is the count when collected: it goes to ``pages.followers``), municipality
codes, countries and populations; an event post comes back as a link, an album as a photo, live
and reel as video. Tweet and user ids are numbers: :func:`as_tweets` renumbers a Facebook-shaped
corpus (``<page>_<post>`` ids) into snowflake ids first.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import SchemaError
from ._common import authors, count, json_text, present

__all__ = ["write", "as_tweets", "TWITTER_EPOCH_MS"]

#: Milliseconds since 1970 of X's snowflake epoch (2010-11-04 01:42:54.657 UTC).
TWITTER_EPOCH_MS = 1288834974657
PAGE_SIZE = 100
_SEARCH = "https://api.twitter.com/2/tweets/search/all"
_TEXT_LIMIT = 280
_LANG = {"SE": "sv", "NO": "no", "DK": "da", "FI": "fi"}
_MEDIA = {"photo": ("3", "photo"), "album": ("3", "photo"), "video": ("7", "video"), "live": ("7", "video"),
          "reel": ("7", "video")}
_URL_IN_TEXT = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:se|no|dk|fi|com|org)(?:/\S*)?")
_DIGITS = re.compile(r"\d{1,25}")


def _ms(times: pd.Series) -> pd.Series:
    return (pd.to_datetime(times, utc=True) - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(milliseconds=1)


def as_tweets(pages: pd.DataFrame, posts: pd.DataFrame, comments: pd.DataFrame):
    """A corpus with X's ids: every post and comment gets a snowflake id made from its creation time
    (milliseconds since X's epoch, shifted 22 bits) and its row number, so ids sort by time as on X;
    ``post_id``, ``parent_id``, ``platform`` and ``url`` follow. Page and user ids that are digits
    already stay as they are.

    Returns
    -------
    (pages, posts, comments) : new tables.

    Raises
    ------
    SchemaError : a comment whose post or parent is not in the tables (naming column and rows).
    """
    n = len(posts)
    since = pd.concat([_ms(posts["created_at"]), _ms(comments["created_at"])], ignore_index=True)
    sequence = pd.Series(range(n + len(comments))) % (1 << 22)
    ids = (((since - TWITTER_EPOCH_MS).clip(lower=0) * (1 << 22)) + sequence).astype(str).astype("string")
    if ids.duplicated().any():
        raise SchemaError("posts", "two tweets of the same millisecond got the same id; renumbering needs fewer than "
                                   f"{1 << 22:,} tweets per millisecond", column="created_at")
    post_ids = dict(zip(posts["post_id"], ids[:n]))
    comment_ids = dict(zip(comments["comment_id"], ids[n:]))
    handles = dict(zip(pages["page_id"], pages["handle"] if "handle" in pages else pages["page_id"]))
    posts = posts.assign(post_id=ids[:n].to_numpy(), platform="x")
    if "url" in posts:
        posts["url"] = [f"https://x.com/{handles.get(p)}/status/{t}" for p, t in zip(posts["page_id"],
                                                                                  posts["post_id"])]
    new_post, new_parent = comments["post_id"].map(post_ids), comments["parent_id"].map(comment_ids)
    for col, new in (("post_id", new_post), ("parent_id", new_parent)):
        lost = (new.isna() & comments[col].notna()).to_numpy(dtype=bool)
        if lost.any():  # a link to nothing would silently become a top-level comment or lose its post
            raise SchemaError("comments", f"{comments[col][lost].iloc[0]!r} is not in the "
                                          f"{'posts' if col == 'post_id' else 'comments'} table", column=col,
                              rows=(np.flatnonzero(lost) + 1).tolist())
    comments = comments.assign(comment_id=ids[n:].to_numpy(), post_id=new_post.astype("string"),
                               parent_id=new_parent.astype("string"), platform="x")
    return pages.assign(platform="x"), posts, comments


def _check_ids(frame: pd.DataFrame, table: str, columns) -> None:
    for col in columns:
        if col not in frame:
            continue
        values = frame[col].astype("string")
        bad = (values.notna() & ~values.str.fullmatch(_DIGITS.pattern)).to_numpy(dtype=bool)
        if bad.any():
            raise SchemaError(table, f"X ids are numbers, found {values[bad].iloc[0]!r}; renumber the corpus with "
                                     f"kommunsocial.io.write.as_tweets first", column=col,
                              rows=(np.flatnonzero(bad) + 1).tolist())


def _time(ms: int) -> str:
    return pd.Timestamp(ms, unit="ms", tz="UTC").strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def _escape(text: str) -> str:
    # the API escapes exactly these three in tweet text, & first so the others are not escaped twice
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _text_fields(text) -> dict:
    text = _escape(text) if present(text) else ""
    if len(text) <= _TEXT_LIMIT:
        return {"text": text}
    return {"text": text[:_TEXT_LIMIT], "note_tweet": {"text": text}}


def _metrics(likes, replies, retweets, views) -> dict:
    out = {}
    for key, value in (("retweet_count", retweets), ("reply_count", replies), ("like_count", likes)):
        if count(value) is not None:
            out[key] = count(value)
    out["quote_count"] = 0
    out["bookmark_count"] = 0
    if count(views) is not None:
        out["impression_count"] = count(views)
    return out


def _user(uid, username, name, followers=None) -> dict:
    user = {"id": uid, "name": name if present(name) else username, "username": username}
    if count(followers) is not None:
        user["public_metrics"] = {"followers_count": count(followers), "following_count": 0, "tweet_count": 0,
                                  "listed_count": 0}
    return user


def _tweets(page: pd.Series, posts: pd.DataFrame, comments: pd.DataFrame, users: dict, lang: str) -> list:
    """``(ms, tweet, author id, replied-to user id, media)`` of one page's posts and their comments."""
    out = []
    views = posts["n_views"] if "n_views" in posts else pd.Series(None, index=posts.index)
    likes = posts["n_reactions"] if "n_reactions" in posts else posts.get("n_likes")
    for p, ms, n_like, n_view in zip(posts.itertuples(index=False), _ms(posts["created_at"]), likes, views):
        tweet = {"id": p.post_id, "author_id": page["page_id"], "conversation_id": p.post_id,
                 "created_at": _time(ms), **_text_fields(p.text), "edit_history_tweet_ids": [p.post_id], "lang": lang,
                 "public_metrics": _metrics(n_like, getattr(p, "n_comments", None), getattr(p, "n_shares", None),
                                            n_view),
                 "reply_settings": "everyone", "possibly_sensitive": False}
        media = None
        if p.post_type in _MEDIA:
            prefix, kind = _MEDIA[p.post_type]
            media = {"media_key": f"{prefix}_{p.post_id}", "type": kind}
            tweet["attachments"] = {"media_keys": [media["media_key"]]}
        elif p.post_type in ("link", "event"):
            found = _URL_IN_TEXT.search(p.text) if present(p.text) else None
            expanded = found.group(0) if found else "https://www.example.org/"
            expanded = expanded if expanded.startswith("http") else f"https://{expanded}"
            tweet["entities"] = {"urls": [{"start": 0, "end": 23, "url": f"https://t.co/{p.post_id[-10:]}",
                                           "expanded_url": expanded, "display_url": expanded.split("//", 1)[1]}]}
        elif p.post_type == "other":
            tweet["attachments"] = {"poll_ids": [p.post_id]}
        out.append((ms, tweet, page["page_id"], None, media))
    ids, names = authors(comments)
    author_of = dict(zip(comments["comment_id"], ids))
    for uid, name in zip(ids, names):
        if uid is not None and uid not in users:
            users[uid] = _user(uid, f"u{uid}", name)
    likes = comments["n_likes"] if "n_likes" in comments else pd.Series(None, index=comments.index)
    replies = comments["n_replies"] if "n_replies" in comments else pd.Series(None, index=comments.index)
    for c, ms, uid, n_like, n_rep in zip(comments.itertuples(index=False), _ms(comments["created_at"]), ids, likes,
                                         replies):
        parent = c.parent_id if present(c.parent_id) else c.post_id
        to_user = author_of.get(parent) if present(c.parent_id) else page["page_id"]
        tweet = {"id": c.comment_id, "author_id": uid, "conversation_id": c.post_id, "created_at": _time(ms),
                 **_text_fields(c.text), "edit_history_tweet_ids": [c.comment_id], "lang": lang,
                 "referenced_tweets": [{"type": "replied_to", "id": parent}],
                 "public_metrics": _metrics(n_like, n_rep, 0, None), "reply_settings": "everyone",
                 "possibly_sensitive": False}
        if to_user is not None:
            tweet["in_reply_to_user_id"] = to_user
        out.append((ms, tweet, uid, to_user, None))
    out.sort(key=lambda t: (-t[0], t[1]["id"]))  # a search returns the newest tweet first
    return out


def _twarc(handle: str, retrieved: str) -> dict:
    query = f"%28from%3A{handle}+OR+to%3A{handle}%29"
    return {"url": f"{_SEARCH}?query={query}&max_results={PAGE_SIZE}&expansions=author_id%2Cin_reply_to_user_id"
                   f"%2Creferenced_tweets.id%2Cattachments.media_keys&tweet.fields=created_at%2Cconversation_id"
                   f"%2Cpublic_metrics%2Centities%2Clang%2Cnote_tweet",
            "version": "2.14.0", "retrieved_at": retrieved}


def write(pages: pd.DataFrame, posts: pd.DataFrame, comments: pd.DataFrame, folder: Path, *,
          layout: str = "pages", name: str = "tweets.jsonl") -> list[Path]:
    """Write every page's collection into ``folder/tweets.jsonl``.

    Parameters
    ----------
    pages : ``page_id`` (the account's user id), ``page_name``, ``handle`` (the username; else
        ``page`` + id), ``followers`` and ``country`` (the tweets' ``lang``) when known.
    posts, comments : data-model tables with numeric ids (see :func:`as_tweets`); comments may carry
        ``author_platform_id`` / ``author_name`` (else ``author_id`` is the user id).
    layout : ``"pages"`` (twarc2 response pages) or ``"flat"`` (``twarc2 flatten``).

    Raises
    ------
    SchemaError : an id that is not a number, naming the table, column and rows.
    """
    if layout not in ("pages", "flat"):
        raise ValueError(f"unknown X layout {layout!r}; available: 'pages', 'flat'")
    _check_ids(pages, "pages", ["page_id"])
    _check_ids(posts, "posts", ["post_id", "page_id"])
    _check_ids(comments, "comments", ["comment_id", "post_id", "parent_id",
                                      "author_platform_id" if "author_platform_id" in comments else "author_id"])
    latest = max(_ms(posts["created_at"]).max() if len(posts) else 0,
                 _ms(comments["created_at"]).max() if len(comments) else 0)
    retrieved = pd.Timestamp(int(latest) + 86_400_000, unit="ms", tz="UTC").strftime("%Y-%m-%dT%H:%M:%S+00:00")
    page_of = dict(zip(posts["post_id"], posts["page_id"]))
    comments_by_page = comments.groupby(comments["post_id"].map(page_of), sort=False)
    lines = []
    for _, page in pages.sort_values("page_id").iterrows():
        page_posts = posts[posts["page_id"] == page["page_id"]]
        if not len(page_posts):
            continue
        handle = page["handle"] if present(page.get("handle")) else f"page{page['page_id']}"
        users = {page["page_id"]: _user(page["page_id"], handle, page.get("page_name"), page.get("followers"))}
        page_comments = (comments_by_page.get_group(page["page_id"]) if page["page_id"] in comments_by_page.groups
                         else comments.iloc[:0])
        tweets = _tweets(page, page_posts, page_comments, users, _LANG.get(page.get("country"), "und"))
        twarc = _twarc(handle, retrieved)
        if layout == "flat":
            for _ms_, tweet, uid, to_user, media in tweets:
                flat = {**tweet, "author": users[uid]}
                if to_user is not None:
                    flat["in_reply_to_user"] = users[to_user]
                if media is not None:
                    flat["attachments"] = {**tweet["attachments"], "media": [media]}
                lines.append(json_text({**flat, "__twarc": twarc}))
            continue
        for start in range(0, len(tweets), PAGE_SIZE):
            chunk = tweets[start:start + PAGE_SIZE]
            shown = dict.fromkeys([page["page_id"]] + [u for _, _, a, r, _ in chunk for u in (a, r) if u])
            media = [m for *_, m in chunk if m is not None]
            response = {"data": [t for _, t, *_ in chunk],
                        "includes": {"users": [users[u] for u in shown], **({"media": media} if media else {})},
                        "meta": {"result_count": len(chunk), "newest_id": chunk[0][1]["id"],
                                 "oldest_id": chunk[-1][1]["id"]}, "__twarc": twarc}
            if start + PAGE_SIZE < len(tweets):
                response["meta"]["next_token"] = f"b26v89c19zqg8o3f{start + PAGE_SIZE:08d}"
            lines.append(json_text(response))
    path = Path(folder) / name
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return [path]
