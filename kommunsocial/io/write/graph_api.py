"""Facebook Graph API responses as a collecting script saves them.

Posts are saved pages of ``GET /{page-id}/posts`` responses (one JSON array of responses in
``posts.json``, or one response per line in ``posts.jsonl``, as a collector that appends each page
of results writes it); comments are one
``GET /{post-id}?fields=comments.filter(toplevel){...,comments{...}}`` node per post and line in
``comments.jsonl``, replies nested under their top-level comment.

What the responses cannot carry: ``followers_at_posting``, ``n_views``, ``lang`` and the pages'
municipality codes, countries and populations (the user adds those in ``pages.csv``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._common import authors, count, json_text, present

__all__ = ["write"]

_GRAPH = "https://graph.facebook.com/v19.0"
_REACTIONS = ("like", "love", "care", "haha", "wow", "sad", "angry")
_POST_FIELDS = ("id,created_time,from,message,permalink_url,status_type,attachments{type},shares,"
                "reactions.summary(total_count).limit(0),"
                + ",".join(f"reactions.type({t.upper()}).limit(0).summary(total_count).as({t})" for t in _REACTIONS)
                + ",comments.summary(total_count).limit(0)")
#: data-model post type -> the API's status_type and first attachment type (None: no attachment)
_STATUS_TYPE = {"photo": "added_photos", "video": "added_video", "link": "shared_story",
                "status": "mobile_status_update", "event": "created_event", "album": "added_photos",
                "live": "added_video", "reel": "added_video"}
_ATTACHMENT = {"photo": "photo", "video": "video_inline", "link": "share", "event": "event", "album": "album",
               "live": "video_inline", "reel": "video_inline"}
#: posts per response page, as the collector asked for (``limit=100``)
PAGE_SIZE = 100


def _times(times: pd.Series) -> list[str]:
    """Times as the API writes them: UTC with a ``+0000`` offset."""
    return pd.to_datetime(times, utc=True).dt.strftime("%Y-%m-%dT%H:%M:%S+0000").tolist()


def _summary(n: int, viewer: bool = False) -> dict:
    """A reaction edge asked for with ``limit(0).summary(total_count)`` (only the edge of all
    reactions says how the viewer reacted)."""
    return {"data": [], "summary": {"total_count": n, "viewer_reaction": "NONE"} if viewer else {"total_count": n}}


def _post(p, when: str, page_name) -> dict:
    """One post object of a ``/{page-id}/posts`` response; a missing count is left out."""
    rec = {"id": p.post_id, "created_time": when, "from": {"name": page_name, "id": p.page_id}}
    if present(p.text) and p.text:
        rec["message"] = p.text
    url = getattr(p, "url", None)
    if present(url):
        rec["permalink_url"] = url
    if p.post_type in _STATUS_TYPE:
        rec["status_type"] = _STATUS_TYPE[p.post_type]
    if p.post_type in _ATTACHMENT:
        rec["attachments"] = {"data": [{"type": _ATTACHMENT[p.post_type]}]}
    if count(getattr(p, "n_shares", None)):  # the API leaves out shares when there are none
        rec["shares"] = {"count": int(p.n_shares)}
    total = count(getattr(p, "n_reactions", None))
    if total is not None:
        rec["reactions"] = _summary(total, viewer=True)
    for t in _REACTIONS:
        n = count(getattr(p, "n_likes" if t == "like" else f"n_{t}", None))
        if n is not None:
            rec[t] = _summary(n)
    n = count(getattr(p, "n_comments", None))
    if n is not None:
        rec["comments"] = {"data": [], "summary": {"order": "ranked", "total_count": n, "can_comment": True}}
    return rec


def _write_posts(pages: pd.DataFrame, posts: pd.DataFrame, path: Path, *, lines: bool) -> Path:
    names = dict(zip(pages["page_id"], pages["page_name"]))
    responses = []
    for page_id, group in posts.groupby("page_id", sort=True):
        records = [_post(p, when, names.get(page_id)) for p, when in
                   zip(group.itertuples(index=False), _times(group["created_at"]))]
        url = f"{_GRAPH}/{page_id}/posts?fields={_POST_FIELDS}&limit={PAGE_SIZE}"
        for start in range(0, len(records), PAGE_SIZE):
            chunk = records[start:start + PAGE_SIZE]
            paging = {"cursors": {"before": f"b{start}", "after": f"a{start + len(chunk)}"}}
            if start + PAGE_SIZE < len(records):
                paging["next"] = f"{url}&after=a{start + len(chunk)}"
            if start:
                paging["previous"] = f"{url}&before=b{start}"
            responses.append({"data": chunk, "paging": paging})
    if lines:
        path.write_text("".join(json_text(r) + "\n" for r in responses), encoding="utf-8")
    else:
        path.write_text(json_text(responses) + "\n", encoding="utf-8")
    return path


def _write_comments(comments: pd.DataFrame, path: Path) -> Path:
    c = comments
    ids, names = authors(c)
    parents = c["parent_id"].astype(object).where(c["parent_id"].notna(), None).tolist()
    likes = c["n_likes"].tolist() if "n_likes" in c else [None] * len(c)
    n_replies = c["n_replies"].tolist() if "n_replies" in c else [None] * len(c)
    records = []
    for cid, t, name, uid, text, n_like, n_rep in zip(c["comment_id"].tolist(), _times(c["created_at"]), names, ids,
                                                       c["text"].tolist(), likes, n_replies):
        rec = {"id": cid, "created_time": t}
        if uid is not None:  # the API leaves out "from" when the commenter's profile is not visible
            rec["from"] = {"name": name, "id": uid} if name is not None else {"id": uid}
        rec["message"] = text if present(text) else ""
        for key, value in (("like_count", count(n_like)), ("comment_count", count(n_rep))):
            if value is not None:
                rec[key] = value
        records.append(rec)
    # threads in order of their first comment; replies under their top-level comment, in order
    tops, replies = {}, {}
    for i, (post_id, parent) in enumerate(zip(c["post_id"].tolist(), parents)):
        tops.setdefault(post_id, [])
        if parent is None:
            tops[post_id].append(i)
        else:
            replies.setdefault((post_id, parent), []).append(i)
            records[i]["parent"] = {"id": parent}
    lines = []
    for post_id, top in tops.items():
        data = []
        for i in top:
            rec = records[i]
            below = replies.get((post_id, rec["id"]))
            if below:
                rec["comments"] = {"data": [records[j] for j in below]}
            data.append(rec)
        lines.append(json_text({"comments": {"data": data}, "id": post_id}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write(pages: pd.DataFrame, posts: pd.DataFrame, comments: pd.DataFrame, folder: Path, *,
          posts_jsonl: bool = False) -> list[Path]:
    """Write ``posts.json`` (or ``posts.jsonl``) and ``comments.jsonl`` in ``folder``.

    Parameters
    ----------
    pages : needs ``page_id`` and ``page_name`` (the posts' ``from``).
    posts, comments : data-model tables; comments may carry the commenters' ``author_platform_id``
        and ``author_name`` (else ``author_id`` is written as the id). Shares are left out when a
        post has none, as the API does (the request URL in ``paging`` says they were asked for).
    posts_jsonl : one response per line instead of one JSON array.

    Returns
    -------
    list of Path : the two files.
    """
    folder = Path(folder)
    posts_path = _write_posts(pages, posts, folder / ("posts.jsonl" if posts_jsonl else "posts.json"),
                              lines=posts_jsonl)
    return [posts_path, _write_comments(comments, folder / "comments.jsonl")]
