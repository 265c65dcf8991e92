"""Every report notebook on datasets shaped like real exports rather than like the sample: no follower
counts, no comments, a page that never answers, one post per page, no text, one page. Each report
finishes without an error and says in a sentence what it cannot show and why."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import kommunsocial as ks
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
