"""Responsiveness on the bundled sample recovers each page's planted answer rate and answer delay.

How the sample plants them (``kommunsocial.sample._threads``): every citizen's top-level comment is
a thread; the page answers it once, with probability ``question_answer_prob`` for a question (share
``QUESTION_SHARE``) and ``answer_prob`` otherwise, so each thread is answered independently with
probability ``thread_answer_rate`` and the count of answered threads is Binomial(n, p). The answer
is a reply to the top-level comment after a log-normal delay: log(hours) ~ Normal(log m, σ = 1) with
m = ``median_hours_to_answer``, and it is the page's only (hence first) comment in the thread.

Tolerances (four standard errors: a page fails by chance with probability about 6e-5, all twelve
together with less than 1e-3; the sample is fixed, so the test is deterministic):

* answer rate: |p̂ − p| ≤ 4 √(p(1 − p)/n) + 1/(2n) (binomial standard error, continuity term);
* median delay: |log(m̂/m)| ≤ 4 · σ √(π/2) / √k over k answered threads — the asymptotic standard
  error of a sample median, 1/(2 f(median) √k), on the log scale where the density at the median
  is 1/(σ √(2π)) (van der Vaart, *Asymptotic Statistics*, 1998, §21.2);
* and, distribution-free, m lies in the order-statistic confidence interval [x_(j), x_(k−j+1)] with
  j the 0.00005 quantile of Binomial(k, 1/2) (coverage ≥ 1 − 1e-4; David & Nagaraja, *Order
  Statistics*, 2003, §7.1).
"""

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import kommunsocial as ks
from kommunsocial import network

from ..conftest import SAMPLE_RAW

Z = 4.0


@pytest.fixture(scope="module")
def truth():
    generator = json.loads((SAMPLE_RAW / "planted.json").read_text(encoding="utf-8"))["generator"]
    planted = ks.sample.planted(**generator)
    return pd.DataFrame(planted["pages"]).set_index("page_id")


@pytest.fixture(scope="module")
def resp(sample_dataset):
    return network.responsiveness(sample_dataset)


def test_every_planted_page_is_measured(resp, truth):
    assert set(resp.index) == set(truth.index)
    assert (resp["threads"] > 0).all()


def test_answer_rate_within_binomial_error(resp, truth):
    p = truth["thread_answer_rate"].reindex(resp.index)
    n = resp["threads"]
    tolerance = Z * np.sqrt(p * (1 - p) / n) + 1 / (2 * n)
    error = (resp["answer_rate"] - p).abs()
    assert (error <= tolerance).all(), pd.DataFrame({"estimate": resp["answer_rate"], "planted": p,
                                                     "tolerance": tolerance})


def test_median_hours_within_order_statistic_error(resp, truth, sample_dataset):
    m = truth["median_hours_to_answer"].reindex(resp.index)
    k = resp["answered_threads"]
    tolerance = Z * np.sqrt(np.pi / 2) / np.sqrt(k)
    log_error = np.log(resp["median_hours_to_answer"] / m).abs()
    assert (log_error <= tolerance).all(), pd.DataFrame({"estimate": resp["median_hours_to_answer"],
                                                         "planted": m, "log tolerance": tolerance})
    hours = network.threads(sample_dataset).query("answered").groupby("page_id")["hours_to_answer"]
    for page, h in hours:
        x = np.sort(h.to_numpy())
        assert np.median(x) == pytest.approx(resp.loc[page, "median_hours_to_answer"])
        j = int(stats.binom.ppf(0.5e-4, len(x), 0.5))  # 1-based rank of the lower bound
        if j >= 1:  # with fewer than ~16 answers the interval is [min, max] and says little
            assert x[j - 1] <= m[page] <= x[len(x) - j], (page, x[j - 1], m[page], x[len(x) - j])


def test_answers_come_from_the_pages_only(resp, sample_dataset):
    # the sample's pages answer each thread at most once, so answers = answered threads exactly,
    # and the page's comments are its answers
    t = network.threads(sample_dataset)
    assert (t["page_replies"] <= 1).all()
    assert resp["page_comments"].sum() == resp["answered_threads"].sum()
