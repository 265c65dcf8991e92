"""The data model: dtypes, validation messages, Parquet round trip, determinism."""

import json

import pandas as pd
import pytest

import kommunsocial as ks
from kommunsocial.errors import SchemaError
from kommunsocial.schema import conform, empty


def tiny():
    pages = pd.DataFrame({"page_id": ["p1", "p2"], "platform": ["facebook", "facebook"],
                          "page_name": ["Sjöviks kommun", "Fjordvik kommune"], "municipality_code": ["0187", "4631"],
                          "country": ["SE", "NO"], "followers": [1000, 2000]})
    ts = pd.to_datetime(["2024-01-02 10:00", "2024-01-01 09:00", "2024-01-03 08:00"], utc=True)
    posts = pd.DataFrame({"post_id": ["p1_2", "p1_1", "p2_1"], "page_id": ["p1", "p1", "p2"],
                          "platform": "facebook", "created_at": ts, "text": ["b", "a", "c"],
                          "post_type": ["photo", "status", "link"], "n_reactions": [3, None, 5],
                          "n_comments": [1, 0, 0], "source_format": "csv", "source_file": "posts.csv",
                          "source_row": [1, 2, 3], "n_urls": 0, "n_hashtags": 0, "n_mentions": 0, "n_emoji": 0,
                          "hashtags": ""})
    comments = pd.DataFrame({"comment_id": ["c1"], "post_id": ["p1_2"], "author_id": ["p_x"],
                             "author_is_page": [False], "created_at": ts[:1], "text": ["hej"],
                             "source_format": "csv", "source_file": "comments.csv", "source_row": [1],
                             "n_urls": 0, "n_hashtags": 0, "n_mentions": 0, "n_emoji": 0, "hashtags": ""})
    return pages, posts, comments


def test_dataset_casts_orders_and_keeps_missing_counts_missing():
    ds = ks.Dataset(*tiny())
    assert ds.posts["post_id"].tolist() == ["p1_1", "p1_2", "p2_1"]  # page, then time
    assert str(ds.posts["n_reactions"].dtype) == "Int64"
    assert ds.posts.loc[0, "n_reactions"] is pd.NA
    assert str(ds.posts["created_at"].dtype) == "datetime64[us, UTC]"
    assert ds.pages["municipality_code"].tolist() == ["0187", "4631"]
    assert ds.posts["n_shares"].isna().all()  # absent in the source: missing, not 0
    assert isinstance(ds.posts["platform"].dtype, pd.CategoricalDtype)


def test_save_read_roundtrip_is_identical_and_byte_stable(tmp_path):
    ds = ks.Dataset(*tiny(), manifest={"inputs": []})
    ds.save(tmp_path / "a")
    ds.save(tmp_path / "b")
    back = ks.Dataset.read(tmp_path / "a")
    for name in ("pages", "posts", "comments", "quarantine"):
        pd.testing.assert_frame_equal(getattr(back, name), getattr(ds, name))
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.parquet"))
    assert len(files) == 2 + 2 + 1  # pages, quarantine; posts of p1 and p2; comments of p1 (p2 has none)
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert manifest["tables"]["posts"]["rows"] == 3


def test_posts_and_comments_are_partitioned_by_page_and_read_partially(tmp_path):
    pages, posts, comments = tiny()
    pages.loc[1, "page_id"] = "p 2/å"  # an id that is not a safe file name is percent-encoded
    posts.loc[2, "page_id"] = "p 2/å"
    ds = ks.Dataset(pages, posts, comments)
    ds.save(tmp_path)
    assert (tmp_path / "posts" / "page_id=p%202%2F%C3%A5" / "part-0.parquet").is_file()
    assert (tmp_path / "comments" / "page_id=p1" / "part-0.parquet").is_file()
    one = ks.Dataset.read(tmp_path, pages=["p 2/å"])
    assert one.pages["page_id"].tolist() == ["p 2/å"]
    assert one.posts["post_id"].tolist() == ["p2_1"] and one.comments.empty
    first = ks.Dataset.read(tmp_path, pages=["p1"])
    assert first.posts["post_id"].tolist() == ["p1_1", "p1_2"] and first.comments["comment_id"].tolist() == ["c1"]
    # the layout is a Hive-partitioned dataset that other tools read as one table
    import pyarrow.dataset as pads

    table = pads.dataset(tmp_path / "posts", format="parquet", partitioning="hive").to_table()
    assert sorted(table.column("page_id").to_pylist()) == ["p 2/å", "p1", "p1"]


def test_saving_again_removes_partitions_of_pages_no_longer_there(tmp_path):
    pages, posts, comments = tiny()
    ks.Dataset(pages, posts, comments).save(tmp_path)
    ks.Dataset(pages.iloc[:1], posts.iloc[:2], comments).save(tmp_path)
    assert sorted(p.name for p in (tmp_path / "posts").iterdir()) == ["page_id=p1"]
    assert len(ks.Dataset.read(tmp_path).posts) == 2


@pytest.mark.parametrize("change, message", [
    (lambda p, po, c: po.assign(n_comments=[1, -2, 0]), r"table 'posts', column 'n_comments': negative count \(rows 0\)"),
    (lambda p, po, c: po.assign(post_id=["x", "x", "y"]), r"duplicate key"),
    (lambda p, po, c: po.drop(columns=["created_at"]), r"column 'created_at': required column is missing"),
    (lambda p, po, c: po.assign(post_type="tweet"), r"column 'post_type': unknown values \['tweet'\]"),
    (lambda p, po, c: po.assign(created_at=["2024-01-01"] * 3), r"column 'created_at'.*tz-aware UTC"),
])
def test_validation_names_table_column_and_rows(change, message):
    pages, posts, comments = tiny()
    with pytest.raises(SchemaError, match=message):
        ks.Dataset(pages, change(pages, posts, comments), comments)


def test_codes_must_be_text_and_links_must_hold():
    pages, posts, comments = tiny()
    with pytest.raises(SchemaError, match="municipality codes are digit strings"):
        ks.Dataset(pages.assign(municipality_code=["187.0", "4631"]), posts, comments)
    with pytest.raises(SchemaError, match="post_id not found in posts"):
        ks.Dataset(pages, posts, comments.assign(post_id="nope"))
    with pytest.raises(SchemaError, match="real identity"):
        ks.Dataset(pages, posts, comments.assign(author_name="Anna"))


def test_select_by_code_and_period():
    ds = ks.Dataset(*tiny())
    one = ds.select(page="0187", start="2024-01-02")
    assert one.posts["post_id"].tolist() == ["p1_2"]
    assert one.comments["comment_id"].tolist() == ["c1"]
    with pytest.raises(KeyError, match="no page matches"):
        ds.select(page="9999")


def test_empty_tables_have_model_dtypes():
    assert str(empty("posts")["created_at"].dtype) == "datetime64[us, UTC]"
    assert list(conform("comments", empty("comments")).columns)[:3] == ["comment_id", "post_id", "parent_id"]
