"""The sample generator: seeded, structurally sound, and the bundled sample is its output."""

import filecmp
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kommunsocial import sample

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def small():
    return sample.generate(n_pages=3, years=0.5, seed=5)


def test_same_seed_same_files(small, tmp_path):
    again = sample.generate(n_pages=3, years=0.5, seed=5)
    sample.write(small, tmp_path / "a")
    sample.write(again, tmp_path / "b")
    for name in ("pages.csv", "posts.csv", "comments.csv", "planted.json", "README.md"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    other = sample.generate(n_pages=3, years=0.5, seed=6)
    assert not other.posts["text"].equals(small.posts["text"])


def test_threads_are_consistent(small):
    posts, comments = small.posts, small.comments
    per_post = comments.groupby("post_id").size().reindex(posts["post_id"], fill_value=0)
    assert (per_post.to_numpy() == posts["n_comments"].to_numpy()).all()
    by_id = comments.set_index("comment_id")
    replies = comments[comments["parent_id"].notna()]
    parents = by_id.loc[replies["parent_id"]]
    assert (parents["post_id"].to_numpy() == replies["post_id"].to_numpy()).all()
    assert (replies["created_at"].to_numpy() > parents["created_at"].to_numpy()).all()
    post_time = posts.set_index("post_id")["created_at"]
    assert (comments["created_at"].to_numpy() > post_time.loc[comments["post_id"]].to_numpy()).all()
    assert comments.loc[comments["author_is_page"], "parent_id"].notna().all()  # the page only answers
    reactions = posts[["n_likes", "n_love", "n_care", "n_haha", "n_wow", "n_sad", "n_angry"]].sum(axis=1)
    assert (reactions == posts["n_reactions"]).all()


def test_planted_truth_is_available_without_generating(small):
    truth = sample.planted(n_pages=3, years=0.5, seed=5)
    assert truth["pages"] == small.truth["pages"]
    assert truth["irr"]["comments"]["conversational"] == sample.IRR["comments"]["conversational"]
    for page in truth["pages"]:
        assert 0 < page["answer_prob"] <= page["question_answer_prob"] < 1
        assert len(page["municipality_code"]) == 4 and page["municipality_code"].isdigit()


def test_texts_are_varied_and_in_the_pages_language(small):
    texts = small.posts["text"]
    assert texts.nunique() > 0.97 * len(texts)
    langs = dict(zip(small.pages["page_id"], [p["language"] for p in small.truth["pages"]]))
    assert set(langs.values()) <= {"sv", "nb", "nn"}


def test_conversational_posts_are_rarer_in_crises(small):
    posts = small.posts
    share = posts.assign(conv=posts["_tone"].eq("conversational")).groupby("_topic")["conv"].mean()
    assert share["crisis"] < share["events"]


@pytest.fixture(scope="module")
def bundled_corpus():
    return sample.generate(n_pages=12, years=2, seed=0)


def test_the_bundled_sample_is_the_generators_output(tmp_path, bundled_corpus):
    bundled = ROOT / "data" / "raw" / "sample"
    corpus = bundled_corpus
    sample.write(corpus, tmp_path, format="graph_api")
    for name in ("pages.csv", "posts.json", "comments.jsonl", "planted.json", "README.md", "coding/coder_a.csv",
                 "coding/coder_b.csv", "coding/codebook.md"):
        assert filecmp.cmp(bundled / name, tmp_path / name, shallow=False), f"{name}: run `make sample`"
    assert sum(f.stat().st_size for f in bundled.rglob("*") if f.is_file()) < 8_000_000


def _page_langs(corpus):
    langs = {p["page_id"]: p["language"] for p in corpus.truth["pages"]}
    return corpus.posts["page_id"].map(langs)


def test_the_index_agrees_with_the_planted_tone_on_about_nine_posts_in_ten(bundled_corpus):
    """The bundled sample is as hard as real posts: the index misreads about one post in ten, and the
    misreadings are the plain, mixed and short posts, not the clear ones (before: 0.996 overall)."""
    import kommunsocial as ks

    posts = bundled_corpus.posts
    ok = pd.Series(ks.tone.score(posts["text"], lang=_page_langs(bundled_corpus))["tone"].to_numpy()
                   == posts["_tone"].to_numpy(), index=posts.index)
    assert 0.88 <= ok.mean() <= 0.92
    by_style = ok.groupby(posts["_style"]).mean()
    assert by_style["clear"] > 0.98 and by_style["plain"] < 0.6 and by_style["mixed"] < 0.9
    shares = posts["_style"].value_counts(normalize=True)
    for style, weight in sample.STYLE_WEIGHTS.items():
        assert abs(shares[style] - weight) < 0.02, style


def test_topics_are_not_registers(bundled_corpus):
    """Formal and conversational posts about one service share their words: NMF topics hold both tones
    (before, when each voice had its own words, a topic was 95 % one tone on average)."""
    import kommunsocial as ks

    posts = bundled_corpus.posts
    topic, _ = ks.engagement.topics(posts["text"], lang=_page_langs(bundled_corpus))
    frame = pd.DataFrame({"topic": topic.to_numpy(), "tone": posts["_tone"].to_numpy()})
    sizes = frame.groupby("topic").size()
    majority = frame.groupby("topic")["tone"].agg(lambda s: s.value_counts(normalize=True).iloc[0])
    big = sizes[sizes >= 20].index
    assert (majority[big] * sizes[big]).sum() / sizes[big].sum() < 0.8
    # the same plain facts are written in both voices
    fact = sample._bank("sv")["plain"]["snow"][0].split(" {")[0]  # "Plogning pågår i"
    both = posts.loc[posts["text"].str.contains(fact, regex=False), "_tone"]
    assert set(both) == {"formal", "conversational"}


def test_bundled_coders_disagree_where_the_text_is_hard(bundled_corpus):
    """The bundled coders' sheets: Cohen's kappa 0.70–0.85, each coder right on the planted tone of about
    95 % of posts, and their disagreements mostly on plain, mixed and short posts."""
    from kommunsocial.tone import coding, reliability

    folder = ROOT / "data" / "raw" / "sample"
    coded = coding.read_coding_dir(folder / "coding")
    kappa = reliability.reliability(coded, level="nominal", n_boot=0)["estimate"]["cohen_kappa"]
    assert 0.70 <= kappa <= 0.85
    wide = coded.pivot(index="post_id", columns="coder", values="tone")
    keyed = bundled_corpus.posts.set_index("post_id").reindex(wide.index)  # the planted tone and style
    for coder in ("coder_a", "coder_b"):
        assert 0.92 <= (wide[coder] == keyed["_tone"]).mean() <= 0.98, coder
    disagree = (wide["coder_a"] != wide["coder_b"]).groupby(keyed["_style"] == "clear").mean()
    assert disagree[False] > 3 * disagree[True]


def test_csv_and_graph_api_forms_load_to_the_same_dataset(small, tmp_path):
    import kommunsocial as ks

    sample.write(small, tmp_path / "csv", format="csv")
    sample.write(small, tmp_path / "graph", format="graph_api")
    a = ks.load(tmp_path / "csv", salt="s", progress=False)
    b = ks.load(tmp_path / "graph", salt="s", progress=False)
    assert len(a.quarantine) == len(b.quarantine) == 0
    same = ["post_id", "page_id", "created_at", "text", "post_type", "n_reactions", "n_likes", "n_love", "n_care",
            "n_haha", "n_wow", "n_sad", "n_angry", "n_comments", "n_shares", "lang"]
    pd.testing.assert_frame_equal(a.posts[same], b.posts[same])
    cols = [c for c in a.comments.columns if not c.startswith("source_")]
    pd.testing.assert_frame_equal(a.comments[cols], b.comments[cols])
    assert a.posts["followers_at_posting"].notna().all()  # only in the CSV form: Graph responses lack it
    assert b.posts["followers_at_posting"].isna().all()


def test_bundled_sample_mix(sample_dataset):
    posts = sample_dataset.posts
    assert 10 <= len(sample_dataset.pages) <= 14
    assert set(sample_dataset.pages["country"]) == {"SE", "NO"}
    weekday = posts["created_at"].dt.tz_convert("Europe/Stockholm").dt.day_of_week
    assert (weekday >= 5).mean() < 0.15  # fewer posts at weekends
    assert set(posts["post_type"].unique()) >= {"photo", "link", "video", "status", "event"}
    assert sample_dataset.comments["author_is_page"].mean() > 0.05
    assert np.isclose(posts["n_comments"].sum(), len(sample_dataset.comments))
    assert pd.api.types.is_integer_dtype(posts["followers_at_posting"])


def test_crowdtangle_form_gives_the_same_posts_and_joins_graph_comments(small, tmp_path):
    """One corpus in three real forms: the same posts and counts, and a folder mixing formats joins."""
    import shutil

    import kommunsocial as ks

    sample.write(small, tmp_path / "csv", format="csv")
    sample.write(small, tmp_path / "ct", format="crowdtangle")
    sample.write(small, tmp_path / "graph", format="graph_api")
    a = ks.load(tmp_path / "csv", salt="s", progress=False)
    ct = ks.load(tmp_path / "ct", salt="s", progress=False)
    assert len(ct.comments) == 0 and len(ct.quarantine) == 0
    same = ["post_id", "page_id", "created_at", "text", "post_type", "n_reactions", "n_likes", "n_love", "n_care",
            "n_haha", "n_wow", "n_sad", "n_angry", "n_comments", "n_shares", "followers_at_posting"]
    pd.testing.assert_frame_equal(a.posts[same], ct.posts[same])
    # CrowdTangle posts plus Graph API comments of the same pages, in one folder
    mixed = tmp_path / "mixed"
    shutil.copytree(tmp_path / "ct", mixed)
    shutil.copy(tmp_path / "graph" / "comments.jsonl", mixed)
    m = ks.load(mixed, salt="s", progress=False)
    assert len(m.quarantine) == 0
    cols = [c for c in a.comments.columns if not c.startswith("source_")]
    pd.testing.assert_frame_equal(a.comments[cols], m.comments[cols])
    # the same posts from two formats are merged into one record each, not duplicated
    shutil.copy(tmp_path / "graph" / "posts.json", mixed)
    both = ks.load(mixed, salt="s", progress=False)
    assert len(both.posts) == len(a.posts)
    assert both.manifest["merged_across_formats"]["posts"] == len(a.posts)
    assert (both.posts["source_format"] == "graph_api").all()  # the platform's own record wins…
    assert both.posts["followers_at_posting"].notna().all()  # …and CrowdTangle fills what it lacks
