"""An HTML table that sorts by a column when its header is clicked, names in the Nordic alphabets' order.

The order of texts is decided here, in Python, by :func:`collation_key` (Swedish: … x y z å ä ö;
Norwegian and Danish: … x y z æ ø å), not by the browser or the operating system's locales: each
text cell carries its rank, and the table's script only compares numbers. So "Älvby" sorts after
"Zeta" in every browser, and the order is tested without any locale installed.

>>> sorted(["Älvby", "Åre", "Zeta", "Örebro"], key=collation_key)
['Zeta', 'Åre', 'Älvby', 'Örebro']
>>> sorted(["Ålesund", "Ærø", "Øksnes", "Zeta"], key=lambda s: collation_key(s, "nb"))
['Zeta', 'Ærø', 'Øksnes', 'Ålesund']
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata

import numpy as np
import pandas as pd

from . import render

__all__ = ["sortable", "Sortable", "collation_key", "collation_ranks", "collation_for", "COLLATIONS"]

#: Each collation's letters after z, in order; letters in one string sort as its first (Swedish
#: æ as ä and ø as ö, Norwegian and Danish ä as æ and ö as ø), after CLDR's sv, nb and da rules.
_AFTER_Z = {"sv": ("å", "äæę", "öøőœô"), "nb": ("æä", "øöő", "å")}
#: The languages each collation serves (Finnish writes å ä ö in the Swedish order).
COLLATIONS = {"sv": "sv", "fi": "sv", "nb": "nb", "nn": "nb", "no": "nb", "da": "nb"}
#: Letters sorted as other letters in every Nordic collation (CLDR: ü as y, đ and ð as d, þ as th).
_AS = {"ü": "y", "ű": "y", "đ": "d", "ð": "d", "þ": "th", "ł": "l", "ß": "ss"}
_COUNTRY_LANGUAGE = {"SE": "sv", "FI": "sv", "NO": "nb", "DK": "nb"}
_DIGITS = re.compile(r"\d+")


def _base(char: str) -> str:
    """A letter without its accents (é → e); other characters as they are."""
    return "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)) or char


def collation_key(text, language: str = "sv") -> tuple:
    """A sort key for ``text`` in the order of ``language``'s alphabet (sv, fi, nb, nn, da; any
    other: accents ignored, å ä æ ö ø as a and o).

    Compared first by letters (case and accents ignored, each Nordic letter in its place after z,
    Danish and Norwegian "aa" as å), white space and punctuation before digits, digits as numbers
    ("Sjövik 9" before "Sjövik 10"), letters last; then by accents, then by case (lower first), so
    that different texts never tie.

    >>> sorted(["Örebro", "Ödeshög", "Ølen", "Östersund"], key=collation_key)
    ['Ödeshög', 'Ølen', 'Örebro', 'Östersund']
    >>> sorted(["Aalborg", "Ålesund", "Zeta", "Abild"], key=lambda s: collation_key(s, "da"))
    ['Abild', 'Zeta', 'Aalborg', 'Ålesund']
    >>> sorted(["Sjövik 10", "Sjövik 9", "Sjövik"], key=collation_key)
    ['Sjövik', 'Sjövik 9', 'Sjövik 10']
    """
    collation = COLLATIONS.get(str(language).lower())
    after = {c: 26 + i for i, group in enumerate(_AFTER_Z.get(collation, ())) for c in group}
    text = unicodedata.normalize("NFC", str(text))
    folded = text.casefold()
    if collation == "nb":
        folded = folded.replace("aa", "å")
    primary, pos = [], 0
    while pos < len(folded):
        digits = _DIGITS.match(folded, pos)
        if digits:
            primary.append((1, int(digits.group()), 0))
            pos = digits.end()
            continue
        char = folded[pos]
        pos += 1
        if collation and char in after:
            primary.append((2, after[char], 0))
            continue
        for c in (_AS.get(char) or _base(char)) if collation else _base(char):
            if "a" <= c <= "z":
                primary.append((2, ord(c) - ord("a"), 0))
            elif c.isalpha():  # letters of other scripts after the Latin ones, in code point order
                primary.append((2, 100 + ord(c), 0))
            else:  # white space, punctuation, symbols
                primary.append((0, ord(c), 0))
    case = tuple(c != c.lower() for c in text)
    return tuple(primary), folded, case, text


def collation_ranks(values, language: str = "sv") -> pd.Series:
    """The rank (0, 1, …) of each text of ``values`` in ``language``'s order, missing values NA;
    equal texts share a rank.

    >>> collation_ranks(pd.Series(["Älvby", None, "Zeta", "Åre"])).tolist()
    [2, <NA>, 0, 1]
    """
    values = pd.Series(values)
    known = values.dropna().astype(str)
    order = {text: rank for rank, text in enumerate(sorted(set(known), key=lambda t: collation_key(t, language)))}
    return values.map(lambda v: order.get(str(v)) if not (v is None or (not isinstance(v, str) and pd.isna(v)))
                      else None).astype("Int64")


def collation_for(countries) -> str:
    """The collation of a table of pages: the language of most of its pages' ``countries``
    (SE, FI → sv; NO, DK → nb), Swedish when none is known.

    >>> collation_for(["NO", "NO", "SE"]), collation_for([None])
    ('nb', 'sv')
    """
    languages = pd.Series([_COUNTRY_LANGUAGE.get(str(c).upper()) for c in countries], dtype="object").dropna()
    if not len(languages):
        return "sv"
    counts = languages.value_counts()
    return "sv" if counts.get("sv", 0) >= counts.max() else str(counts.index[0])


_SCRIPT = """(function () {
  var t = document.getElementById("%(id)s");
  if (!t || t.getAttribute("data-ready")) return;
  t.setAttribute("data-ready", "1");
  var heads = t.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (h, i) {
    h.addEventListener("click", function () {
      var up = h.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(heads, function (o) { o.removeAttribute("aria-sort"); });
      h.setAttribute("aria-sort", up ? "ascending" : "descending");
      var body = t.tBodies[0], rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (r, s) {  /* numbers, and texts by their rank in the alphabet's order */
        var a = r.cells[i].getAttribute("data-k"), b = s.cells[i].getAttribute("data-k");
        if (a === null || b === null) return (a === null) - (b === null);  /* missing last, both ways */
        return up ? a - b : b - a;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
})();"""

# The box scrolls (both ways) rather than the page: the header row stays on top and the first column
# (the names) stays put while the other columns scroll under it. Texts left, numbers right.
_STYLE = """.ks-sortable{overflow:auto;max-width:100%%;max-height:80vh;margin:.5em 0}
#%(id)s{border-collapse:separate;border-spacing:0;font-size:13px;font-variant-numeric:tabular-nums;margin:0}
#%(id)s th{cursor:pointer;user-select:none;background:#f4f6fa;padding:5px 8px;border-bottom:2px solid #c9cfdb;
vertical-align:bottom;text-align:left;position:sticky;top:0;z-index:1;white-space:normal;min-width:4.5em;
font-weight:600}
#%(id)s th[data-type=number]{text-align:right}
#%(id)s td{padding:4px 8px;border-bottom:1px solid #e6e8ee;white-space:nowrap;text-align:left;background:#fff}
#%(id)s tbody tr:nth-child(even) td{background:#f8f9fb}
#%(id)s td.n{text-align:right} #%(id)s td.na{color:#8a93a3;text-align:right}
#%(id)s th:first-child,#%(id)s td:first-child{position:sticky;left:0;border-right:1px solid #dde1ea}
#%(id)s th:first-child{z-index:2} #%(id)s td:first-child{z-index:1}
#%(id)s th::after{content:" \\2195";color:#9aa3b2}
#%(id)s th[aria-sort=ascending]::after{content:" \\25B2";color:#1d2430}
#%(id)s th[aria-sort=descending]::after{content:" \\25BC";color:#1d2430}"""


def _decimals(values: np.ndarray, digits: int) -> int:
    """The fewest decimals (at most ``digits``) that show every value of a column as rounded."""
    for d in range(digits + 1):
        if np.allclose(np.round(values, d), np.round(values, digits), rtol=0, atol=10 ** -(digits + 2)):
            return d
    return digits


_TABLE_COUNT = itertools.count(1)


class Sortable:
    """An HTML table whose columns sort on click; made by :func:`sortable`, shown by Jupyter and nbconvert."""

    def __init__(self, html_text: str, frame: pd.DataFrame):
        self.html = html_text
        self.frame = frame

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"<Sortable table: {len(self.frame)} rows × {self.frame.shape[1]} columns>"


def sortable(frame: pd.DataFrame, *, digits: int = 2, missing: str = "–", index: bool | None = None,
             collation: str = "sv") -> Sortable:
    """``frame`` as an HTML table that sorts by a column when its header is clicked (again: reversed).

    Parameters
    ----------
    frame : DataFrame
    digits : int
        Decimals shown for floats at most (a column shows as few as its values need).
    missing : str
        Shown for a missing value; missing values sort last in both directions.
    index : bool, optional
        Show the index as the first column; default: when it has a name.
    collation : str
        The alphabet texts sort in (:func:`collation_key`): "sv" (also for Finnish), "nb" (also
        for nn and da), any other value: accents ignored.

    Returns
    -------
    :class:`Sortable`, whose ``_repr_html_`` is the table in a box that scrolls (the header row
    and the first column stay in view), a short inline ``<style>`` and an inline ``<script>`` of
    plain JavaScript (no library, no network): it works in JupyterLab, the classic notebook and
    HTML written by nbconvert. Numbers, shown with thousands separators and right-aligned, sort
    numerically (each cell carries its full value in ``data-k``); texts, left-aligned and
    escaped, sort by their rank in the alphabet's order (``data-k`` holds the rank).

    Examples
    --------
    >>> s = sortable(pd.DataFrame({"page": ["Älvby", "Sjövik"], "posts": [12, 3]}))
    >>> "<script>" in s._repr_html_(), 'data-k="3.0"' in s._repr_html_(), 'data-k="1">Älvby<' in s._repr_html_()
    (True, True, True)
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"sortable needs a DataFrame, got {type(frame).__name__}")
    if index is None:
        index = any(n is not None for n in frame.index.names)
    data = frame.reset_index() if index else frame
    if data.columns.duplicated().any():
        raise ValueError(f"column names must be unique: {list(data.columns)}")
    esc = render.escape
    payload = data.to_json(orient="split", date_format="iso", default_handler=str)
    # the same on every run (reports stay byte-identical), different for each table a kernel shows
    table_id = f"ks-sortable-{hashlib.sha256(payload.encode('utf-8')).hexdigest()[:12]}-{next(_TABLE_COUNT)}"
    heads, columns = [], []
    for name in data.columns:
        s = data[name]
        numeric = (pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s))
        heads.append(f'<th data-type="{"number" if numeric else "text"}" title="click to sort">{esc(str(name))}</th>')
        if numeric:
            values = s.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
            known = values[np.isfinite(values)]
            d = 0 if pd.api.types.is_integer_dtype(s) else _decimals(known, digits) if len(known) else digits
            cells = [f'<td class="n" data-k="{float(v)!r}">{v:,.{d}f}</td>' if np.isfinite(v) else
                     f'<td class="na">{esc(missing)}</td>' for v in values]
        else:
            texts = pd.Series([v.isoformat() if isinstance(v, pd.Timestamp) else v for v in s.astype(object)],
                              dtype="object")
            ranks = collation_ranks(texts, collation)
            cells = [f'<td class="na">{esc(missing)}</td>' if pd.isna(r) else
                     f'<td data-k="{int(r)}">{esc(str(t))}</td>' for t, r in zip(texts, ranks)]
        columns.append(cells)
    rows = ["<tr>" + "".join(cells) + "</tr>" for cells in zip(*columns)] if columns else []
    parts = [f'<div class="ks-sortable"><style>{_STYLE % {"id": table_id}}</style>',
             f'<table id="{table_id}" class="dataframe"><thead><tr>{"".join(heads)}</tr></thead>',
             f'<tbody>{"".join(rows)}</tbody></table>',
             f'<script>{_SCRIPT % {"id": table_id}}</script></div>']
    return Sortable("\n".join(parts), data)
