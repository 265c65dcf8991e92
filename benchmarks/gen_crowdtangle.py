"""Write a large synthetic CrowdTangle Historical Data CSV (2024 layout, 41 columns) for timing the reader.

Usage::

    python benchmarks/gen_crowdtangle.py OUT.csv [--rows 100000] [--seed 1] [--measure]

The content is invented (20 made-up pages). Rows mix the layout's quirks so the reader does
its real work: quoted thousands separators, ``N/A``, empty follower counts, ``EDT``/``EST``
suffixes and multi-line messages. ``--measure`` reads the file once with
``kommunsocial.io.read_file`` and prints rows per second.
"""

from __future__ import annotations

import argparse
import csv
import random
import time
from datetime import datetime, timedelta
from pathlib import Path

WEIGHTED = ("Total Interactions (weighted  \u2014  Likes 1x Shares 1x Comments 1x Love 1x Wow 1x Haha 1x Sad 1x "
            "Angry 1x Care 1x )")
HEADER = ["Page Name", "User Name", "Facebook Id", "Page Category", "Page Admin Top Country", "Page Description",
          "Page Created", "Likes at Posting", "Followers at Posting", "Post Created", "Post Created Date",
          "Post Created Time", "Type", "Total Interactions", "Likes", "Comments", "Shares", "Love", "Wow", "Haha", "Sad",
          "Angry", "Care", "Video Share Status", "Is Video Owner?", "Post Views", "Total Views",
          "Total Views For All Crossposts", "Video Length", "URL", "Message", "Link", "Final Link", "Image Text",
          "Link Text", "Description", "Sponsor Id", "Sponsor Name", "Sponsor Category", WEIGHTED,
          "Overperforming Score"]
TYPES = ["Photo", "Link", "Status", "Native Video", "Live Video Complete", "YouTube", "Album"]
WORDS = ("kommun kommune vägarbete skola bibliotek snöröjning brøyting høring sommarlov badplats kollektivtrafik "
         "avfall återvinning öppettider evenemang konsert idrott vatten avlopp").split()


def _eastern_suffix(moment: datetime) -> str:
    """EDT between the second Sunday of March and the first Sunday of November (US rules since 2007)."""
    year = moment.year
    march = datetime(year, 3, 8) + timedelta(days=(6 - datetime(year, 3, 8).weekday()) % 7, hours=2)
    november = datetime(year, 11, 1) + timedelta(days=(6 - datetime(year, 11, 1).weekday()) % 7, hours=2)
    return "EDT" if march <= moment < november else "EST"


def _thousands(n: int) -> str:
    return f"{n:,}"


def generate(path: Path, rows: int = 100_000, seed: int = 1) -> Path:
    rng = random.Random(seed)
    pages = [(f"Påhittby {i} kommun", f"pahittby{i}", str(100070000000000 + i * 7919), rng.choice(["SE", "NO"]))
             for i in range(20)]
    start = datetime(2023, 1, 1)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(HEADER)
        for n in range(rows):
            name, handle, page_id, country = pages[n % len(pages)]
            moment = start + timedelta(seconds=rng.randrange(0, 2 * 365 * 86400))
            kind = rng.choice(TYPES)
            likes, comments, shares = rng.randrange(0, 3000), rng.randrange(0, 400), rng.randrange(0, 300)
            other = [rng.randrange(0, 200) for _ in range(6)]
            total = likes + comments + shares + sum(other)
            video = "Video" in kind or kind == "YouTube"
            views = rng.randrange(0, 20000) if video else 0
            followers = "" if rng.random() < 0.05 else str(10000 + n % 5000)
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(3, 30)))
            if rng.random() < 0.2:
                text += "\nMer information på webben."
            out.writerow([
                name, handle, page_id, "GOVERNMENT_ORGANIZATION", country, f"Officiell sida för {name}.",
                "2011-03-14 09:12:45", followers and str(int(followers) - 900), followers,
                f"{moment:%Y-%m-%d %H:%M:%S} {_eastern_suffix(moment)}", f"{moment:%Y-%m-%d}", f"{moment:%H:%M:%S}",
                kind, _thousands(total), likes, comments, shares, *other, "owned" if video else "",
                "Yes" if video else "-", views, views, views, "00:01:30" if video else "N/A",
                f"https://www.facebook.com/{page_id}/posts/{800000000000000 + n}", text,
                "", "", "", "", "", "", "", "", _thousands(total), f"{rng.uniform(-3, 3):.2f}",
            ])
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--measure", action="store_true", help="read the file once and print rows/s")
    args = parser.parse_args(argv)
    generate(args.out, args.rows, args.seed)
    print(f"wrote {args.rows} rows to {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")
    if args.measure:
        from kommunsocial.io import read_file

        t0 = time.perf_counter()
        parsed = read_file(args.out)
        seconds = time.perf_counter() - t0
        print(f"read_file: {len(parsed.posts)} posts, {len(parsed.quarantine)} quarantined in {seconds:.2f} s "
              f"= {args.rows / seconds:,.0f} rows/s")


if __name__ == "__main__":
    main()
