"""Hand-coding workflow: textbook agreement values, sheets, errors, simulated coders, validation."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

import kommunsocial as ks
from kommunsocial.tone import coding, reliability

N = None
# Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg School for
# Communication, University of Pennsylvania, section C: 4 observers, 12 units, values 1-5 with
# missing values. Published: nominal alpha = 0.743, ordinal alpha = 0.815.
KRIPPENDORFF_C = [[1, 1, N, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
                  [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [N, 5, 5, 5], [N, N, 1, 1], [N, 3, N, N]]
# Same source, section A: two observers, ten units, binary values. Published alpha = 0.095.
KRIPPENDORFF_A = [[0, 1], [1, 1], [0, 1], [0, 0], [0, 0], [0, 1], [0, 0], [0, 0], [1, 0], [0, 0]]


def test_krippendorff_alpha_textbook_values():
    assert round(reliability.krippendorff_alpha(KRIPPENDORFF_C, level="nominal"), 3) == 0.743
    assert round(reliability.krippendorff_alpha(KRIPPENDORFF_C, level="ordinal"), 3) == 0.815
    assert round(reliability.krippendorff_alpha(KRIPPENDORFF_A), 3) == 0.095


def test_cohen_kappa_textbook_value():
    # The worked example of Cohen's kappa in Wikipedia ("Cohen's kappa", Simple example), after
    # Cohen (1960): 50 grant proposals, readers A and B: both yes 20, A yes / B no 5, A no / B yes 10,
    # both no 15. By hand: p_o = 35/50 = 0.70; p_e = 0.5*0.6 + 0.5*0.4 = 0.50; kappa = 0.2/0.5 = 0.40.
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert reliability.cohen_kappa(a, b) == pytest.approx(0.40)
    assert reliability.cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b))


def test_percent_agreement_by_hand():
    # units: (a,a) agree, (a,b) disagree, (b,b) agree, (a,-) unpairable -> 2/3
    assert reliability.percent_agreement([["a", "a"], ["a", "b"], ["b", "b"], ["a", None]]) == pytest.approx(2 / 3)
    # three coders on one unit (a,a,b): pairs aa agree, ab, ab disagree -> 1/3
    assert reliability.percent_agreement([["a", "a", "b"]]) == pytest.approx(1 / 3)


def _long(matrix, variable):
    rows = [{"post_id": str(u), "coder": f"c{j}", variable: v}
            for u, row in enumerate(matrix) for j, v in enumerate(row) if v is not None]
    return pd.DataFrame(rows)


def test_reliability_table_and_bootstrap():
    coded = _long(KRIPPENDORFF_C, "formality")
    table = reliability.reliability(coded, level="ordinal", n_boot=300, seed=1)
    assert table.loc["krippendorff_alpha", "estimate"] == pytest.approx(0.8154, abs=1e-4)
    assert "cohen_kappa" not in table.index  # four coders
    assert table.loc["krippendorff_alpha", "ci_low"] <= 0.815 <= table.loc["krippendorff_alpha", "ci_high"]
    assert table["units"].iloc[0] == 11  # unit 12 has one value only: not pairable
    again = reliability.reliability(coded, level="ordinal", n_boot=300, seed=1)
    pd.testing.assert_frame_equal(table, again)


def test_sample_for_coding_is_stratified_blind_and_seeded(tmp_path):
    posts = pd.DataFrame({
        "post_id": [f"p{i}" for i in range(100)],
        "page_id": ["A"] * 75 + ["B"] * 25,
        "created_at": pd.Timestamp("2024-02-01", tz="UTC"),
        "text": "Kommunen informerar om vägarbeten",
        "post_type": "photo",
        "formality": 99.0,  # a model score must not reach the sheet
    })
    sheet = coding.sample_for_coding(posts, 20, seed=3, path=tmp_path / "sheet.csv")
    assert sheet["page"].value_counts().to_dict() == {"A": 15, "B": 5}  # 75 % / 25 % of 20
    assert list(sheet.columns) == ["id", "page", "date", "text", "tone", "formality"]
    assert (sheet["formality"] == "").all() and (sheet["tone"] == "").all()
    assert (tmp_path / "sheet.codebook.md").is_file()
    assert sheet.equals(coding.sample_for_coding(posts, 20, seed=3))
    assert not sheet.equals(coding.sample_for_coding(posts, 20, seed=4))
    xlsx = coding.write_sheet(sheet, tmp_path / "sheet.xlsx")
    assert set(pd.ExcelFile(xlsx).sheet_names) == {"coding", "codebook"}


def _write(path, rows):
    pd.DataFrame(rows, columns=["id", "page", "date", "text", "tone", "formality"]).to_csv(path, index=False)
    return path


def test_read_coding_long_table_and_clear_errors(tmp_path):
    a = _write(tmp_path / "anna.csv", [["1", "P", "2024-01-01", "t", "formal", "5"],
                                       ["2", "P", "2024-01-01", "t", "Conversational ", "2"],
                                       ["3", "P", "2024-01-01", "t", "", ""]])
    b = _write(tmp_path / "bo.csv", [["1", "P", "2024-01-01", "t", "formal", "4"],
                                     ["2", "P", "2024-01-01", "t", "formal", "3"]])
    coded = coding.read_coding([a, b])
    assert len(coded) == 4 and set(coded["coder"]) == {"anna", "bo"}
    assert coded.loc[coded["coder"] == "anna", "tone"].tolist() == ["formal", "conversational"]
    bad = _write(tmp_path / "cleo.csv", [["1", "P", "2024-01-01", "t", "formal", "4"],
                                         ["2", "P", "2024-01-01", "t", "formell", "3"]])
    with pytest.raises(coding.CodingError, match=r"cleo.csv, row 3, column 'tone': 'formell'"):
        coding.read_coding([a, bad])
    bad = _write(tmp_path / "dan.csv", [["1", "P", "2024-01-01", "t", "formal", "7"]])
    with pytest.raises(coding.CodingError, match=r"dan.csv, row 2, column 'formality'"):
        coding.read_coding([a, bad])
    with pytest.raises(coding.CodingError, match="at least two"):
        coding.read_coding([a])


def test_validate_by_hand():
    # gold: a f, b f, c c, d c; predicted: a f, b c, c c, d c (d is "sv", others "nb")
    # formal: precision 1/1, recall 1/2, F1 2/3; conversational: precision 2/3, recall 2/2, F1 0.8
    gold = pd.Series(["formal", "formal", "conversational", "conversational"], index=list("abcd"))
    pred = pd.Series(["formal", "conversational", "conversational", "conversational"], index=list("abcd"))
    out = reliability.validate(pred, gold, lang=pd.Series(["nb", "nb", "nb", "sv"], index=list("abcd")))
    s = out["scores"]
    assert s.loc["all", "f1_formal"] == pytest.approx(0.667) and s.loc["all", "f1_conversational"] == 0.8
    assert s.loc["all", "macro_f1"] == pytest.approx(0.733)
    assert s.loc["sv", "n"] == 1 and s.loc["nb", "n"] == 3
    assert out["confusion"].loc[("all", "formal"), "conversational"] == 1


def test_gold_is_the_majority_and_ties_are_left_out():
    coded = pd.DataFrame({"post_id": ["1", "1", "1", "2", "2"], "coder": ["a", "b", "c", "a", "b"],
                          "tone": ["formal", "formal", "conversational", "formal", "conversational"]})
    assert reliability.gold_labels(coded).to_dict() == {"1": "formal"}


def test_simulated_coders_agree_as_planted():
    corpus = ks.sample.generate(n_pages=4, years=1, seed=1)
    sheets = coding.simulate_coders(corpus.posts, n=400, seed=2)
    a, b = sheets["coder_a"], sheets["coder_b"]
    assert a["id"].tolist() == b["id"].tolist() and len(a) == 400
    truth = corpus.posts.set_index("post_id")["_tone"]
    err_a = (a["tone"].to_numpy() != truth.reindex(a["id"]).to_numpy()).mean()
    assert abs(err_a - 0.06) < 0.04  # planted error rate of coder a
    agree = (a["tone"].to_numpy() == b["tone"].to_numpy()).mean()
    assert abs(agree - (0.94 * 0.90 + 0.06 * 0.10)) < 0.05  # expected agreement 0.852
    assert set(a["formality"]) <= {1, 2, 3, 4, 5}


def test_simulated_coders_err_on_hard_posts_at_their_own_rates():
    """Error rates 0 on clear posts and 1 (coder a) or 0 (coder b) on the others: a is wrong on exactly the
    hard posts, b on none, and a's flipped formal posts are rated 3 at most."""
    n = 40
    posts = pd.DataFrame({"post_id": [str(i) for i in range(n)], "page_id": "p", "text": "Hej alla",
                          "created_at": pd.Timestamp("2024-03-01", tz="UTC"), "post_type": "photo",
                          "_tone": ["formal", "formal", "conversational", "conversational"] * (n // 4),
                          "_style": ["clear", "plain", "clear", "mixed"] * (n // 4)})
    sheets = coding.simulate_coders(posts, n=n, seed=4, error_rates=(0.0, 0.0), hard_error_rates=(1.0, 0.0))
    a, b = sheets["coder_a"], sheets["coder_b"]
    keyed = posts.set_index("post_id").reindex(a["id"])
    hard = keyed["_style"].to_numpy() != "clear"
    wrong_a = a["tone"].to_numpy() != keyed["_tone"].to_numpy()
    assert (wrong_a == hard).all() and hard.sum() == n // 2
    assert (b["tone"].to_numpy() == keyed["_tone"].to_numpy()).all()
    flipped_formal = hard & (keyed["_tone"].to_numpy() == "formal")
    assert (a["formality"].to_numpy()[flipped_formal] <= 3).all()
    # without hard rates the style is ignored: the sheets are those of the plain call
    plain_call = coding.simulate_coders(posts.drop(columns="_style"), n=n, seed=4)
    assert coding.simulate_coders(posts, n=n, seed=4)["coder_a"].equals(plain_call["coder_a"])
    with pytest.raises(ValueError, match="one error rate per coder"):
        coding.simulate_coders(posts, n=n, hard_error_rates=(0.1,))


@pytest.mark.parametrize("n_coders", [2, 3])
def test_kappa_and_alpha_agree_with_nltk(n_coders):
    from nltk.metrics.agreement import AnnotationTask

    rng = np.random.default_rng(n_coders)
    truth = rng.choice(["formal", "conversational"], 40)
    rows = []
    for c in range(n_coders):
        noisy = np.where(rng.random(40) < 0.25, rng.choice(["formal", "conversational"], 40), truth)
        rows += [{"post_id": f"p{i}", "coder": f"c{c}", "tone": t} for i, t in enumerate(noisy)]
    coded = pd.DataFrame(rows)
    ours = reliability.reliability(coded, level="nominal", n_boot=0)["estimate"]
    task = AnnotationTask(data=[(r["coder"], r["post_id"], r["tone"]) for r in rows])
    assert ours["krippendorff_alpha"] == pytest.approx(task.alpha(), abs=1e-12)
    if n_coders == 2:
        assert ours["cohen_kappa"] == pytest.approx(task.kappa(), abs=1e-12)
