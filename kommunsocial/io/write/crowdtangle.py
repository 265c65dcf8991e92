"""A CrowdTangle "Historical Data" CSV (2024 layout, 41 columns) of Facebook page posts.

Times are in the dashboard's US/Eastern zone with an ``EDT``/``EST`` suffix, the interaction
totals have thousands separators, the post id is only in the ``URL``.

What the layout cannot carry: comments (CrowdTangle has none), ``n_views`` of posts that are not
videos, ``lang``, and the pages' municipality codes and populations. The post id comes back from
the URL, so a post needs a ``url`` of the form ``https://www.facebook.com/<page id>/posts/<id>``;
without a ``url`` column that URL is made from the post id ``<page id>_<id>``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from ._common import count, present

__all__ = ["write", "HEADER"]

HEADER = ["Page Name", "User Name", "Facebook Id", "Page Category", "Page Admin Top Country", "Page Description",
          "Page Created", "Likes at Posting", "Followers at Posting", "Post Created", "Post Created Date",
          "Post Created Time", "Type", "Total Interactions", "Likes", "Comments", "Shares", "Love", "Wow", "Haha",
          "Sad", "Angry", "Care", "Video Share Status", "Is Video Owner?", "Post Views", "Total Views",
          "Total Views For All Crossposts", "Video Length", "URL", "Message", "Link", "Final Link", "Image Text",
          "Link Text", "Description", "Sponsor Id", "Sponsor Name", "Sponsor Category",
          "Total Interactions (weighted  \u2014  Likes 1x Shares 1x Comments 1x Love 1x Wow 1x Haha 1x Sad 1x "
          "Angry 1x Care 1x )", "Overperforming Score"]
_TYPE = {"photo": "Photo", "video": "Native Video", "link": "Link", "status": "Status", "event": "Event",
         "album": "Album", "live": "Live Video Complete", "reel": "Native Video", "other": "Status"}
_REACTIONS = ("n_love", "n_wow", "n_haha", "n_sad", "n_angry", "n_care")


def _cell(value):
    """A count cell: the number, or empty when it is missing."""
    n = count(value)
    return "" if n is None else n


def write(pages: pd.DataFrame, posts: pd.DataFrame, comments: pd.DataFrame | None, folder: Path, *,
          name: str = "crowdtangle.csv") -> list[Path]:
    """Write the posts as ``folder/crowdtangle.csv``; ``comments`` are ignored (CrowdTangle has none).

    Parameters
    ----------
    pages : ``page_id``, ``page_name``, ``handle``, ``country`` of every page that posted.
    posts : data-model posts; ``n_likes`` and the per-type reaction columns fill the reaction
        columns, ``followers_at_posting`` the ``Followers at Posting`` column (empty when missing).

    Returns
    -------
    list of Path : the one file.
    """
    path = Path(folder) / name
    by_page = pages.set_index("page_id")
    local = pd.to_datetime(posts["created_at"], utc=True).dt.tz_convert("America/New_York")
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(HEADER)
        for p, when in zip(posts.itertuples(index=False), local):
            page = by_page.loc[p.page_id]
            counts = [count(getattr(p, c, None)) for c in ("n_reactions", "n_comments", "n_shares")]
            total = "" if None in counts else f"{sum(counts):,}"
            video = p.post_type in ("video", "live", "reel")
            url = getattr(p, "url", None)
            if not present(url):
                url = "https://www.facebook.com/{}/posts/{}".format(*p.post_id.split("_", 1))
            writer.writerow([
                page["page_name"], page["handle"] if present(page.get("handle")) else "", p.page_id,
                "GOVERNMENT_ORGANIZATION", page["country"] if present(page.get("country")) else "",
                f"{page['page_name']}s officiella sida.", "2011-03-14 09:12:45", "",
                _cell(getattr(p, "followers_at_posting", None)),
                when.strftime("%Y-%m-%d %H:%M:%S %Z"), when.strftime("%Y-%m-%d"), when.strftime("%H:%M:%S"),
                _TYPE.get(p.post_type, "Status"), total, _cell(getattr(p, "n_likes", None)), _cell(p.n_comments),
                _cell(p.n_shares), *(_cell(getattr(p, c, None)) for c in _REACTIONS),
                "owned" if video else "", "Yes" if video else "-", 0, 0, 0, "00:01:30" if video else "N/A", url,
                p.text, "", "", "", "", "", "", "", "", total, "1.00"])
    return [path]
