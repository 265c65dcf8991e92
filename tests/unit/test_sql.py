"""SQL over a processed dataset in place (kommunsocial.sql): values counted by hand on a tiny dataset."""

import os

import pandas as pd
import pytest

import kommunsocial as ks
from kommunsocial.errors import DatasetError, DatasetMissingError
from kommunsocial.sql import QueryError, connect, query

# Three pages: one whose id a spreadsheet would read as a number ("0042"), one whose id needs
# escaping in a folder name ("a/b c"), one without posts.
PAGES = pd.DataFrame({"page_id": ["0042", "a/b c", "p3"], "platform": "facebook",
                      "page_name": ["Sjöviks kommun", "Fjordvik kommune", "Tomby kommun"],
                      "municipality_code": ["0187", "4631", "0999"], "country": ["SE", "NO", "SE"],
                      "followers": [1000, 2000, None]})
# the last post is at 23:30 UTC on 31 January: still January in UTC, 1 February in Oslo
TIMES = pd.to_datetime(["2024-01-02 10:00", "2024-01-01 09:00", "2024-01-31 23:30"], utc=True)
POSTS = pd.DataFrame({"post_id": ["x_2", "x_1", "y_1"], "page_id": ["0042", "0042", "a/b c"],
                      "platform": "facebook", "created_at": TIMES, "text": ["Hej!", "Välkomna", "<b>Møte</b>"],
                      "post_type": ["photo", "status", "link"], "n_reactions": [3, None, 5],
                      "n_comments": [2, 0, 1], "source_format": "csv", "source_file": "posts.csv",
                      "source_row": [1, 2, 3], "n_urls": 0, "n_hashtags": 0, "n_mentions": 0, "n_emoji": 0,
                      "hashtags": ""})
COMMENTS = pd.DataFrame({"comment_id": ["c1", "c2", "c3"], "post_id": ["x_2", "x_2", "y_1"],
                         "parent_id": [None, "c1", None], "author_id": ["p_a", "0042", "p_b"],
                         "author_is_page": [False, True, False],
                         "created_at": pd.to_datetime(["2024-01-02 11:00", "2024-01-02 12:30",
                                                       "2024-02-01 08:00"], utc=True),
                         "text": ["Fråga?", "Svar.", "Takk"], "n_likes": [1, None, 4], "source_format": "csv",
                         "source_file": "comments.csv", "source_row": [1, 2, 3], "n_urls": 0, "n_hashtags": 0,
                         "n_mentions": 0, "n_emoji": 0, "hashtags": ""})
QUARANTINE = pd.DataFrame({"source_file": ["posts.csv", "posts.csv"], "source_row": [7, 9], "source_format": "csv",
                           "table": "posts", "column": ["created_at", "n_reactions"],
                           "reason": ["date before 2004", "negative count"], "record": "{}"})


@pytest.fixture()
def folder(tmp_path):
    return ks.Dataset(PAGES, POSTS, COMMENTS, QUARANTINE).save(tmp_path / "tiny")


def test_posts_per_page_with_missing_counts_left_out_of_sums(folder):
    out = query("SELECT page_id, count(*) AS posts, sum(n_reactions) AS reactions, count(n_reactions) AS known "
                "FROM posts GROUP BY page_id ORDER BY page_id", data_dir=folder)
    assert out["page_id"].tolist() == ["0042", "a/b c"]  # "0042" stays text; the folder's %-escape is undone
    assert out["posts"].tolist() == [2, 1]
    assert out["reactions"].tolist() == [3, 5]
    assert out["known"].tolist() == [1, 1]
    assert [str(out[c].dtype) for c in out] == ["string", "Int64", "Int64", "Int64"]


def test_missing_count_stays_missing_and_dtypes_are_the_data_models(folder):
    out = query("SELECT * FROM posts WHERE post_id = 'x_1'", data_dir=folder)
    assert out.loc[0, "n_reactions"] is pd.NA and out.loc[0, "n_shares"] is pd.NA
    assert out.columns.tolist() == list(ks.Dataset.read(folder).posts.columns)  # the model's column order
    assert str(out["created_at"].dtype) == "datetime64[us, UTC]"
    assert out.loc[0, "created_at"] == pd.Timestamp("2024-01-01 09:00", tz="UTC")
    assert out.loc[0, "text"] == "Välkomna"


def test_comments_carry_their_posts_page_and_join_to_posts(folder):
    out = query("""SELECT c.page_id, count(*) AS comments, sum(CASE WHEN c.author_is_page THEN 1 ELSE 0 END) AS by_page,
                          sum(c.n_likes) AS likes
                   FROM comments c JOIN posts p USING (post_id) GROUP BY c.page_id ORDER BY c.page_id""",
                data_dir=folder)
    assert out.to_dict("list") == {"page_id": ["0042", "a/b c"], "comments": [2, 1], "by_page": [1, 0],
                                   "likes": [1, 4]}
    cols = query("SELECT * FROM comments LIMIT 0", data_dir=folder).columns.tolist()
    assert cols[:3] == ["comment_id", "post_id", "page_id"]


def test_answer_time_in_minutes_per_thread(folder):
    # c2 (the page) answers c1 90 minutes later
    out = query("""SELECT q.comment_id, date_diff('minute', q.created_at, a.created_at) AS minutes
                   FROM comments q JOIN comments a ON a.parent_id = q.comment_id AND a.author_is_page""",
                data_dir=folder)
    assert out.to_dict("list") == {"comment_id": ["c1"], "minutes": [90]}


def test_months_are_utc_and_local_time_is_asked_for(folder):
    out = query("""SELECT strftime(date_trunc('month', created_at), '%Y-%m') AS utc_month,
                          strftime(created_at AT TIME ZONE 'Europe/Oslo', '%Y-%m-%d %H:%M') AS oslo
                   FROM posts WHERE post_id = 'y_1'""", data_dir=folder)
    assert out.loc[0, "utc_month"] == "2024-01"
    assert out.loc[0, "oslo"] == "2024-02-01 00:30"


def test_pages_join_and_placeholders(folder):
    out = query("""SELECT pg.page_name, pg.municipality_code, count(p.post_id) AS posts
                   FROM pages pg LEFT JOIN posts p USING (page_id) WHERE pg.country = ? GROUP BY ALL ORDER BY 2""",
                data_dir=folder, params=["SE"])
    assert out.to_dict("list") == {"page_name": ["Sjöviks kommun", "Tomby kommun"],
                                   "municipality_code": ["0187", "0999"], "posts": [2, 0]}
    named = query("SELECT followers FROM pages WHERE page_name = $name", data_dir=folder,
                  params={"name": "Tomby kommun"})
    assert named.loc[0, "followers"] is pd.NA


def test_quarantine_by_reason(folder):
    out = query('SELECT "table", "column", count(*) AS n FROM quarantine GROUP BY ALL ORDER BY "column"',
                data_dir=folder)
    assert out.to_dict("list") == {"table": ["posts", "posts"], "column": ["created_at", "n_reactions"], "n": [1, 1]}


def test_reads_in_place_and_writes_nothing(folder):
    before = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))
    query("SELECT count(*) FROM comments", data_dir=folder)
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) == before
    ks.Dataset.read(folder, verify="full")  # still exactly the files of the manifest


def test_a_dataset_without_comments_has_an_empty_comments_view(tmp_path):
    folder = ks.Dataset(PAGES, POSTS, COMMENTS.iloc[:0]).save(tmp_path / "ct")
    out = query("SELECT count(*) AS n FROM comments", data_dir=folder)
    assert out["n"].tolist() == [0]
    empty = query("SELECT * FROM comments", data_dir=folder)
    assert "author_is_page" in empty.columns and len(empty) == 0


def test_dataset_name_resolves_under_the_project(tmp_path, monkeypatch):
    monkeypatch.setenv("KOMMUNSOCIAL_ROOT", str(tmp_path))
    ks.Dataset(PAGES, POSTS, COMMENTS).save(tmp_path / "data" / "processed" / "tiny")
    assert ks.query("SELECT count(*) AS n FROM posts", dataset="tiny")["n"].tolist() == [3]


def test_threads_follow_the_slurm_allocation(folder, monkeypatch):
    monkeypatch.setenv("SLURM_CPUS_PER_TASK", "1")
    con = connect(data_dir=folder)
    try:
        assert con.execute("SELECT current_setting('threads')").fetchone()[0] == 1
        assert con.execute("SELECT current_setting('TimeZone')").fetchone()[0] == "UTC"
    finally:
        con.close()


def test_bad_statement_names_the_dataset(folder):
    with pytest.raises(QueryError, match=r"tiny: ParserException"):
        query("SELEC 1", data_dir=folder)
    with pytest.raises(QueryError, match="no_such_table"):
        query("SELECT * FROM no_such_table", data_dir=folder)
    with pytest.raises(ValueError, match="name a dataset"):
        query("SELECT 1")


def test_missing_or_altered_dataset_is_refused(folder, tmp_path):
    with pytest.raises(DatasetMissingError):
        query("SELECT 1", data_dir=tmp_path / "nothing")
    stray = folder / "posts" / "page_id=zz" / "part-0.parquet"
    stray.parent.mkdir()
    stray.write_bytes((folder / "posts" / "page_id=0042" / "part-0.parquet").read_bytes())
    with pytest.raises(DatasetError, match="page_id=zz/part-0.parquet.*not listed"):
        query("SELECT count(*) FROM posts", data_dir=folder)
    os.remove(stray)
    part = folder / "comments" / "page_id=0042" / "part-0.parquet"
    part.write_bytes(part.read_bytes()[:-10])
    with pytest.raises(DatasetError, match="manifest.json says"):
        query("SELECT count(*) FROM comments", data_dir=folder)


def test_numeric_page_ids_stay_text(tmp_path):
    # every folder name a number (Facebook page ids): still text, leading zero kept, joinable with pages
    pages = PAGES.assign(page_id=["0042", "100058731509821", "7"])
    posts = POSTS.assign(page_id=["0042", "0042", "100058731509821"])
    folder = ks.Dataset(pages, posts, COMMENTS).save(tmp_path / "numeric")
    out = query("SELECT p.page_id, pg.page_name, count(*) AS n FROM posts p JOIN pages pg USING (page_id) "
                "GROUP BY ALL ORDER BY n DESC", data_dir=folder)
    assert out.to_dict("list") == {"page_id": ["0042", "100058731509821"],
                                   "page_name": ["Sjöviks kommun", "Fjordvik kommune"], "n": [2, 1]}


def _doc_recipes():
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "scale.md").read_text(encoding="utf-8")
    return re.findall(r"```sql\n(.*?)```", text, flags=re.DOTALL)


def test_every_recipe_of_the_docs_runs_and_the_first_two_answer_as_counted_by_hand(folder):
    recipes = _doc_recipes()
    assert len(recipes) >= 5
    answers = [query(sql, data_dir=folder) for sql in recipes]
    assert answers[0].to_dict("list") == {
        "municipality_code": ["0187", "4631", "0999"], "page_name": ["Sjöviks kommun", "Fjordvik kommune", "Tomby kommun"],
        "posts": [2, 1, 0], "comments": [2, 1, 0], "answers_by_page": [1, 0, 0]}
    # threads: c1 (Sjövik, answered by the page in c2) and c3 (Fjordvik, not answered)
    assert answers[1].to_dict("list") == {"country": ["NO", "SE"], "year": [2024, 2024], "threads": [1, 1],
                                          "answer_rate": [0.0, 1.0]}
