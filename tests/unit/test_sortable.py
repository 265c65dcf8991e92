"""The sortable table's order of names in the Nordic alphabets (no operating-system locale needed),
and the comparison report's tables: substantive columns first, details folded, texts escaped."""

import re

import pandas as pd
import pytest

from kommunsocial.report import compare
from kommunsocial.report.sortable import collation_for, collation_key, collation_ranks, sortable

from .test_compare import tiny


def _sorted(names, language):
    return sorted(names, key=lambda s: collation_key(s, language))


def test_swedish_puts_a_ring_a_umlaut_o_umlaut_after_z():
    names = ["Örebro", "Älvby", "Zinkgruvan", "Åre", "Ydre", "Alingsås", "Oskarshamn"]
    assert _sorted(names, "sv") == ["Alingsås", "Oskarshamn", "Ydre", "Zinkgruvan", "Åre", "Älvby", "Örebro"]
    # Finnish writes them in the same order
    assert _sorted(names, "fi") == _sorted(names, "sv")


def test_swedish_reads_the_danish_norwegian_letters_as_its_own():
    # æ sorts as ä, ø as ö (CLDR sv); so Bjørkdal (ø = ö, then d) comes before Björkemåla (ö, then e)
    assert _sorted(["Björkemåla", "Bjørkdal", "Bjäre", "Bjæverskov"], "sv") == \
        ["Bjäre", "Bjæverskov", "Bjørkdal", "Björkemåla"]


def test_norwegian_and_danish_put_ae_o_slash_a_ring_after_z():
    names = ["Ålesund", "Ærø", "Øksnes", "Zeta", "Oslo", "Aure"]
    expected = ["Aure", "Oslo", "Zeta", "Ærø", "Øksnes", "Ålesund"]
    for language in ("nb", "nn", "da", "no"):
        assert _sorted(names, language) == expected, language
    # ä and ö as æ and ø; the old spelling "aa" as å (Aalborg after Zeta, before Ålesund: l-b before l-e)
    assert _sorted(["Ödeshög", "Ølen", "Äspö", "Æbeltoft"], "nb") == ["Æbeltoft", "Äspö", "Ödeshög", "Ølen"]
    assert _sorted(["Ålesund", "Aalborg", "Zeta", "Abild"], "da") == ["Abild", "Zeta", "Aalborg", "Ålesund"]


def test_without_a_nordic_language_accents_are_ignored():
    assert _sorted(["Örebro", "Zeta", "Älvby", "Oslo"], "en") == ["Älvby", "Örebro", "Oslo", "Zeta"]


def test_case_accents_digits_and_punctuation():
    # case and accents do not change the place among other names, only between otherwise equal ones
    assert _sorted(["bro", "Bro", "Åby", "abc"], "sv") == ["abc", "bro", "Bro", "Åby"]
    assert _sorted(["Étoile", "Ebbe", "Eva"], "sv") == ["Ebbe", "Étoile", "Eva"]
    # ü sorts as y in every Nordic alphabet; þ as th, ð as d
    assert _sorted(["Müller", "Myra", "Mus"], "sv") == ["Mus", "Müller", "Myra"]
    assert _sorted(["Þór", "Tyr", "Tom"], "sv") == ["Þór", "Tom", "Tyr"]
    # digits as numbers, white space before digits and digits before letters
    assert _sorted(["Sjövik 10", "Sjövik 9", "Sjövik", "Sjövik-a", "Sjövik a"], "sv") == \
        ["Sjövik", "Sjövik 9", "Sjövik 10", "Sjövik a", "Sjövik-a"]
    # different texts never tie: the key holds the text itself last
    assert collation_key("Bro") != collation_key("bro") and collation_key("x") == collation_key("x")


def test_ranks_and_the_collation_of_a_table():
    assert collation_ranks(["Älvby", None, "Zeta", "Åre", "Zeta"], "sv").tolist() == [2, pd.NA, 0, 1, 0]
    assert collation_ranks(["Älvby", "Åre"], "nb").tolist() == [0, 1]  # ä as æ, before å
    assert collation_for(["SE", "NO", "NO"]) == "nb"
    assert collation_for(["SE", "NO", None]) == "sv"  # a tie: Swedish
    assert collation_for(["DK", "FI", "FI"]) == "sv" and collation_for(["dk"]) == "nb" and collation_for([]) == "sv"


def test_the_table_is_sorted_in_its_alphabet():
    pages = [{"page_id": p, "page_name": n, "municipality_code": c, "country": "SE", "followers": 10,
              "population": None} for p, n, c in (("A", "Älvby kommun", "0169"), ("B", "Zinkby kommun", "0001"),
                                                   ("C", "Åby kommun", "0002"))]
    posts = [{"post_id": f"{p}1", "page_id": p, "created_at": "2024-01-01 09:00", "post_type": "photo",
              "n_reactions": 1, "n_comments": 0, "n_shares": 0, "followers_at_posting": 10, "tone": "formal",
              "formality": 60.0} for p in "ABC"]
    t = compare.municipality_table(tiny(comments=[], posts=posts, pages=pages))
    assert list(t["page_name"]) == ["Zinkby kommun", "Åby kommun", "Älvby kommun"]  # not Å before Ä (code points)


def test_sortable_writes_ranks_escaped_texts_and_alignment():
    frame = pd.DataFrame({"name": ["Älvby <b>x</b>", "Zeta"], "E": [1234.5, 2.25]})
    html = sortable(frame)._repr_html_()
    assert 'data-k="1">Älvby &lt;b&gt;x&lt;/b&gt;</td>' in html and 'data-k="0">Zeta</td>' in html
    assert '<td class="n" data-k="1234.5">1,234.50</td>' in html
    table_id = re.search(r'<table id="([^"]+)"', html).group(1)
    # texts left, numbers right, the first column and the header row stay in view
    assert f"#{table_id} td{{" in html and "text-align:left" in html and f"#{table_id} td.n{{text-align:right}}" in html
    assert f"#{table_id} th:first-child,#{table_id} td:first-child{{position:sticky;left:0" in html
    assert "localeCompare" not in html  # the order is the ranks', not the browser's locale's


@pytest.fixture(scope="module")
def table():
    return compare.municipality_table(tiny(), min_threads=1)


def test_overview_puts_the_measures_first_and_folds_the_rest(table):
    every = [c for columns in compare.OVERVIEW.values() for c in columns if c != "page_name"]
    assert sorted(every) == sorted(set(compare.COLUMNS) - {"page_name"})  # each column in one table exactly
    html = compare.overview(table)._repr_html_()
    tables = html.split("<table")[1:]
    assert len(tables) == 3 and html.count("<details>") == 2
    heads = [re.findall(r'title="click to sort">([^<]+)</th>', t) for t in tables]
    assert heads[0][:5] == ["municipality", "engagement E", "threads answered %", "median hours to answer",
                            "conversational posts %"]
    assert all(h[0] == "municipality" for h in heads)  # the name first in every table
    assert "followers counted" in heads[2] and re.search(r">latest count<|>at posting<|>mixed<", tables[2])
    # the hand-worked values of test_municipality_table_by_hand: Fjordvik E 15, answered 1 of 3 threads;
    # Sjöviks E 9, answered 1 of 1 (a column shows the decimals its values need, the same for every row)
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", tables[0].split("</thead>")[1])
    assert cells[:3] == ["Fjordvik kommune", "15", "33.3"] and cells[9:12] == ["Sjöviks kommun", "9", "100.0"]


def test_overview_escapes_page_names(table):
    hostile = table.assign(page_name=["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>'])
    html = compare.overview(hostile)._repr_html_()
    assert "<script>alert" not in html and "<img" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 3  # in each of the three tables
