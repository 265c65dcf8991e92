"""Every report notebook: thin by construction, committed without outputs, and executed on the sample."""

import ast
import json
import re
from pathlib import Path

import nbformat
import pytest

import kommunsocial as ks
from kommunsocial.report.run import run_notebook

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").rglob("*.ipynb"))
REPORT_NOTEBOOKS = ks.report.run.notebooks(ROOT / "notebooks")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_thin_and_clean(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1, "exactly one cell tagged 'parameters'"
    for stmt in ast.parse(params[0].source).body:
        assert isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant), "parameters are literals"
    for line in params[0].source.splitlines():
        assert "#" in line, f"parameter without a comment: {line}"
    for cell in code:
        assert not cell.get("outputs") and cell.get("execution_count") is None, "committed without outputs"
        for node in ast.walk(ast.parse(cell.source.replace("%", "#"))):
            assert not isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.For, ast.While)), \
                "logic belongs in the package"


def _outputs(path: Path):
    nb = json.loads(path.read_text())
    return [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]


def test_every_report_runs_without_errors_or_warnings(executed):
    out, pages = executed
    assert {p.stem for p in REPORT_NOTEBOOKS} == set(pages)
    for name, page in pages.items():
        assert page.is_file() and page.stat().st_size > 10_000
        outputs = _outputs(out / f"{name}.ipynb")
        assert not [o for o in outputs if o["output_type"] == "error"]
        stderr = [o for o in outputs if o.get("name") == "stderr"]
        assert not stderr, f"{name} printed to stderr: {stderr[:1]}"
        html = page.read_text()
        assert "Traceback" not in html and "Warning" not in html
        assert "<title>" in html and "def " not in html  # code cells are not in the report


def test_data_quality_report_shows_the_dataset(executed, sample_dataset):
    out, _ = executed
    html = (out / "01-data-quality.html").read_text()
    assert f"{len(sample_dataset.posts):,}" in html
    assert f"{len(sample_dataset.comments):,}" in html
    for name in sample_dataset.pages["page_name"]:
        assert name in html
    assert html.count("<img") >= 2  # posts per month, language mix
    nb = json.loads((out / "01-data-quality.ipynb").read_text())
    assert nb["metadata"]["papermill"]["parameters"]["dataset"] == "sample"
    assert nb["metadata"]["kommunsocial"]["version"] == ks.__version__


def test_one_municipality_with_a_leading_zero_code(sample_processed, sample_dataset, tmp_path):
    codes = sorted(sample_dataset.pages["municipality_code"])
    code = next((c for c in codes if c.startswith("0")), codes[0])
    page = run_notebook(ROOT / "notebooks" / "01-data-quality.ipynb", tmp_path,
                        parameters={"dataset": "sample", "municipality": code, "data_dir": str(sample_processed)})
    html = page.read_text()
    name = sample_dataset.pages.set_index("municipality_code").loc[code, "page_name"]
    n_posts = int((sample_dataset.posts["page_id"] ==
                   sample_dataset.pages.set_index("municipality_code").loc[code, "page_id"]).sum())
    assert name in html and f"{n_posts:,}" in html
    others = set(sample_dataset.pages["page_name"]) - {name}
    assert not [o for o in others if re.search(rf">\s*{re.escape(o)}\s*<", html)]


def test_index_links_every_report(executed, sample_processed):
    out, pages = executed
    index = ks.report.run.build_index("sample", reports=out, data_dir=sample_processed)
    html = index.read_text()
    for page in pages.values():
        assert f"href='{page.name}'" in html
    assert "Data quality" in html and "posts" in html


def test_a_failing_notebook_names_the_cell_and_leaves_nothing(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1  # fine"), nbformat.v4.new_code_cell("1 / 0")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "99-broken.ipynb"
    nbformat.write(nb, path)
    out = tmp_path / "out"
    with pytest.raises(ks.report.run.ReportError, match=r'99-broken.ipynb: code cell 2 \("1 / 0"\) failed: ZeroDivisionError'):
        run_notebook(path, out)
    assert not list(out.glob("*"))


def test_every_report_runs_for_one_municipality(sample_processed, sample_dataset, tmp_path):
    """What `make municipality-reports` runs: each per-municipality notebook for one page."""
    code = sorted(sample_dataset.pages["municipality_code"])[0]
    name = sample_dataset.pages.set_index("municipality_code").loc[code, "page_name"]
    for nb in REPORT_NOTEBOOKS:
        if nb.stem.startswith(("01-", "05-")):
            continue
        page = run_notebook(nb, tmp_path, parameters={"dataset": "sample", "municipality": code,
                                                      "data_dir": str(sample_processed)})
        outputs = _outputs(tmp_path / f"{nb.stem}.ipynb")
        assert not [o for o in outputs if o["output_type"] == "error" or o.get("name") == "stderr"], nb.name
        assert name in page.read_text()
    # figures and tables land beside the report, in a folder named after it
    assert list((tmp_path / "03-engagement").glob("*.png")) and list((tmp_path / "03-engagement").glob("*.csv"))


def test_data_quality_report_lists_the_files_not_read(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "posts.csv").write_text("post_id,page_id,page_name,created_at,text\n1,9,Sjöviks kommun,2024-03-11 12:00,"
                                   "Hej alla\n2,9,Sjöviks kommun,2024-03-12 12:00,Vi bygger om skolan\n",
                                   encoding="utf-8")
    (raw / "more.zip").write_bytes(b"PK\x03\x04")
    (raw / "<img src=x onerror=alert(1)>.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    ks.ingest(raw, tmp_path / "processed", salt="x", progress=False)
    nb = ROOT / "notebooks" / "01-data-quality.ipynb"
    page = run_notebook(nb, tmp_path / "out", parameters={"dataset": "tiny", "data_dir": str(tmp_path / "processed")})
    html = page.read_text()
    assert "more.zip" in html and "a zip archive: unzip it into the folder" in html
    assert "&lt;img src=x onerror=alert(1)&gt;.xls" in html and "<img src=x" not in html  # a name is text
