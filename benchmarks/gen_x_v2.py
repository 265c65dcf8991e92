"""Write a large invented X API v2 JSONL file to measure the x_v2 reader's throughput.

Usage::

    python benchmarks/gen_x_v2.py OUT.jsonl [--tweets 100000] [--layout pages|flat] [--time]

``pages`` writes twarc2 response pages (100 tweets per line with ``includes.users``), ``flat``
one flattened tweet per line with ``author`` expanded. Every tenth tweet is a page post; the rest
are replies in those posts' conversations (a third of them replies to replies, some by the page),
retweets and quote tweets. All content is invented. With ``--time`` the file is then read with
``kommunsocial.io.read_file`` and the rate in tweets per second is printed.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from datetime import datetime, timedelta, timezone

PAGE = {"id": "218834112", "username": "sjovikskommun", "name": "Sjöviks kommun",
        "public_metrics": {"followers_count": 6412, "following_count": 388, "tweet_count": 9120, "listed_count": 97}}
URL = ("https://api.twitter.com/2/tweets/search/all?query=%28from%3Asjovikskommun+OR+to%3Asjovikskommun%29"
       "&max_results=100")
WORDS = ("kommun skola väg snö buss bibliotek park avgift sommar fritids förskola bygglov vatten "
         "tack fråga svar när varför hur hej bra dåligt idag imorgon").split()


def _user(i: int) -> dict:
    return {"id": str(1500000000000000000 + i), "username": f"invented_user_{i}", "name": f"Påhittad Person{i}",
            "public_metrics": {"followers_count": i % 500, "following_count": 10, "tweet_count": 100,
                               "listed_count": 0}}


def generate(n: int, seed: int = 7):
    """Yield ``(tweet, author)`` pairs: n invented tweets in time order."""
    rng = random.Random(seed)
    start = datetime(2023, 1, 1, tzinfo=timezone.utc)
    posts, recent = [], []
    for i in range(n):
        tid = str(1700000000000000000 + i * 7919)
        when = (start + timedelta(seconds=60 * i)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 30)))
        metrics = {"retweet_count": rng.randint(0, 20), "reply_count": rng.randint(0, 30),
                   "like_count": rng.randint(0, 300), "quote_count": rng.randint(0, 5),
                   "bookmark_count": rng.randint(0, 5), "impression_count": rng.randint(0, 20000)}
        tweet = {"id": tid, "edit_history_tweet_ids": [tid], "created_at": when, "lang": "sv",
                 "public_metrics": metrics, "reply_settings": "everyone", "possibly_sensitive": False}
        if i % 10 == 0 or not posts:
            author = PAGE
            tweet.update(text=text + " https://t.co/x", conversation_id=tid,
                         entities={"urls": [{"url": "https://t.co/x", "expanded_url": "https://www.sjovik.se/x"}]})
            if i % 30 == 0:
                tweet["attachments"] = {"media_keys": [f"3_{tid}"]}
            posts.append(tid)
            recent = [tid]
        else:
            kind = rng.random()
            author = _user(rng.randint(0, 5000))
            root = rng.choice(posts[-20:])
            if kind < 0.08:
                tweet.update(text="RT @sjovikskommun: " + text, conversation_id=tid,
                             referenced_tweets=[{"type": "retweeted", "id": root}])
            elif kind < 0.12:
                tweet.update(text=text, conversation_id=tid, referenced_tweets=[{"type": "quoted", "id": root}])
            else:
                parent = rng.choice(recent) if kind > 0.6 and recent else root
                if kind > 0.85:
                    author = PAGE
                tweet.update(text=f"@someone {text}", conversation_id=root,
                             referenced_tweets=[{"type": "replied_to", "id": parent}],
                             in_reply_to_user_id=author["id"])
                if parent == root or rng.random() < 0.5:
                    recent = (recent + [tid])[-10:]
        tweet["author_id"] = author["id"]
        yield tweet, author


def write(path: str, n: int, layout: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        if layout == "flat":
            for tweet, author in generate(n):
                fh.write(json.dumps({**tweet, "author": author, "__twarc": {"url": URL, "version": "2.14.0"}},
                                    ensure_ascii=False) + "\n")
            return
        batch, users = [], {}
        for tweet, author in generate(n):
            batch.append(tweet)
            users[author["id"]] = author
            if len(batch) == 100:
                fh.write(json.dumps(_page(batch, users), ensure_ascii=False) + "\n")
                batch, users = [], {}
        if batch:
            fh.write(json.dumps(_page(batch, users), ensure_ascii=False) + "\n")


def _page(batch, users):
    return {"data": batch, "includes": {"users": list(users.values())},
            "meta": {"result_count": len(batch), "newest_id": batch[-1]["id"], "oldest_id": batch[0]["id"]},
            "__twarc": {"url": URL, "version": "2.14.0", "retrieved_at": "2024-03-14T09:31:07+00:00"}}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--tweets", type=int, default=100_000)
    parser.add_argument("--layout", choices=("pages", "flat"), default="pages")
    parser.add_argument("--time", action="store_true", help="read the file back and print tweets per second")
    args = parser.parse_args(argv)
    write(args.out, args.tweets, args.layout)
    print(f"wrote {args.tweets} tweets ({args.layout}) to {args.out}")
    if args.time:
        from kommunsocial.io import read_file

        t0 = time.perf_counter()
        parsed = read_file(args.out)
        seconds = time.perf_counter() - t0
        info = parsed.info
        print(f"read_file: {seconds:.2f} s, {info['records'] / seconds:,.0f} tweets/s; {len(parsed.posts)} posts, "
              f"{len(parsed.comments)} comments, {info['retweets']} retweets, {info['quotes']} quotes, "
              f"{len(parsed.quarantine)} quarantined")


if __name__ == "__main__":
    main()
