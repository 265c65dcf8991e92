"""Every report notebook on datasets shaped like real exports rather than like the sample: no follower
counts, no comments, a page that never answers, one post per page, no text, one page, built from the
sample; and small hand-made raw exports of every format the package reads, ingested as a user would,
then every report and the index. Each report finishes without an error or a warning and says in a
sentence what it cannot show and why."""

from __future__ import annotations

import json
import re
from contextlib import nullcontext
from html import unescape
from pathlib import Path

import pandas as pd
import pytest

import kommunsocial as ks
from kommunsocial.io._gaps import MissingDataWarning
from kommunsocial.report.run import run_notebook

ROOT = Path(__file__).resolve().parents[2]
REPORT_NOTEBOOKS = ks.report.run.notebooks(ROOT / "notebooks")


def _base() -> ks.Dataset:
    return ks.sample.generate(n_pages=2, years=0.3, seed=1).dataset()


def _no_followers(ds):
    pages, posts = ds.pages.copy(), ds.posts.copy()
    pages["followers"] = pd.NA
    posts["followers_at_posting"] = pd.NA
    return ks.Dataset(pages, posts, ds.comments)


def _no_comments(ds):
    return ks.Dataset(ds.pages, ds.posts, ds.comments.iloc[:0])


def _no_page_answers(ds):
    comments = ds.comments[~ds.comments["author_is_page"].astype(bool)]
    # replies to the removed answers lose their parent: they become top-level comments
    comments = comments.assign(parent_id=comments["parent_id"].where(
        comments["parent_id"].isin(comments["comment_id"])))
    return ks.Dataset(ds.pages, ds.posts, comments)


def _one_post_per_page(ds):
    posts = ds.posts.groupby("page_id", sort=False, observed=True).head(1)
    return ks.Dataset(ds.pages, posts, ds.comments[ds.comments["post_id"].isin(posts["post_id"])])


def _no_text(ds):
    posts, comments = ds.posts.copy(), ds.comments.copy()
    posts["text"] = ""
    comments["text"] = ""
    return ks.Dataset(ds.pages, ks.schema.conform("posts", posts), ks.schema.conform("comments", comments))


def _one_page(ds):
    page = ds.pages["page_id"].iloc[0]
    posts = ds.posts[ds.posts["page_id"] == page]
    return ks.Dataset(ds.pages[ds.pages["page_id"] == page], posts,
                      ds.comments[ds.comments["post_id"].isin(posts["post_id"])])


#: each degenerate shape: how to make it, and per report a sentence (lower case) its HTML must contain
SHAPES = {
    "no-followers": (_no_followers, {"03-engagement": "no follower counts"}),
    "no-comments": (_no_comments, {"04-interaction-network": "no comments"}),
    "no-page-answers": (_no_page_answers, {"04-interaction-network": "never answered"}),
    "one-post-per-page": (_one_post_per_page, {"01-data-quality": "one post", "03-engagement": "too few posts"}),
    "no-text": (_no_text, {"02-tone": "not scored", "03-engagement": "no post has text"}),
    "one-page": (_one_page, {"03-engagement": "one page"}),
}


def _outputs(path: Path):
    nb = json.loads(path.read_text())
    return [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]


@pytest.fixture(scope="module")
def base():
    return _base()


@pytest.mark.parametrize("shape", SHAPES)
def test_every_report_finishes_and_says_what_is_missing(shape, base, tmp_path):
    make, sentences = SHAPES[shape]
    data = make(base).save(tmp_path / "processed" / shape)
    out = tmp_path / "reports"
    for nb in REPORT_NOTEBOOKS:
        params = {"dataset": shape, "data_dir": str(data), "out_dir": str(out / "exports" / nb.stem)}
        page = run_notebook(nb, out, parameters=params)
        errors = [o for o in _outputs(out / f"{nb.stem}.ipynb") if o["output_type"] == "error"]
        assert not errors, f"{nb.stem}: {errors[:1]}"
        html = page.read_text()
        assert "Traceback" not in html and "Warning" not in html, nb.stem
        if nb.stem in sentences:
            assert sentences[nb.stem] in html.lower(), f"{nb.stem} does not say {sentences[nb.stem]!r}"


# ---------------------------------------------------------------------------------------------
# Small hand-made raw exports of every format the package reads (tests/data/degenerate/<format>/; its
# README says each one's shape): 5-9 posts, some without text, follower counts only where the format
# has them, few or no comments, pages that never answer, one or two pages. Each is ingested as a user
# would, every report is run on it and then the index.

DEGENERATE = Path(__file__).resolve().parents[1] / "data" / "degenerate"

#: the generic CSV is a Swedish spreadsheet: its mapping, as a user would write it
CSV_MAPPING = {"table": "posts", "platform": "facebook", "timezone": "Europe/Stockholm", "dayfirst": True,
               "columns": {"post_id": "Id", "page_name": "Sida", "created_at": "Datum", "text": "Inlägg",
                           "post_type": "Typ", "n_reactions": "Reaktioner", "n_comments": "Kommentarer",
                           "n_shares": "Delningar"}}

_NO_FOLLOWERS = "no follower counts"  # 03 and 05 say it in a sentence
_NO_RATES = "per-follower rates are not available"  # 01 lists each file's gaps with their consequence

#: per format: the load's mapping, and per report the sentences (lower case) its HTML must contain
FORMATS = {
    "crowdtangle": (None, {"04-interaction-network": ["no comments"]}),
    "graph_api": (None, {"01-data-quality": [_NO_RATES], "03-engagement": [_NO_FOLLOWERS, "one page"],
                         "04-interaction-network": ["never answered"], "05-compare-municipalities": [_NO_FOLLOWERS]}),
    "facepager": (None, {"01-data-quality": [_NO_RATES], "03-engagement": [_NO_FOLLOWERS],
                         "04-interaction-network": ["never answered"], "05-compare-municipalities": [_NO_FOLLOWERS]}),
    "dyi": (None, {"01-data-quality": ["reactions, comments and shares are not available",
                                       "1 comment without a post id was quarantined"],
                   "03-engagement": ["no engagement counts"], "04-interaction-network": ["no comments"]}),
    "mcl": (None, {"01-data-quality": [_NO_RATES], "03-engagement": [_NO_FOLLOWERS],
                   "04-interaction-network": ["never answered"]}),
    "x_v2": (None, {"03-engagement": ["one page"], "04-interaction-network": ["never answered"]}),
    "instagram": (None, {"03-engagement": [_NO_FOLLOWERS, "no share counts"], "04-interaction-network": ["never answered"]}),
    "csv": (CSV_MAPPING, {"03-engagement": [_NO_FOLLOWERS], "04-interaction-network": ["no comments"],
                          "05-compare-municipalities": [_NO_FOLLOWERS]}),
}


#: per format, as written into its files: pages, posts, comments and quarantined records (the DYI comment
#: names no post)
LOADED = {"crowdtangle": (2, 9, 0, 0), "graph_api": (1, 8, 5, 0), "facepager": (1, 6, 3, 0), "dyi": (1, 6, 0, 1),
          "mcl": (1, 7, 3, 0), "x_v2": (1, 8, 4, 0), "instagram": (1, 7, 3, 0), "csv": (1, 6, 0, 0)}


def _visible_text(html: str) -> str:
    """What a reader sees of a report: its HTML without the template's styles and scripts (whose CSS
    names "warn" colours) and without tags, its white space folded."""
    html = re.sub(r"<(style|script)\b.*?</\1>", "", html, flags=re.DOTALL | re.IGNORECASE)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_report_and_the_index_finish_on_a_small_export(fmt, tmp_path):
    mapping, sentences = FORMATS[fmt]
    data = tmp_path / "processed" / fmt
    with pytest.warns(MissingDataWarning) if fmt not in ("crowdtangle", "x_v2") else nullcontext():
        ds = ks.ingest(DEGENERATE / fmt, data, mapping=mapping, salt="degenerate", progress=False)
    assert (len(ds.pages), len(ds.posts), len(ds.comments), len(ds.quarantine)) == LOADED[fmt]
    out = tmp_path / "reports"
    problems = []
    for nb in REPORT_NOTEBOOKS:
        params = {"dataset": fmt, "data_dir": str(data), "out_dir": str(out / "exports" / nb.stem)}
        page = run_notebook(nb, out, parameters=params, record_failure=True)
        if page.name.endswith(ks.report.run.FAILED_SUFFIX):
            problems.append(f"{nb.stem} failed: {json.loads(page.read_text())['error']}")
            continue
        text = _visible_text(page.read_text())
        problems += [f"{nb.stem}: {text[max(m.start() - 80, 0):m.end() + 80]!r}"
                     for m in re.finditer("traceback|warn", text, flags=re.IGNORECASE)]
        problems += [f"{nb.stem} does not say {s!r}" for s in sentences.get(nb.stem, []) if s not in text.lower()]
    index = ks.report.run.build_index(fmt, reports=out, data_dir=data).read_text()
    problems += ["the index lists a failed report"] * ("Failed reports" in index)
    problems += [f"the index lacks {nb.stem}" for nb in REPORT_NOTEBOOKS if f"{nb.stem}.html" not in index]
    assert not problems, "\n".join(problems)
