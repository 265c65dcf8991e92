"""Write a large synthetic Graph API collection and (optionally) time ``read_file`` on it.

Usage::

    python benchmarks/gen_graph_api.py OUT_DIR [--posts 50000] [--comments 60000] [--time]

Writes ``OUT_DIR/posts.json`` (a list of ``/{page-id}/posts`` responses, 100 posts per page,
with reaction aliases, shares, attachments) and ``OUT_DIR/comments.jsonl`` (JSON Lines, one
``/{post-id}/comments`` response per line in ``filter=toplevel`` form, each top-level comment
with one nested reply). All content is invented. With ``--time`` each file is read with
:func:`kommunsocial.io.read_file` and rows per second are printed.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

PAGE = "100064512345678"
WORDS = ("kommun vägarbete skola bibliotek simhall sommarlov snöröjning busshållplats öppet hus välkomna "
         "fullmäktige återvinning Åkerbron Ängsvägen ☀️ 🚧 ❄️ 👍").split()


def _summary(n):
    return {"data": [], "summary": {"total_count": n, "viewer_reaction": "NONE"}}


def _text(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _time(i):
    # one post per 20 minutes counting back from 2024-03-11
    secs = 1710159302 - i * 1200
    return time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(secs))


def posts(n, rng):
    out = []
    for i in range(n):
        likes, love = rng.randint(0, 500), rng.randint(0, 50)
        post = {"id": f"{PAGE}_{800000000000000 + i}", "created_time": _time(i), "message": _text(rng, 25),
                "permalink_url": f"https://www.facebook.com/{PAGE}/posts/{800000000000000 + i}",
                "status_type": rng.choice(["added_photos", "shared_story", "mobile_status_update", "added_video"]),
                "reactions": _summary(likes + love), "like": _summary(likes), "love": _summary(love),
                "comments": {"data": [], "summary": {"order": "ranked", "total_count": rng.randint(0, 60)}}}
        if rng.random() < 0.7:
            post["shares"] = {"count": rng.randint(1, 100)}
        out.append(post)
    pages = [{"data": out[k:k + 100], "paging": {"cursors": {"before": "a", "after": "b"}, "next":
              f"https://graph.facebook.com/v20.0/{PAGE}/posts?fields=id,message,shares&after=b{k}"}}
             for k in range(0, n, 100)]
    return pages


def comments(n, n_posts, rng):
    lines, made, i = [], 0, 0
    while made < n:
        post = 800000000000000 + (i % n_posts)
        data = []
        for j in range(10):
            cid = f"{post}_{1000000000000000 + i * 100 + j * 2}"
            reply = {"id": f"{post}_{1000000000000000 + i * 100 + j * 2 + 1}", "created_time": _time(i),
                     "from": {"name": "Sjöviks kommun", "id": PAGE}, "message": _text(rng, 12),
                     "like_count": rng.randint(0, 5), "comment_count": 0, "parent": {"id": cid}}
            person = rng.randint(1, 5000)
            author = {"name": f"Person {person}", "id": str(7000000000000000 + person)}
            data.append({"id": cid, "created_time": _time(i), "from": author,
                         "message": _text(rng, 15), "like_count": rng.randint(0, 30), "comment_count": 1,
                         "comments": {"data": [reply]}})
            made += 2
        lines.append({"data": data, "paging": {"cursors": {"before": "a", "after": "b"}, "next":
                      f"https://graph.facebook.com/v20.0/{PAGE}_{post}/comments?after=b"}})
        i += 1
    return lines


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--posts", type=int, default=50_000)
    ap.add_argument("--comments", type=int, default=60_000)
    ap.add_argument("--time", action="store_true")
    args = ap.parse_args(argv)
    rng = random.Random(2024)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "posts.json").write_text(json.dumps(posts(args.posts, rng), ensure_ascii=False), encoding="utf-8")
    (args.out / "comments.jsonl").write_text("".join(json.dumps(line, ensure_ascii=False) + "\n"
                                                      for line in comments(args.comments, args.posts, rng)),
                                             encoding="utf-8")
    if args.time:
        from kommunsocial.io import read_file
        total_rows = total_secs = 0
        for name in ("posts.json", "comments.jsonl"):
            start = time.perf_counter()
            parsed = read_file(args.out / name)
            secs = time.perf_counter() - start
            rows = len(parsed.posts) + len(parsed.comments) + len(parsed.quarantine)
            total_rows, total_secs = total_rows + rows, total_secs + secs
            print(f"{name}: {rows} rows in {secs:.2f} s = {rows / secs:,.0f} rows/s")
        print(f"total: {total_rows} rows, {total_rows / total_secs:,.0f} rows/s")


if __name__ == "__main__":
    main()
