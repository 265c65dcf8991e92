"""The fast network code gives exactly what the straightforward implementation it replaced gave.

The earlier implementation of ``comment_table``, ``threads``, the reply, two-mode and co-commenting
graphs, ``responsiveness`` and ``is_question`` is kept below as a slow reference: pandas merges and
groupbys, networkx ``add_*_from`` calls, one Python call per text and sentence. The fast code must
return the same frames (values, dtypes, index) and graphs equal down to the order of the nodes, of
the edges and of every adjacency dict, with attributes of the same types — on the bundled sample, on
the hand-built thread fixture and on small random datasets with every irregularity the data can
have (missing and cyclic parents, comments without author, page answers timestamped before the
thread, pages without a name or a known country, ...).
"""

from __future__ import annotations

import re

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import kommunsocial as ks
from kommunsocial import network
from kommunsocial.config import page_timezone
from kommunsocial.network._example import make_dataset
from kommunsocial.network.graphs import _build_reply_graph
from kommunsocial.network.questions import INTERROGATIVES, LANGS, QUESTION_VERBS, SUBJECTS

from .test_network_responsiveness import thread_dataset

# ----------------------------------------------------------------------------------------------
# the reference: the implementation before it was made fast


def ref_local_month(times, countries):
    out = pd.Series(pd.NaT, index=times.index, dtype="datetime64[us]")
    for country, idx in times.groupby(countries.astype("object").fillna(""), sort=True).groups.items():
        local = times.loc[idx].dt.tz_convert(page_timezone(country or None)).dt.tz_localize(None)
        out.loc[idx] = local.dt.to_period("M").dt.to_timestamp().astype("datetime64[us]")
    return out


def ref_comment_table(ds):
    c = ds.comments
    posts = ds.posts[["post_id", "page_id", "created_at"]].rename(columns={"created_at": "post_at"})
    country = ds.pages.drop_duplicates("page_id").set_index("page_id")["country"].astype("object")
    out = c.merge(posts, on="post_id", how="left", validate="many_to_one")
    out["month"] = ref_local_month(out["post_at"], out["page_id"].map(country))
    is_page = out["author_is_page"].fillna(False).to_numpy(dtype=bool)
    out["node"] = out["author_id"].where(~is_page, out["page_id"]).astype("string")
    n = len(out)
    top = out["parent_id"].isna().to_numpy()
    pos = pd.Index(out["comment_id"]).get_indexer(out["parent_id"].astype("object").where(~top, None))
    pos = np.where(top, -1, pos)
    out["parent_pos"] = pos
    out["parent_missing"] = (~top) & (pos < 0)
    has_parent = pos >= 0
    parent_node = pd.Series(pd.NA, index=out.index, dtype="string")
    parent_node[has_parent] = out["node"].to_numpy()[pos[has_parent]]
    out["parent_node"] = parent_node
    parent_is_page = np.zeros(n, dtype=bool)
    parent_is_page[has_parent] = is_page[pos[has_parent]]
    out["parent_is_page"] = parent_is_page
    root = np.where(top, np.arange(n), pos)
    for _ in range(200):
        climbing = root >= 0
        climbing[climbing] = ~top[root[climbing]]
        if not climbing.any():
            break
        root[climbing] = pos[root[climbing]]
    else:
        climbing = root >= 0
        climbing[climbing] = ~top[root[climbing]]
        root[climbing] = -1
    out["root_pos"] = root
    created = out["created_at"]
    root_at = pd.Series(pd.NaT, index=out.index, dtype=created.dtype)
    ok = root >= 0
    root_at[ok] = created.to_numpy()[root[ok]]
    out["root_at"] = root_at
    root_is_page = np.zeros(n, dtype=bool)
    root_is_page[ok] = is_page[root[ok]]
    out["root_is_page"] = root_is_page
    return out


def ref_threads(ds, table=None):
    c = ref_comment_table(ds) if table is None else table
    is_page = c["author_is_page"].fillna(False).to_numpy(dtype=bool)
    top = c["parent_id"].isna().to_numpy()
    roots = c[top & ~is_page]
    below = c[(c["root_pos"].to_numpy() >= 0) & ~top]
    replies = below.groupby("root_pos").size()
    answers = below[below["author_is_page"].fillna(False).to_numpy(dtype=bool)
                    & (below["created_at"] >= below["root_at"]).to_numpy(dtype=bool)]
    page_replies = answers.groupby("root_pos").size()
    first = answers.groupby("root_pos")["created_at"].min()
    pos = pd.Index(roots.index)
    out = pd.DataFrame({
        "comment_id": roots["comment_id"].to_numpy(), "post_id": roots["post_id"].to_numpy(),
        "page_id": roots["page_id"].to_numpy(), "month": roots["month"].to_numpy(),
        "author_id": roots["author_id"].to_numpy(), "started_at": roots["created_at"].to_numpy(),
        "text": roots["text"].to_numpy(), "lang": roots["lang"].astype("object").to_numpy(),
        "replies": replies.reindex(pos, fill_value=0).to_numpy(dtype="int64"),
        "page_replies": page_replies.reindex(pos, fill_value=0).to_numpy(dtype="int64"),
    })
    for col in ("comment_id", "post_id", "page_id", "author_id", "text"):
        out[col] = out[col].astype("string")
    out["started_at"] = out["started_at"].astype(c["created_at"].dtype)
    out["first_answer_at"] = pd.Series(first.reindex(pos).to_numpy(), dtype=c["created_at"].dtype)
    out["answered"] = out["first_answer_at"].notna()
    out["hours_to_answer"] = (out["first_answer_at"] - out["started_at"]).dt.total_seconds() / 3600
    return out


def ref_reply_edges(table):
    top = table["parent_id"].isna().to_numpy()
    target = table["parent_node"].where(~top, table["page_id"]).astype("string")
    no_author = table["node"].isna().to_numpy()
    missing_parent = table["parent_missing"].to_numpy(dtype=bool)
    unknown_parent = ~top & ~missing_parent & target.isna().to_numpy()
    self_reply = (table["node"] == target).fillna(False).to_numpy(dtype=bool)
    keep = ~no_author & ~missing_parent & ~unknown_parent & ~self_reply
    edges = pd.DataFrame({"source": table["node"][keep], "target": target[keep],
                          "created_at": table["created_at"][keep], "page_id": table["page_id"][keep]})
    dropped = {"comments": int(len(table)), "comments_without_author": int(no_author.sum()),
               "replies_to_missing_comment": int((missing_parent & ~no_author).sum()),
               "replies_to_unknown_author": int((unknown_parent & ~no_author).sum()),
               "self_replies": int((self_reply & ~no_author).sum())}
    return edges.reset_index(drop=True), dropped


def ref_build_reply_graph(table, pages):
    edges, dropped = ref_reply_edges(table)
    G = nx.DiGraph()
    G.graph.update(dropped)
    authored = table.loc[table["node"].notna(), ["node", "comment_id"]].assign(top=table["parent_id"].isna())
    counts = authored.groupby("node").agg(n_comments=("comment_id", "size"), n_top_level=("top", "sum"))
    names = pages.drop_duplicates("page_id").set_index("page_id")["page_name"]
    ids = sorted(set(counts.index) | set(names.index))
    nodes = counts.reindex(ids, fill_value=0)
    is_page = nodes.index.isin(names.index)
    nodes["role"] = np.where(is_page, "page", "citizen")
    nodes["label"] = [str(names[i]) if p else str(i) for i, p in zip(nodes.index, is_page)]
    G.add_nodes_from((node, {"role": role, "label": label, "n_comments": int(n), "n_top_level": int(k)})
                     for node, n, k, role, label in nodes[["n_comments", "n_top_level", "role", "label"]]
                     .itertuples(name=None))
    if len(edges):
        agg = (edges.groupby(["source", "target"], sort=True)["created_at"]
               .agg(["size", "min", "max"]).reset_index())
        G.add_edges_from((s, t, {"weight": int(w), "first_at": lo, "last_at": hi})
                         for s, t, w, lo, hi in agg.itertuples(index=False, name=None))
    return G


def ref_select(ds, page):
    return ds if page in (None, "", []) else ds.select(page=page)


def ref_reply_graph(ds, page=None):
    ds = ref_select(ds, page)
    return ref_build_reply_graph(ref_comment_table(ds), ds.pages)


def ref_bipartite_graph(ds, page=None, include_pages=False):
    ds = ref_select(ds, page)
    c = ds.comments
    c = c[c["author_id"].notna()]
    if not include_pages:
        c = c[~c["author_is_page"].fillna(False).to_numpy(dtype=bool)]
    B = nx.Graph()
    B.graph["comments_without_author"] = int(ds.comments["author_id"].isna().sum())
    if not len(c):
        return B
    per_author = c.groupby("author_id").agg(n_comments=("comment_id", "size"), is_page=("author_is_page", "any"))
    B.add_nodes_from((a, {"bipartite": 0, "role": "page" if p else "citizen", "n_comments": int(n)})
                     for a, n, p in per_author.itertuples(name=None))
    posts = ds.posts.set_index("post_id")
    posts = posts.loc[sorted(c["post_id"].unique())]
    tone = posts["tone"] if "tone" in posts.columns else pd.Series(pd.NA, index=posts.index)
    B.add_nodes_from(
        (pid, {"bipartite": 1, "role": "post", "page_id": page, "post_type": str(kind), "created_at": when,
               **({"tone": t} if pd.notna(t) else {})})
        for pid, page, kind, when, t in zip(posts.index, posts["page_id"], posts["post_type"],
                                            posts["created_at"], tone))
    agg = c.groupby(["author_id", "post_id"], sort=True)["created_at"].agg(["size", "min", "max"]).reset_index()
    B.add_edges_from((a, p, {"weight": int(w), "first_at": lo, "last_at": hi})
                     for a, p, w, lo, hi in agg.itertuples(index=False, name=None))
    return B


def ref_commenter_graph(ds, min_weight=2, page=None):
    from scipy import sparse

    ds = ref_select(ds, page)
    c = ds.comments
    G = nx.Graph()
    G.graph["comments"] = int(len(c))
    c = c[c["author_id"].notna() & ~c["author_is_page"].fillna(False).to_numpy(dtype=bool)]
    G.graph["min_weight"] = int(min_weight)
    G.graph["commenters"] = int(c["author_id"].nunique())
    if not len(c):
        return G
    page_of = ds.posts.set_index("post_id")["page_id"]
    c = c.assign(page_id=c["post_id"].map(page_of).to_numpy())
    pairs = c[["author_id", "post_id"]].drop_duplicates()
    authors, a_idx = np.unique(pairs["author_id"].to_numpy(dtype=object).astype(str), return_inverse=True)
    authors = [str(a) for a in authors]
    _, p_idx = np.unique(pairs["post_id"].to_numpy(dtype=object).astype(str), return_inverse=True)
    M = sparse.csr_matrix((np.ones(len(pairs), dtype=np.int32), (a_idx, p_idx)))
    co = sparse.triu(M @ M.T, k=1).tocoo()
    keep = co.data >= min_weight
    rows, cols, weights = co.row[keep], co.col[keep], co.data[keep]
    tied = np.unique(np.concatenate([rows, cols]))
    per_author = c.groupby("author_id").agg(n_comments=("comment_id", "size"), n_posts=("post_id", "nunique"))
    main_page = (c.groupby(["author_id", "page_id"]).size().rename("n").reset_index()
                 .sort_values(["author_id", "n", "page_id"], ascending=[True, False, True])
                 .drop_duplicates("author_id").set_index("author_id")["page_id"])
    for i in tied:
        a = authors[i]
        G.add_node(a, role="citizen", n_posts=int(per_author.at[a, "n_posts"]),
                   n_comments=int(per_author.at[a, "n_comments"]), main_page=str(main_page[a]))
    order = np.lexsort((cols, rows))
    G.add_edges_from((authors[r], authors[k], {"weight": int(w)})
                     for r, k, w in zip(rows[order], cols[order], weights[order]))
    return G


_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MENTION = re.compile(r"(?:^|\s)@\w+")
_SENTENCE = re.compile(r"[.!?…:;\n\r]+|[\u2600-\u27bf\U0001f000-\U0001faff]+")
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


def ref_one(text, lang):
    if not isinstance(text, str) or not text:
        return False
    text = _MENTION.sub(" ", _URL.sub(" ", text))
    if "?" in text:
        return True
    for sentence in _SENTENCE.split(text):
        words = _WORD.findall(sentence.casefold())
        if words and (words[0] in INTERROGATIVES[lang]
                      or (len(words) > 1 and words[0] in QUESTION_VERBS[lang] and words[1] in SUBJECTS[lang])):
            return True
    return False


def ref_is_question(texts, lang=None):
    index = texts.index if isinstance(texts, pd.Series) else None
    values = list(texts)
    langs = [lang] * len(values) if isinstance(lang, str) or lang is None else list(lang)
    keys = [code if isinstance(code, str) and code in LANGS else "all" for code in langs]
    return pd.Series([ref_one(t, k) for t, k in zip(values, keys)], index=index, name="is_question", dtype=bool)


def ref_responsiveness(ds, by="page_id", min_threads=10, dialogue_rate=0.25, dialogue_hours=48.0):
    keys = {"page_id": ["page_id"], "month": ["month"], ("page_id", "month"): ["page_id", "month"], None: []}[
        tuple(by) if isinstance(by, list) else by]
    table = ref_comment_table(ds)
    th = ref_threads(ds, table=table)
    th = th.assign(is_question=ref_is_question(th["text"], th["lang"]).to_numpy())
    is_page = table["author_is_page"].fillna(False).to_numpy(dtype=bool)

    def count(frame, mask, name):
        sub = frame.loc[np.asarray(mask, dtype=bool), keys]
        if not keys:
            return pd.Series([len(sub)], index=["all"], name=name)
        return sub.groupby(keys, observed=True).size().rename(name)

    self_reply = (table["node"] == table["parent_node"]).fillna(False).to_numpy(dtype=bool)
    citizen_reply = (~is_page & (table["parent_pos"].to_numpy() >= 0) & ~table["parent_is_page"].to_numpy()
                     & ~self_reply)
    answered = th["answered"].to_numpy(dtype=bool)
    parts = [count(table, ~is_page, "citizen_comments"), count(table, is_page, "page_comments"),
             count(th, np.ones(len(th), dtype=bool), "threads"), count(th, answered, "answered_threads"),
             count(th, th["is_question"], "questions"),
             count(th, th["is_question"].to_numpy() & answered, "answered_questions"),
             count(table, citizen_reply, "citizen_replies")]
    hours = th.loc[answered, keys + ["hours_to_answer"]]
    if keys:
        grouped = hours.groupby(keys, observed=True)["hours_to_answer"]
        parts += [grouped.median().rename("median_hours_to_answer"),
                  grouped.quantile(0.9).rename("p90_hours_to_answer")]
    else:
        h = hours["hours_to_answer"]
        parts += [pd.Series([h.median()], index=["all"], name="median_hours_to_answer"),
                  pd.Series([h.quantile(0.9)], index=["all"], name="p90_hours_to_answer")]
    dyad = list(dict.fromkeys(keys + ["page_id"]))
    known = table["node"].notna().to_numpy()
    to_page = ~is_page & known & (table["parent_id"].isna().to_numpy() | table["parent_is_page"].to_numpy())
    from_page = is_page & table["parent_node"].notna().to_numpy() & ~table["parent_is_page"].to_numpy()
    a = table.loc[to_page, dyad + ["node"]].drop_duplicates().assign(a=True)
    b = (table.loc[from_page, dyad + ["parent_node"]].rename(columns={"parent_node": "node"})
         .drop_duplicates().assign(b=True))
    both = a.merge(b, on=dyad + ["node"], how="outer")
    both["mutual"] = both["a"].eq(True) & both["b"].eq(True)
    if not keys:
        parts.append(pd.Series([both["mutual"].mean() if len(both) else np.nan], index=["all"], name="reciprocity"))
    else:
        parts.append(both.groupby(keys, observed=True)["mutual"].mean().rename("reciprocity"))
    if keys == ["page_id"]:
        index = pd.Index(sorted(ds.pages["page_id"].unique()), name="page_id", dtype="string")
    elif not keys:
        index = pd.Index(["all"])
    else:
        posts = ds.posts
        country = ds.pages.drop_duplicates("page_id").set_index("page_id")["country"].astype("object")
        frame = pd.DataFrame({"page_id": posts["page_id"],
                              "month": ref_local_month(posts["created_at"], posts["page_id"].map(country))})
        frame = frame[keys].drop_duplicates().sort_values(keys)
        index = pd.MultiIndex.from_frame(frame) if len(keys) > 1 else pd.Index(frame[keys[0]], name=keys[0])
    out = pd.DataFrame(index=index)
    for part in parts:
        out[part.name] = part.reindex(index).to_numpy()
    counts = ["citizen_comments", "page_comments", "threads", "answered_threads", "questions",
              "answered_questions", "citizen_replies"]
    out[counts] = out[counts].fillna(0).astype("int64")
    for col in ("median_hours_to_answer", "p90_hours_to_answer", "reciprocity"):
        out[col] = out[col].astype("float64")

    def ratio(num, den):
        n, d = out[num].to_numpy(dtype=float), out[den].to_numpy(dtype=float)
        return np.divide(n, d, out=np.full(len(out), np.nan), where=d > 0)

    out["answer_rate"] = ratio("answered_threads", "threads")
    out["question_answer_rate"] = ratio("answered_questions", "questions")
    total = out["page_comments"] + out["citizen_comments"]
    out["page_comment_share"] = np.divide(out["page_comments"].to_numpy(dtype=float), total.to_numpy(dtype=float),
                                          out=np.full(len(out), np.nan), where=total.to_numpy() > 0)
    out["citizen_reply_share"] = ratio("citizen_replies", "citizen_comments")
    is_dialogue = (out["answer_rate"] >= dialogue_rate) & (out["median_hours_to_answer"] <= dialogue_hours)
    label = pd.Series(np.where(is_dialogue, "dialogue", "one-way"), index=out.index, dtype="string")
    out["dialogue"] = label.mask(out["threads"] < max(int(min_threads), 1))
    from kommunsocial.network.responsiveness import COLUMNS

    out = out[COLUMNS]
    if "page_id" in keys:
        names = ds.pages.drop_duplicates("page_id").set_index("page_id")["page_name"]
        out.insert(0, "page_name", names.reindex(out.index.get_level_values("page_id")).to_numpy())
        out["page_name"] = out["page_name"].astype("string")
    return out


# ----------------------------------------------------------------------------------------------
# comparisons


def assert_same_frame(new, ref):
    pd.testing.assert_frame_equal(new, ref, check_exact=True)
    assert list(new.dtypes) == list(ref.dtypes)


def _typed(d):
    return [(k, type(v), v.unit if isinstance(v, pd.Timestamp) else None, str(getattr(v, "tz", None)))
            for k, v in d.items()]


def assert_same_graph(new, ref):
    assert type(new) is type(ref)
    assert new.graph == ref.graph
    assert list(new.nodes) == list(ref.nodes)
    for (v, d), (_, e) in zip(new.nodes(data=True), ref.nodes(data=True)):
        assert d == e and _typed(d) == _typed(e), v
    adjacencies = ("_succ", "_pred") if new.is_directed() else ("_adj",)
    for name in adjacencies:
        a, b = getattr(new, name), getattr(ref, name)
        for v in a:
            assert list(a[v]) == list(b[v]), (name, v)
            for w in a[v]:
                assert a[v][w] == b[v][w] and _typed(a[v][w]) == _typed(b[v][w]), (name, v, w)
    assert list(new.edges) == list(ref.edges)
    for u, v in new.edges:  # one attribute dict for both ends, as networkx keeps it
        assert new._adj[u][v] is (new._pred[v][u] if new.is_directed() else new._adj[v][u])


def random_dataset(seed: int) -> ks.Dataset:
    """Pages in three countries and one of unknown country (another without a name), two dozen
    posts, comments with random parents (chains, missing parents, a cycle), authors missing or
    shared between pages, the page answering before the thread started, equal timestamps."""
    rng = np.random.default_rng(seed)
    pages = [{"page_id": f"P{i}", "page_name": f"Kommun {i}", "country": country}
             for i, country in enumerate(["SE", "NO", "DK", None, "SE"])]
    pages[4]["page_name"] = None
    start = pd.Timestamp("2023-12-30 22:00", tz="UTC")
    posts = [{"post_id": f"P{i % 5}_{i}", "page_id": f"P{i % 5}",
              "created_at": start + pd.Timedelta(hours=int(rng.integers(0, 24 * 70))),
              "post_type": ["photo", "link", "status"][i % 3]} for i in range(24)]
    texts = ["Hur gör man?", "Tack!", "Kan man parkera där", "Korleis søkjer eg", "Hvad koster det",
             "When does it open", "Bra 👍 varför då", "Se https://x.se/?a=1", "@Anna vad tycker du", "",
             "Ja. Kan vi komma", "Nej", "Vet ni när"]
    citizens = [f"p_{k:02d}" for k in range(9)]
    comments = []
    for i in range(260):
        post = posts[int(rng.integers(0, len(posts)))]
        page = post["page_id"]
        by_page = rng.random() < 0.2
        author = page if by_page else (None if rng.random() < 0.05 else citizens[int(rng.integers(0, 9))])
        same_post = [c for c in comments if c["post_id"] == post["post_id"]]
        parent = None
        if same_post and rng.random() < 0.55:
            parent = same_post[int(rng.integers(0, len(same_post)))]["comment_id"]
        elif rng.random() < 0.04:
            parent = f"gone{i}"  # a parent missing from the export
        when = post["created_at"] + pd.Timedelta(minutes=int(rng.integers(-30, 60 * 24 * 5)))
        comments.append({"comment_id": f"c{i:03d}", "post_id": post["post_id"], "parent_id": parent,
                         "author_id": author, "author_is_page": by_page, "created_at": when,
                         "text": texts[int(rng.integers(0, len(texts)))],
                         "lang": [None, "sv", "nb", "nn", "da", "en", "fi", "und"][int(rng.integers(0, 8))]})
    # a cycle of parents, and a reply to a reply to a missing parent
    comments += [{"comment_id": "x1", "post_id": posts[0]["post_id"], "parent_id": "x2", "author_id": "p_01",
                  "author_is_page": False, "created_at": start, "text": "Hur?", "lang": "sv"},
                 {"comment_id": "x2", "post_id": posts[0]["post_id"], "parent_id": "x1", "author_id": "P0",
                  "author_is_page": True, "created_at": start, "text": "Så här.", "lang": "sv"},
                 {"comment_id": "x3", "post_id": posts[1]["post_id"], "parent_id": "gone", "author_id": "p_02",
                  "author_is_page": False, "created_at": start, "text": "Va", "lang": None},
                 {"comment_id": "x4", "post_id": posts[1]["post_id"], "parent_id": "x3", "author_id": "P1",
                  "author_is_page": True, "created_at": start, "text": "Ja", "lang": None}]
    return make_dataset(pages, posts, comments)


DATASETS = {"thread fixture": thread_dataset, **{f"random {s}": (lambda s=s: random_dataset(s)) for s in range(4)}}


@pytest.fixture(scope="module", params=["sample", *DATASETS])
def ds(request):
    if request.param == "sample":
        return request.getfixturevalue("sample_dataset")
    return DATASETS[request.param]()


def test_comment_table_and_threads(ds):
    table = network.comment_table(ds)
    assert_same_frame(table, ref_comment_table(ds))
    assert_same_frame(network.threads(ds), ref_threads(ds))
    # a table narrowed by the caller keeps its index labels: threads are found by label
    part = table[table["page_id"] == table["page_id"].dropna().iloc[0]] if table["page_id"].notna().any() else table
    assert_same_frame(network.threads(ds, table=part), ref_threads(ds, table=part))


@pytest.mark.parametrize("by", ["page_id", "month", ["page_id", "month"], None])
def test_responsiveness(ds, by):
    assert_same_frame(network.responsiveness(ds, by=by, min_threads=2),
                      ref_responsiveness(ds, by=by, min_threads=2))


def test_reply_graphs(ds):
    assert_same_graph(network.reply_graph(ds), ref_reply_graph(ds))
    page = ds.pages["page_id"].iloc[0]
    assert_same_graph(network.reply_graph(ds, page=page), ref_reply_graph(ds, page=page))
    # page_measures builds one graph per page from slices of the table
    table = network.comment_table(ds)
    for page_id, rows in table.groupby("page_id", sort=True):
        pages = ds.pages[ds.pages["page_id"] == page_id]
        assert_same_graph(_build_reply_graph(rows, pages), ref_build_reply_graph(rows, pages))


@pytest.mark.parametrize("include_pages", [False, True])
def test_bipartite_graph(ds, include_pages):
    assert_same_graph(network.bipartite_graph(ds, include_pages=include_pages),
                      ref_bipartite_graph(ds, include_pages=include_pages))


def test_bipartite_graph_with_tone(ds):
    tone = np.where(np.arange(len(ds.posts)) % 3 == 0, None, "formal").astype(object)
    toned = ks.Dataset(ds.pages, ds.posts.assign(tone=tone), ds.comments)
    assert_same_graph(network.bipartite_graph(toned), ref_bipartite_graph(toned))


@pytest.mark.parametrize("min_weight", [1, 2, 3])
def test_commenter_graph(ds, min_weight):
    assert_same_graph(network.commenter_graph(ds, min_weight=min_weight), ref_commenter_graph(ds, min_weight))


def test_is_question_on_texts_of_every_kind():
    rng = np.random.default_rng(0)
    words = sorted(set().union(*[s for d in (INTERROGATIVES, QUESTION_VERBS, SUBJECTS) for s in d.values()]))
    pieces = words + ["Hur", "KAN", "Man", "İ", "ß", "Σ", "❶", "😀", "☀", "-", "'", "’", "?", ".", "…", ":", ";",
                      "\n", " ", "1", "_", "@anna", "http://x.se/?a=1", "www.y.no", "HTTPS://Z", "é", "kan-man",
                      "hur'", "\t", ",", "!", "🄰", "Ⅻ", "²", "\u0307", "K", "x"]
    texts = ["".join(pieces[int(i)] + [" ", "", "-", "❶"][int(j)]
                     for i, j in zip(rng.integers(0, len(pieces), k), rng.integers(0, 4, k)))
             for k in rng.integers(0, 7, 20000)]
    texts += [None, "", float("nan"), pd.NA]
    langs = [[None, "sv", "nb", "nn", "da", "en", "fi"][int(i)] for i in rng.integers(0, 7, len(texts))]
    assert network.is_question(texts, langs).tolist() == ref_is_question(texts, langs).tolist()
    for lang in ("sv", "nn", None):
        assert network.is_question(texts, lang).tolist() == ref_is_question(texts, lang).tolist()
