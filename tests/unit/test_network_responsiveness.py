"""Responsiveness and threads on a hand-built thread fixture: every figure worked out by hand."""

import math

import numpy as np
import pandas as pd
import pytest

import kommunsocial as ks
from kommunsocial.network import responsiveness, threads
from kommunsocial.network._example import make_dataset

JAN = "2024-01-10"


def thread_dataset() -> ks.Dataset:
    """Page P (Sjövik, SE) with two posts; page Q (Fjordvik, NO) with one post and no comments.

    Post A (10 Jan 2024, 08:00 UTC)                      Post B (5 Feb 2024, 12:00 UTC)
      A1  a  top  09:00 "När öppnar simhallen?"             B4  P  top 12:30 (the page's own top-level note)
        A2  b  → A1 09:30  (citizen → citizen)               B1  d  top 13:00 "Varför är vägen avstängd"
        A3  P  → A1 11:00  (first answer: 2 h)                 B3  c  → B1 14:00 (citizen → citizen)
        A4  a  → A1 11:30  (a answers herself)                 B2  P  → B1 6 Feb 13:00 (answer: 24 h)
        A5  a  → A3 12:00  (a replies to the page)           B5  b  → "ZZ" 15:00 (parent not in the export)
        A6  P  → A1 13:00  (second answer, not the first)
      A7  b  top  10:00 "Tack för infon."   (no answer)
      A8  c  top  10:30 "Kan man parkera vid badet" (question by word order; answer 10 h later)
        A9  P  → A8 20:30
      A10 –  top  11:00 "Hur gör man?"      (no author; no answer)
        A11 d  → A10 12:00 (reply to an unknown author)

    Q's post (31 Jan 2024 23:30 UTC) is 1 Feb 00:30 in Oslo: its local month is February.
    """
    pages = [{"page_id": "P", "page_name": "Sjövik kommun", "country": "SE"},
             {"page_id": "Q", "page_name": "Fjordvik kommune", "country": "NO"}]
    posts = [{"post_id": "A", "page_id": "P", "created_at": f"{JAN} 08:00", "post_type": "photo"},
             {"post_id": "B", "page_id": "P", "created_at": "2024-02-05 12:00", "post_type": "link"},
             {"post_id": "Q1", "page_id": "Q", "created_at": "2024-01-31 23:30"}]
    rows = [
        ("A1", "A", None, "a", f"{JAN} 09:00", "När öppnar simhallen?"),
        ("A2", "A", "A1", "b", f"{JAN} 09:30", "Undrar också."),
        ("A3", "A", "A1", "P", f"{JAN} 11:00", "Hej! Klockan tio."),
        ("A4", "A", "A1", "a", f"{JAN} 11:30", "Tack då vet jag."),
        ("A5", "A", "A3", "a", f"{JAN} 12:00", "Tack för svaret."),
        ("A6", "A", "A1", "P", f"{JAN} 13:00", "Välkommen!"),
        ("A7", "A", None, "b", f"{JAN} 10:00", "Tack för infon."),
        ("A8", "A", None, "c", f"{JAN} 10:30", "Kan man parkera vid badet"),
        ("A9", "A", "A8", "P", f"{JAN} 20:30", "Ja, det går bra."),
        ("A10", "A", None, None, f"{JAN} 11:00", "Hur gör man?"),
        ("A11", "A", "A10", "d", f"{JAN} 12:00", "Ring växeln."),
        ("B1", "B", None, "d", "2024-02-05 13:00", "Varför är vägen avstängd"),
        ("B2", "B", "B1", "P", "2024-02-06 13:00", "Ledningsarbete pågår."),
        ("B3", "B", "B1", "c", "2024-02-05 14:00", "Det står i inlägget."),
        ("B4", "B", None, "P", "2024-02-05 12:30", "Uppdatering: vägen öppnar i morgon."),
        ("B5", "B", "ZZ", "b", "2024-02-05 15:00", "Håller med."),
    ]
    comments = [{"comment_id": i, "post_id": p, "parent_id": par, "author_id": a, "author_is_page": a == "P",
                 "created_at": t, "text": text, "lang": "sv"} for i, p, par, a, t, text in rows]
    return make_dataset(pages, posts, comments)


@pytest.fixture(scope="module")
def ds():
    return thread_dataset()


def test_threads_start_answer_and_first_answer_time(ds):
    t = threads(ds).set_index("comment_id")
    # citizens' top-level comments: A1, A7, A8, A10 (no author, still a thread), B1; B4 is the page's own
    assert sorted(t.index) == ["A1", "A10", "A7", "A8", "B1"]
    assert t["answered"].to_dict() == {"A1": True, "A7": False, "A8": True, "A10": False, "B1": True}
    # first page comment in each thread: A3 11:00 − 09:00 = 2 h (A6 at 13:00 is the second);
    # A9 20:30 − 10:30 = 10 h; B2 6 Feb 13:00 − 5 Feb 13:00 = 24 h
    assert t.loc[["A1", "A8", "B1"], "hours_to_answer"].tolist() == [2.0, 10.0, 24.0]
    # replies below A1: A2, A3, A4, A5 (below A3), A6 = 5, of them by the page A3, A6 = 2
    assert t.loc["A1", "replies"] == 5 and t.loc["A1", "page_replies"] == 2
    assert t.loc["B1", "replies"] == 2  # B2, B3; B5's parent is missing, so it is in no thread


def test_responsiveness_per_page_by_hand(ds):
    r = responsiveness(ds, min_threads=1)
    assert list(r.index) == ["P", "Q"] and r.loc["P", "page_name"] == "Sjövik kommun"
    p = r.loc["P"]
    # 16 comments; the page wrote A3, A6, A9, B2, B4 = 5, citizens the other 11 (A10 without author included)
    assert (p["citizen_comments"], p["page_comments"]) == (11, 5)
    assert (p["threads"], p["answered_threads"]) == (5, 3)
    assert p["answer_rate"] == pytest.approx(3 / 5)
    # questions: A1 ("?"), A8 (verb + subject: "Kan man"), A10 ("?"), B1 (wh-word "Varför"); A7 is not
    assert (p["questions"], p["answered_questions"]) == (4, 3)
    assert p["question_answer_rate"] == pytest.approx(3 / 4)
    # hours to first answer [2, 10, 24]: median 10; 90th percentile at rank 0.9·(3−1) = 1.8 → 10 + 0.8·14
    assert p["median_hours_to_answer"] == pytest.approx(10.0)
    assert p["p90_hours_to_answer"] == pytest.approx(21.2)
    assert p["page_comment_share"] == pytest.approx(5 / 16)
    # citizen → other citizen: A2 (b→a), A11 (d→unknown author), B3 (c→d) = 3; not A4 (a→a), A5 (a→page),
    # B5 (parent missing)
    assert p["citizen_replies"] == 3
    assert p["citizen_reply_share"] == pytest.approx(3 / 11)
    # dyads: a, b, c, d addressed the page (A1/A5, A7, A8, B1); the page replied to a (A3, A6), c (A9),
    # d (B2): mutual a, c, d of {a, b, c, d} = 3/4
    assert p["reciprocity"] == pytest.approx(0.75)
    # answer rate 0.6 ≥ 0.25 and median 10 h ≤ 48 h
    assert p["dialogue"] == "dialogue"


def test_a_page_without_comments_has_zeros_and_no_rates(ds):
    q = responsiveness(ds).loc["Q"]
    assert q[["citizen_comments", "page_comments", "threads", "questions", "citizen_replies"]].sum() == 0
    for col in ("answer_rate", "question_answer_rate", "median_hours_to_answer", "p90_hours_to_answer",
                "page_comment_share", "citizen_reply_share", "reciprocity"):
        assert math.isnan(q[col]), col
    assert pd.isna(q["dialogue"])


def test_dialogue_rule_thresholds(ds):
    # default: 5 threads < min_threads = 10 → no label
    assert pd.isna(responsiveness(ds).loc["P", "dialogue"])
    assert responsiveness(ds, min_threads=5).loc["P", "dialogue"] == "dialogue"
    # median 10 h > 8 h → one-way; answer rate 0.6 < 0.7 → one-way
    assert responsiveness(ds, min_threads=1, dialogue_hours=8).loc["P", "dialogue"] == "one-way"
    assert responsiveness(ds, min_threads=1, dialogue_rate=0.7).loc["P", "dialogue"] == "one-way"


def test_responsiveness_by_page_and_month(ds):
    r = responsiveness(ds, by=["page_id", "month"], min_threads=1)
    jan, feb = pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-01")
    # Q's post at 23:30 UTC on 31 Jan is 00:30 on 1 Feb in Oslo
    assert list(r.index) == [("P", jan), ("P", feb), ("Q", feb)]
    j, f = r.loc[("P", jan)], r.loc[("P", feb)]
    # January = post A: A1..A11; page A3, A6, A9; threads A1, A7, A8, A10; answered A1 (2 h), A8 (10 h)
    assert (j["citizen_comments"], j["page_comments"], j["threads"], j["answered_threads"]) == (8, 3, 4, 2)
    assert (j["questions"], j["answered_questions"]) == (3, 2)
    assert j["median_hours_to_answer"] == pytest.approx(6.0)  # (2 + 10) / 2
    assert j["p90_hours_to_answer"] == pytest.approx(9.2)  # 2 + 0.9 · 8
    assert j["citizen_reply_share"] == pytest.approx(2 / 8)  # A2, A11
    assert j["reciprocity"] == pytest.approx(2 / 3)  # a, c mutual of a, b, c
    # February = post B: B1..B5; page B2, B4; one thread B1 answered after 24 h; B3 the only citizen reply
    assert (f["citizen_comments"], f["page_comments"], f["threads"], f["answered_threads"]) == (3, 2, 1, 1)
    assert f["median_hours_to_answer"] == f["p90_hours_to_answer"] == pytest.approx(24.0)
    assert f["page_comment_share"] == pytest.approx(2 / 5)
    assert f["citizen_reply_share"] == pytest.approx(1 / 3)
    assert f["reciprocity"] == pytest.approx(1.0)  # d addressed the page, the page answered d
    assert r.loc[("Q", feb), "threads"] == 0


def test_responsiveness_pooled_and_by_month_add_up(ds):
    whole = responsiveness(ds, by=None, min_threads=1).iloc[0]
    assert (whole["threads"], whole["answered_threads"], whole["citizen_comments"]) == (5, 3, 11)
    month = responsiveness(ds, by="month")
    assert month["threads"].tolist() == [4, 1]
    assert "page_name" not in month.columns


def test_bad_input_is_a_clear_error(ds):
    with pytest.raises(ValueError, match="by must be"):
        responsiveness(ds, by="week")
    with pytest.raises(TypeError, match="kommunsocial.Dataset"):
        responsiveness(pd.DataFrame())
    with pytest.raises(ValueError, match="min_threads"):
        responsiveness(ds, min_threads=-1)


def test_a_dataset_without_comments():
    d = thread_dataset()
    empty = ks.Dataset(d.pages, d.posts, d.comments.iloc[:0])
    r = responsiveness(empty)
    assert r["threads"].tolist() == [0, 0] and r["answer_rate"].isna().all()
    assert threads(empty).empty


def test_page_comment_before_the_thread_is_not_an_answer():
    d = thread_dataset()
    c = d.comments.copy()
    # move the page's answer B2 to before B1 was written: broken timestamps, not an answer
    c.loc[c["comment_id"] == "B2", "created_at"] = pd.Timestamp("2024-02-05 12:45", tz="UTC")
    r = responsiveness(ks.Dataset(d.pages, d.posts, c), min_threads=1).loc["P"]
    assert r["answered_threads"] == 2
    assert r["median_hours_to_answer"] == pytest.approx(6.0)


def test_numbers_are_plain_dtypes(ds):
    r = responsiveness(ds)
    assert r["threads"].dtype == np.int64 and r["answer_rate"].dtype == np.float64
