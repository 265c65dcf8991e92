"""The students' notebook as a pair fills it in: its handed-out "?" codes replaced, for tests that run it to the end."""

from __future__ import annotations

from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
STUDENT = ROOT / "notebooks" / "seminar" / "does-tone-matter.ipynb"


def filled_in(folder: Path, my_codes: list, partner_codes: list, notebook: Path = STUDENT) -> Path:
    """A copy of ``notebook`` in ``folder`` (same name) whose codes cell holds the two lists given."""
    nb = nbformat.read(notebook, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code" and c.source.startswith("my_codes = "))
    assert '"?"' in cell.source  # the cell a pair types into
    cell.source = f"my_codes = {my_codes!r}\npartner_codes = {partner_codes!r}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / notebook.name
    nbformat.write(nb, path)
    return path
