"""Every report's header (dataset, municipality, period, parameters, data version, link to the index,
synthetic or not), worked out by hand on a three-post dataset, and the index that tells a
municipality's folder from a seminar's run."""

import hashlib
import json
import re
from html.parser import HTMLParser

import nbformat
import pytest

import kommunsocial as ks
from kommunsocial.network._example import make_dataset
from kommunsocial.report import header, run

from ..conftest import ROOT

HOSTILE = "<script>alert(1)</script>\n\n[x](javascript:alert(1)) $x$"
PAGES = [{"page_id": "A", "page_name": "Åre kommun", "municipality_code": "2321", "country": "SE"},
         {"page_id": "B", "page_name": HOSTILE, "municipality_code": None, "country": "NO"}]
POSTS = [{"post_id": "a1", "page_id": "A", "created_at": "2024-01-03 10:00"},
         {"post_id": "a2", "page_id": "A", "created_at": "2024-03-31 23:30"},
         {"post_id": "a3", "page_id": "A", "created_at": "2024-02-10 12:00"},
         {"post_id": "b1", "page_id": "B", "created_at": "2023-05-01 08:00"}]


def _notebook(path, parameters="dataset = \"x\"  # the dataset\nmunicipality = \"\"  # one page\n", scope=None):
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(parameters)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Tone: how formal?\n\nIntro."), params]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    if scope:
        nb.metadata["kommunsocial"] = {"scope": scope}
    nbformat.write(nb, path)
    return path


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project folder of its own: data/processed/x holds the three-post dataset."""
    monkeypatch.setenv("KOMMUNSOCIAL_ROOT", str(tmp_path))
    make_dataset(PAGES, POSTS, []).save(tmp_path / "data" / "processed" / "x")
    _notebook(tmp_path / "02-tone.ipynb", "dataset = \"x\"  # d\nmunicipality = \"\"  # m\nstart = \"\"  # s\n"
              "end = \"\"  # e\ndata_dir = \"\"  # where\nthreshold = 50  # t\ncoding_dir = \"\"  # c\n")
    return tmp_path


def test_facts_of_one_municipality_by_hand(project):
    f = header.facts({"dataset": "x", "municipality": "2321", "threshold": 60},
                     notebook=project / "02-tone.ipynb", out_dir=project / "reports" / "x" / "2321")
    assert (f.dataset, f.municipality, f.title, f.pages) == ("x", "Åre kommun (2321)", "Åre kommun", 1)
    # A's three posts: 2024-01-03 to 2024-03-31 (B's post of 2023 is not A's)
    assert (f.period, f.posts) == (("2024-01-03", "2024-03-31"), 3)
    # the notebook's own parameters, the given one over the default, "" (a default's default) left out
    assert f.parameters == {"threshold": 60}
    manifest = project / "data" / "processed" / "x" / "manifest.json"
    assert f.manifest == hashlib.sha256(manifest.read_bytes()).hexdigest()[:16]
    assert f.index_href == "../index.html" and f.synthetic == "" and f.version == ks.__version__


def test_facts_of_the_whole_dataset_and_a_period(project):
    nb = project / "02-tone.ipynb"
    f = header.facts({"dataset": "x"}, notebook=nb, out_dir=project / "reports" / "x")
    assert (f.municipality, f.pages, f.period, f.posts, f.index_href) == ("", 2, ("2023-05-01", "2024-03-31"), 4,
                                                                          "index.html")
    # start inclusive, end exclusive (as Dataset.select): a1 on 2024-01-03 and a3 on 2024-02-10
    f = header.facts({"dataset": "x", "start": "2024-01-01", "end": "2024-03-01"}, notebook=nb, out_dir=project)
    assert (f.period, f.posts, f.requested) == (("2024-01-03", "2024-02-10"), 2, "from 2024-01-01 before 2024-03-01")
    # a seminar's dry run beside the dataset's reports links to them
    assert header.facts({"dataset": "x"}, notebook=nb, out_dir=project / "reports" / "dry-run").index_href == \
        "../x/index.html"
    f = header.facts({"dataset": "x", "start": "2025-01-01"}, notebook=nb, out_dir=project)
    assert (f.period, f.posts) == (None, 0) and "no posts" in header.header_html(f)
    # a report that compares every page says so, whatever municipality it was given
    f = header.facts({"dataset": "x", "municipality": "2321"}, notebook=nb, out_dir=project, scope="dataset")
    assert (f.municipality, f.pages, f.posts, f.per_page) == ("", 2, 4, False)
    assert "all 2 pages, side by side" in header.header_html(f)


def test_a_dataset_of_one_page_names_it(project, tmp_path):
    make_dataset(PAGES[:1], POSTS[:3], []).save(tmp_path / "one")
    f = header.facts({"dataset": "x", "data_dir": str(tmp_path / "one")}, notebook=project / "02-tone.ipynb",
                     out_dir=project)
    assert (f.municipality, f.only, f.pages, f.posts) == ("", "Åre kommun (2321)", 1, 3)
    assert "Åre kommun (2321), the dataset's one page" in header.header_html(f)
    assert "read from <code>one</code>" in header.header_html(f)  # the data folder, relative to the project


def test_a_notebook_without_a_dataset_gets_no_header(tmp_path):
    path = _notebook(tmp_path / "n.ipynb", "n = 1  # a number\n")
    assert header.facts({}, notebook=path, out_dir=tmp_path) is None


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_the_header_is_escaped_and_stays_one_html_block(project):
    f = header.facts({"dataset": "x", "municipality": "B", "threshold": "<img src=x onerror=alert(1)>"},
                     notebook=project / "02-tone.ipynb", out_dir=project)
    html = header.header_html(f)
    assert "\n" not in html  # a blank line would end the Markdown cell's HTML block
    parser = _Text()
    parser.feed(html)
    assert "script" not in parser.tags and "img" not in parser.tags
    assert set(parser.tags) <= {"div", "style", "nav", "a", "dl", "dt", "dd", "code", "p"}
    shown = "".join(parser.text)
    # the page name and the parameter reach the reader as the characters they are (white space as one space)
    assert "<script>alert(1)</script> [x](javascript:alert(1)) $x$" in shown
    assert "threshold = '<img src=x onerror=alert(1)>'" in shown
    assert "tex2jax_ignore" in html  # MathJax leaves $x$ as it is


def test_add_header_puts_it_first_once_and_names_the_municipality_in_the_title(project):
    nb = nbformat.read(project / "02-tone.ipynb", as_version=4)
    f = header.facts({"dataset": "x", "municipality": "B"}, notebook=project / "02-tone.ipynb", out_dir=project)
    header.add_header(nb, f)
    header.add_header(nb, f)
    assert [header.HEADER_TAG in c.metadata.get("tags", []) for c in nb.cells] == [True, False, False]
    title = nb.cells[1].source.split("\n")[0]
    assert title.startswith("# Tone: how formal? — ") and "\\<script\\>" in title  # Markdown-escaped
    assert nb.metadata["kommunsocial"]["header"]["posts"] == 1
    assert run._title(nb) == "Tone: how formal? — <script>alert(1)</script> [x](javascript:alert(1)) $x$"
    # the comparison covers every page: its title stays
    nb = nbformat.read(project / "02-tone.ipynb", as_version=4)
    header.add_header(nb, header.facts({"dataset": "x", "municipality": "B"}, notebook=project / "02-tone.ipynb",
                                       out_dir=project, scope="dataset"))
    assert nb.cells[1].source.startswith("# Tone: how formal?\n")


def _generated(project, truth):
    """data/raw/x holding the files the manifest says were read, and ``truth`` as planted.json."""
    raw = project / "data" / "raw" / "x"
    raw.mkdir(parents=True)
    (raw / "posts.csv").write_text("post_id\n1\n", encoding="utf-8")
    (raw / "planted.json").write_text(json.dumps(truth), encoding="utf-8")
    manifest = project / "data" / "processed" / "x" / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["inputs"] = [{"file": "posts.csv", "sha256": hashlib.sha256(b"post_id\n1\n").hexdigest()}]
    manifest.write_text(json.dumps(data), encoding="utf-8")
    return raw


def test_a_generated_dataset_is_called_synthetic_with_its_planted_effects(project):
    raw = _generated(project, {"generator": {"seed": 7}, "irr": {"comments": {"conversational": 1.6, "crisis": 4.0},
                                                                 "shares": {"conversational": 1.2}}})
    note = header.synthetic_note("x")
    assert "Synthetic data" in note and "seed 7" in note and "planted" in note
    assert "1.6 times the comments and 1.2 times the shares" in note and "data/raw/x/planted.json" in note
    f = header.facts({"dataset": "x"}, notebook=project / "02-tone.ipynb", out_dir=project)
    assert f.synthetic == note and "ks-synthetic" in header.header_html(f)
    # the raw file changed since the ingest: the processed data are not the generated ones
    (raw / "posts.csv").write_text("post_id\n2\n", encoding="utf-8")
    assert header.synthetic("x") is None and header.synthetic_note("x") == ""


def test_a_planted_json_without_the_generator_is_not_synthetic(project):
    _generated(project, {"irr": {}})
    assert header.synthetic("x") is None
    assert header.synthetic("no-such-dataset") is None


# -- the index ---------------------------------------------------------------------------------------
def _executed(path, parameters, *, title="A report", head=None, scope=None):
    nb = nbformat.v4.new_notebook()
    nb.metadata["title"] = title
    nb.metadata["kommunsocial"] = {"parameters": parameters, "version": ks.__version__,
                                   **({"header": head} if head else {}), **({"scope": scope} if scope else {})}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path.with_suffix(".ipynb"))
    path.with_suffix(".html").write_text("<html></html>", encoding="utf-8")


def test_the_index_lists_municipalities_apart_from_a_seminar_run(project):
    reports = project / "reports" / "x"
    _executed(reports / "01-data-quality.html", {"dataset": "x"}, title="Data quality")
    _executed(reports / "2321" / "01-data-quality.html", {"dataset": "x", "municipality": "2321"},
              head={"title": "Åre kommun"})
    _executed(reports / "seminar-teacher" / "does-tone-matter-teacher.html", {"dataset": "x"},
              title="Does tone matter?")
    (reports / "B").mkdir()  # a municipality whose only report failed: told by the failure record's parameters
    (reports / "B" / f"02-tone{run.FAILED_SUFFIX}").write_text(json.dumps(
        {"notebook": "02-tone.ipynb", "error": "boom", "parameters": {"dataset": "x", "municipality": "B"}}))
    html = run.build_index("x").read_text(encoding="utf-8")
    municipalities = html.split("<h2>Per municipality</h2>")[1].split("<h2>")[0]
    others = html.split("<h2>Other runs</h2>")[1].split("<h2>")[0]
    assert "Åre kommun <code>2321</code>" in municipalities and "<code>B</code>" in municipalities
    assert "seminar" not in municipalities
    assert "href='seminar-teacher/does-tone-matter-teacher.html'" in others and "Does tone matter?" in others
    assert "Synthetic" not in html  # no planted.json: real data


def test_the_index_says_a_generated_dataset_is_synthetic(project):
    _generated(project, {"generator": {"seed": 0}, "irr": {"comments": {"conversational": 1.5}}})
    html = run.build_index("x").read_text(encoding="utf-8")
    assert "Synthetic data" in html and "1.5 times the comments" in html


@pytest.mark.slow
def test_run_notebook_opens_the_report_with_the_header(project):
    """The whole path: papermill executes, the header goes first, nbconvert keeps it in the HTML."""
    nb = _notebook(project / "01-check.ipynb",
                   "dataset = \"x\"  # d\nmunicipality = \"\"  # m\ndata_dir = \"\"  # where\n")
    out = project / "reports" / "x" / "2321"
    page = run.run_notebook(nb, out, parameters={"dataset": "x", "municipality": "2321"}, kernel="python3")
    html = page.read_text(encoding="utf-8")
    assert "<title>Tone: how formal? — Åre kommun</title>" in html
    body = html[html.index("<body"):]
    assert body.index("ks-header") < body.index("Tone: how formal? — Åre kommun<")  # the h1, before its anchor
    assert re.search(r"href=[\"']\.\./index\.html", html)
    assert "Åre kommun (2321)" in html and "2024-01-03 to 2024-03-31" in html
    meta = json.loads(page.with_suffix(".ipynb").read_text(encoding="utf-8"))["metadata"]["kommunsocial"]
    assert meta["header"]["municipality"] == "Åre kommun (2321)"
    assert meta["manifest_sha256"] == meta["header"]["manifest"]
    assert re.search(r"kommunsocial " + re.escape(ks.__version__), html)


def test_every_report_notebook_has_a_scope_the_header_understands():
    for path in run.notebooks(ROOT / "notebooks"):
        scope = nbformat.read(path, as_version=4).metadata.get("kommunsocial", {}).get("scope", "")
        assert scope in ("", "dataset"), path.name
        # the comparison alone covers every page whatever municipality says
        assert (scope == "dataset") == path.name.startswith("05-"), path.name


@pytest.mark.slow
def test_a_hostile_page_name_stays_text_through_papermill_and_nbconvert(project):
    nb = _notebook(project / "01-check.ipynb", "dataset = \"x\"  # d\nmunicipality = \"\"  # m\n")
    page = run.run_notebook(nb, project / "reports" / "x" / "B", parameters={"dataset": "x", "municipality": "B"},
                            kernel="python3")
    from ..notebooks.test_hostile_outputs import _live

    assert _live(page) == []  # no script, event handler or javascript: link a browser would run
    html = page.read_text(encoding="utf-8")
    body = html[html.index("<body"):]
    # the header's name and the title's, as the characters they are
    assert body.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 2
    assert "<title>Tone: how formal? — &lt;script&gt;alert(1)&lt;/script&gt;" in html
