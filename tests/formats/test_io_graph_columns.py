"""Graph API JSON Lines read as columns (``_graph_columns``) against the record walk: the same tables,
pages, quarantine and info, value for value, on the fixtures, on a generated corpus and on files
with bad records; and which files the columns read at all."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from kommunsocial import sample
from kommunsocial.errors import LoadError
from kommunsocial.io import graph_api, read_file

DATA = Path(__file__).resolve().parent.parent / "data" / "graph_api"
PAGE = "100064512345678"
URL = f"https://graph.facebook.com/v19.0/{PAGE}/posts?fields=id,created_time,message,shares&limit=2"


def _read(path, monkeypatch, *, walk: bool, **options):
    """``read_file`` with the columns (``walk=False``) or the record walk only; and whether the
    columns gave the result."""
    used = []
    columns = graph_api.read_columns

    def spy(*args):
        found = None if walk else columns(*args)
        used.append(found is not None)
        return found

    with monkeypatch.context() as m:
        m.setattr(graph_api, "read_columns", spy)
        try:
            parsed = read_file(path, format="graph_api", **options)
        except LoadError as exc:
            return ("error", str(exc)), any(used)
    return parsed, any(used)


def same(path, monkeypatch, **options) -> bool:
    """Assert that both ways read ``path`` alike; return whether the columns read it."""
    walked, _ = _read(path, monkeypatch, walk=True, **options)
    fast, used = _read(path, monkeypatch, walk=False, **options)
    if isinstance(walked, tuple) or isinstance(fast, tuple):
        assert fast == walked
        return used
    for table in ("pages", "posts", "comments"):
        pd.testing.assert_frame_equal(getattr(fast, table), getattr(walked, table), check_exact=True)
    assert fast.quarantine == walked.quarantine
    assert fast.info == walked.info
    return used


def _lines(path: Path, records) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------
def test_the_fixtures_and_their_json_lines_read_alike(tmp_path, monkeypatch):
    fixtures = sorted(p for p in DATA.rglob("*") if p.suffix in (".json", ".jsonl"))
    assert fixtures
    for path in fixtures:
        same(path, monkeypatch)
        if path.suffix == ".json" and path.parent.name != "bad":  # the same one per line, as collectors append
            doc = json.loads(path.read_text(encoding="utf-8"))
            same(_lines(tmp_path / f"{path.stem}.jsonl", doc if isinstance(doc, list) else [doc]), monkeypatch)
    assert same(DATA / "collection" / "posts_pages_2_3.jsonl", monkeypatch) is False  # legacy likes: walked


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("graph")
    c = sample.generate(n_pages=3, years=0.4, seed=5, start="2021-01-01")
    sample.write(c, folder, format="graph_api_jsonl")
    return folder


def test_a_generated_corpus_is_read_as_columns_alike(corpus, monkeypatch):
    assert same(corpus / "posts.jsonl", monkeypatch)
    assert same(corpus / "comments.jsonl", monkeypatch)
    assert same(corpus / "comments.jsonl", monkeypatch, page_id="123")


def test_bad_records_are_quarantined_alike(corpus, tmp_path, monkeypatch):
    posts = [json.loads(x) for x in (corpus / "posts.jsonl").read_text(encoding="utf-8").splitlines()]
    data = posts[0]["data"]
    data[0]["created_time"] = "not a time"
    data[1]["reactions"]["summary"]["total_count"] = -4
    data[2]["from"]["id"] = "999"  # posted by another account
    data[3]["id"] = "1.5e+15"  # an id a spreadsheet turned into a float
    del data[4]["created_time"]
    data[5].pop("shares", None)
    path = _lines(tmp_path / "posts.jsonl", posts)
    assert same(path, monkeypatch)
    fast = read_file(path)
    reasons = {(q["source_row"], q["column"]): q["reason"] for q in fast.quarantine}
    assert reasons[(1, "created_at")] == "not a date and time: 'not a time'"
    assert reasons[(2, "n_reactions")] == "negative count -4"
    assert reasons[(3, "page_id")] == "posted on the page's feed by another account, not by the page"
    assert reasons[(5, "created_at")] == "required value is missing"
    assert all(q["source_file"] == "posts.jsonl" for q in fast.quarantine)
    record = json.loads(next(q["record"] for q in fast.quarantine if q["source_row"] == 3))
    assert record["from"] == "[redacted]" and "comments" not in record

    threads = [json.loads(x) for x in (corpus / "comments.jsonl").read_text(encoding="utf-8").splitlines()]
    first = threads[0]["comments"]["data"][0]
    first["like_count"] = -1
    first["created_time"] = None
    path = _lines(tmp_path / "comments.jsonl", threads)
    assert same(path, monkeypatch)
    # a record with two faults is quarantined for the first: a bad value before a missing one
    assert {(q["source_row"], q["column"], q["reason"]) for q in read_file(path).quarantine} == {
        (1, "n_likes", "negative count -1")}


@pytest.mark.parametrize("change", [
    lambda t: t[0]["comments"]["data"][0].update(like_count="3"),  # a count written as text
    lambda t: t[0]["comments"]["data"][0].update(id=None),  # no id: a stand-in is derived
    lambda t: t[0]["comments"]["data"][0].update({"from": {"name": "Anna"}}),  # a name without id
    lambda t: t[0]["comments"]["data"][0].update(message=7.5),  # a number where text belongs
    lambda t: t.append({"id": "1_2", "created_time": "2021-01-01T00:00:00+0000"}),  # a record among nodes
    lambda t: t[0].update(error={"message": "x"}),
])
def test_other_shapes_are_walked_alike(change, corpus, tmp_path, monkeypatch):
    threads = [json.loads(x) for x in (corpus / "comments.jsonl").read_text(encoding="utf-8").splitlines()][:5]
    change(threads)
    assert same(_lines(tmp_path / "comments.jsonl", threads), monkeypatch) is False


def test_lines_that_are_not_json_or_utf8_are_walked_alike(corpus, tmp_path, monkeypatch):
    lines = (corpus / "comments.jsonl").read_bytes().splitlines(keepends=True)[:4]
    for name, body in (("broken.jsonl", b"".join(lines[:2]) + b'{"id": "1_2", "comm\n' + lines[3]),
                       ("latin1.jsonl", b"".join(lines).replace(b'"message":"', b'"message":"\xf8')),
                       ("surrogate.jsonl", lines[0].replace(b'"message":"', b'"message":"\\ud800', 1) + lines[1]),
                       ("blank_lines.jsonl", b"\n".join(lines) + b"\n   \n")):
        path = tmp_path / name
        path.write_bytes(body)
        assert same(path, monkeypatch) is (name == "blank_lines.jsonl")


def test_a_thread_by_hand(tmp_path):
    """One post node: a comment, the page's answer (parent given) and a reply whose parent is the
    post itself (a top-level comment), read as columns."""
    post = f"{PAGE}_42"
    node = {"id": post, "comments": {"data": [
        {"id": "42_1", "created_time": "2021-03-01T10:00:00+0000", "from": {"name": "Anna", "id": "7"},
         "message": "Hej?", "like_count": 2, "comment_count": 2, "comments": {"data": [
             {"id": "42_2", "created_time": "2021-03-01T11:30:00+0000", "from": {"name": "Fjordvik", "id": PAGE},
              "message": "Hej Anna!", "parent": {"id": "42_1"}},
             {"id": "42_3", "created_time": "2021-03-01T12:00:00+0000", "parent": {"id": post}}]}}]}}
    parsed = read_file(_lines(tmp_path / "thread.jsonl", [node, {**node, "id": post}]))
    assert parsed.info["layout"] == "post node"
    c = parsed.comments
    assert c["comment_id"].tolist() == ["42_1", "42_2", "42_3"] * 2
    assert c["source_row"].tolist() == [1, 2, 3, 4, 5, 6]
    assert c["parent_id"].iloc[1] == "42_1" and pd.isna(c["parent_id"].iloc[0]) and pd.isna(c["parent_id"].iloc[2])
    assert c["author_is_page"].tolist()[:3] == [False, True, pd.NA]
    assert c["text"].tolist()[:3] == ["Hej?", "Hej Anna!", ""]
    assert c["n_likes"].tolist()[:3] == [2, pd.NA, pd.NA]
    assert str(c["created_at"].iloc[1]) == "2021-03-01 11:30:00+00:00"
    assert parsed.pages[["page_id", "page_name"]].values.tolist() == [[PAGE, "Fjordvik"]]


def test_posts_by_hand(tmp_path):
    """Shares left out mean 0 when the request asked for them; per-type reactions; the post type."""
    base = {"created_time": "2021-05-01T08:00:00+0000", "from": {"name": "Fjordvik", "id": PAGE}}
    line = {"data": [
        {**base, "id": f"{PAGE}_1", "message": "Sommarjobb!", "shares": {"count": 3},
         "attachments": {"data": [{"type": "video_inline"}]}, "love": {"data": [], "summary": {"total_count": 4}}},
        {**base, "id": "2", "status_type": "added_photos"}],
        "paging": {"next": URL + "&after=x"}}
    parsed = read_file(_lines(tmp_path / "posts.jsonl", [line, line]))
    p = parsed.posts
    assert parsed.info["layout"] == "response"
    assert p["post_id"].tolist() == [f"{PAGE}_1", f"{PAGE}_2"] * 2
    assert p["n_shares"].tolist() == [3, 0, 3, 0]
    assert p["n_love"].tolist() == [4, pd.NA, 4, pd.NA]
    assert p["post_type"].tolist() == ["video", "photo"] * 2
    assert p["text"].tolist() == ["Sommarjobb!", ""] * 2


def test_arrow_ids_and_counts_parse_as_their_text():
    """The parsers take a columnar reader's Arrow arrays and give what the same values as text give."""
    import pyarrow as pa

    from kommunsocial.io._values import parse_counts, parse_ids

    numbers = [5, -2, None, 10 ** 15, 0, -10 ** 16]
    values, errors = parse_counts(pa.array(numbers, pa.int64()))
    assert values.tolist() == [5, pd.NA, pd.NA, pd.NA, 0, pd.NA]
    assert errors.tolist() == [pd.NA, "negative count -2", pd.NA, "implausibly large count: '1000000000000000'",
                               pd.NA, "implausibly large count: '-10000000000000000'"]
    as_text = parse_counts([None if v is None else str(v) for v in numbers])
    pd.testing.assert_series_equal(values, as_text[0])
    pd.testing.assert_series_equal(errors, as_text[1])
    ids = [" 12_3\u3000", "", "N/A", None, "\x1c7"]
    assert parse_ids(pa.array(ids)).tolist() == ["12_3", pd.NA, pd.NA, pd.NA, "7"]
    pd.testing.assert_series_equal(parse_ids(pa.array(ids)), parse_ids(ids))


def test_arrow_times_parse_as_their_text():
    import pyarrow as pa

    from kommunsocial.io._values import parse_times

    texts = ["2021-03-01T11:30:00+0000", " 2021-03-01T11:30:00+0200 ", None, "2021-02-30T11:30:00+0000",
             "01.03.2021 12:30", "", "2099-12-31T23:59:59-0130"]
    values, errors = parse_times(pa.array(texts), tz="Europe/Oslo")
    assert [str(v) for v in values] == ["2021-03-01 11:30:00+00:00", "2021-03-01 09:30:00+00:00", "NaT", "NaT",
                                        "2021-03-01 11:30:00+00:00", "NaT", "2100-01-01 01:29:59+00:00"]
    assert errors.iloc[3] == "not a date and time: '2021-02-30T11:30:00+0000'"
    as_text = parse_times(texts, tz="Europe/Oslo")
    pd.testing.assert_series_equal(values, as_text[0])
    pd.testing.assert_series_equal(errors, as_text[1])


def test_files_whose_defaults_settle_late_read_alike(tmp_path, monkeypatch):
    """The files the chunked walk must read twice (a default that changes late) give the same both ways."""
    from ..unit.test_scale_paths import _late_default_files, _mixed_jsonl

    (tmp_path / "late").mkdir()
    paths = [*_late_default_files(tmp_path / "late").values(), _mixed_jsonl(tmp_path)]
    assert [same(path, monkeypatch) for path in paths].count(True) >= 1


def test_a_byte_order_mark_and_white_space_before_the_first_line(corpus, tmp_path, monkeypatch):
    path = tmp_path / "comments.jsonl"
    path.write_bytes(b"\xef\xbb\xbf \n" + (corpus / "comments.jsonl").read_bytes())
    assert same(path, monkeypatch)
    assert len(read_file(path).comments) == len(read_file(corpus / "comments.jsonl").comments)
