"""The one path from data to HTML: every text a report, the index or a seminar notebook shows.

Post and comment texts, page names, commenter names, hashtags and file names are written by
strangers; a report must show ``<script>alert(1)</script>`` as those characters, never run it.
Every HTML or Markdown output of the package goes through this module:

* :func:`escape` for text placed in hand-built HTML (element content or a quoted attribute);
* :func:`href` for a relative link built from a file or folder name;
* :func:`table` for a styled table (a pandas ``Styler`` does not escape unless told to);
* :func:`markdown_text` for user text placed in Markdown, which allows raw HTML and links;
  :func:`note` and :func:`markdown` build the ``IPython.display.Markdown`` objects;
* :func:`show` for a table that may be empty: the table, or a sentence saying why there is none.

A plain DataFrame shown by Jupyter is safe as it is: its ``_repr_html_`` escapes every value and
label. Figures are safe too: matplotlib escapes text written into SVG.

>>> escape('<img src=x onerror=alert(1)>')
'&lt;img src=x onerror=alert(1)&gt;'
>>> print(markdown_text("[x](javascript:alert(1))"))
\\[x\\]\\(javascript\\:alert\\(1\\)\\)
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

import numpy as np
import pandas as pd

__all__ = ["escape", "href", "markdown_text", "markdown", "note", "sentences", "show", "table", "header", "HEADERS",
           "MAX_ROWS"]


def escape(value) -> str:
    """``value`` as text safe inside an HTML element or a quoted attribute (``& < > " '`` escaped).

    An entity in the text (``&lt;script&gt;``) is escaped again, so it shows as typed and never
    turns into a tag.

    >>> escape('"><svg onload=alert(1)>')
    '&quot;&gt;&lt;svg onload=alert(1)&gt;'
    >>> escape("&lt;script&gt;")
    '&amp;lt;script&amp;gt;'
    """
    return html.escape(str(value), quote=True)


def href(path: str) -> str:
    """A relative link to ``path`` (``/``-separated), for an ``href='…'`` attribute.

    Each character but letters, digits, ``_.-~`` and ``/`` is percent-encoded: ``:`` too, so a
    folder named ``javascript:alert(1)`` stays a relative path, never a script URL.

    >>> href("javascript:alert(1)/02-tone.html")
    'javascript%3Aalert%281%29/02-tone.html'
    """
    return escape(quote(str(path), safe="/"))


#: Characters Markdown (CommonMark, and the renderers of Jupyter and nbconvert) gives a meaning:
#: raw HTML, entities, emphasis, code, links and images, headings, tables, strike-through, and
#: ``$`` (math), and ``:`` (a bare ``https://…`` would become a link).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>&#!|~$:])")


def markdown_text(value) -> str:
    """``value`` as literal text inside Markdown: each special character backslash-escaped, line
    breaks as spaces and no white space around it (a line break or leading spaces could start a
    heading, a list, a code block or an HTML block).

    >>> markdown_text("<script>alert(1)</script>")
    '\\\\<script\\\\>alert\\\\(1\\\\)\\\\</script\\\\>'
    """
    text = str(value).replace("\r\n", " ").replace("\n", " ").replace("\r", " ").strip()
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def markdown(source: str):
    """``source`` (Markdown written by the package) for display; any user text in it must have
    gone through :func:`markdown_text`."""
    from IPython.display import Markdown

    return Markdown(source)


def note(text: str):
    """A one-sentence note in italics (the "nothing to show" messages of the reports), escaped."""
    body = markdown_text(text)
    return markdown(f"*{body}*" if body else "")


def sentences(notes) -> str:
    """Notes (each a clause or a sentence) as one paragraph of sentences: each starting with a capital
    and ending with a full stop, so that notes from several places do not run into each other.

    >>> sentences(["1 of 9 posts left out", "standard errors clustered on only 6 pages.", ""])
    '1 of 9 posts left out. Standard errors clustered on only 6 pages.'
    """
    out = []
    for text in (str(n).strip() for n in notes):
        if text:
            text = text[0].upper() + text[1:]
            out.append(text if text[-1] in ".!?" else text + ".")
    return " ".join(out)


def show(table, *, empty: str, wrap=(), precision: int | None = None):
    """``table`` for reading (:func:`table`: human headers, formatted numbers, text left-aligned),
    or the sentence ``empty`` (as an escaped note) when it has no rows.

    ``wrap`` names text columns to show in full (see :func:`table`), for sentences that a plain
    table would cut after 50 characters.

    >>> show(pd.DataFrame({"n_posts": [1234]}), empty="none").to_html().count(">1,234<")
    1
    >>> show(pd.DataFrame(), empty="No record was quarantined.").data
    '*No record was quarantined.*'
    """
    if table is None or len(table) == 0:
        return note(empty)
    return _styled(table, precision=precision, wrap=wrap)


#: Column names of the package's tables as a reader reads them; any other snake_case name is read
#: by :func:`header` word by word (``posts_per_week`` → "posts per week").
HEADERS = {
    "irr": "IRR", "ci_low": "95 % CI low", "ci_high": "95 % CI high", "p_value": "p", "se": "SE",
    "lang": "language", "page_name": "page", "page_id": "page id", "post_id": "post id",
    "percent_agreement": "agreement (share)", "cohen_kappa": "Cohen’s κ", "krippendorff_alpha": "Krippendorff’s α",
    "macro_f1": "macro F1", "longest_gap_days": "longest gap (days)", "share_conversational": "conversational (share)",
    "top_words": "top words", "n": "n",
}
_WORDS = {"irr": "IRR", "ci": "CI", "f1": "F1", "lix": "LIX", "id": "id", "url": "URL", "urls": "URLs", "pct": "%",
          "1000": "1,000", "p90": "90th percentile"}


def header(name) -> str:
    """A column name as a reader reads it: :data:`HEADERS`, else words for a snake_case name
    (``n_`` counts without it, ``_%`` as "(%)"); a name that is not snake_case stays as it is.

    >>> [header(c) for c in ("mean_formality", "conversational_%", "n_comments", "ci_low", "P3", "Umeå kommun")]
    ['mean formality', 'conversational (%)', 'comments', '95 % CI low', 'P3', 'Umeå kommun']
    >>> header("interactions_per_1000")
    'interactions per 1,000'
    """
    if not isinstance(name, str):
        return name
    if name in HEADERS:
        return HEADERS[name]
    if not re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)*(_%)?", name) or "_" not in name:
        return name
    percent = name.endswith("_%")
    words = name[:-2].split("_") if percent else name.split("_")
    if words[0] == "n" and len(words) > 1:
        words = words[1:]
    text = " ".join(_WORDS.get(w, w) for w in words)
    return f"{text} (%)" if percent else text


#: Rows :func:`table` shows at most; a caption says how many more there are.
MAX_ROWS = 200


def _decimals(values: pd.Series, most: int = 3) -> int:
    """The fewest decimals (up to ``most``) that show every value as it is rounded to ``most``."""
    finite = values[np.isfinite(values)]
    for d in range(most + 1):
        if np.allclose(finite.round(d), finite.round(most), rtol=0, atol=10 ** -(most + 1)):
            return d
    return most


#: A text that is a number as the package writes one (``3,256``, ``-0.5``, ``12.5 %``, ``–``).
_NUMBER_TEXT = r"[-+−]?[\d,]+(\.\d+)?( ?%)?|–"


def _number_format(values: pd.Series, precision: int | None, *, p_values: bool = False):
    """A formatter for one numeric column: thousands separators, one number of decimals for the
    column, ∞ for infinity; p-values below 0.001 as "< 0.001" (HTML: the Styler does not escape it)."""
    if pd.api.types.is_bool_dtype(values):
        return None
    floats = pd.to_numeric(values, errors="coerce").astype(float).to_numpy()
    integral = pd.api.types.is_integer_dtype(values)
    d = 0 if integral else (precision if precision is not None else 3 if p_values else
                            _decimals(pd.Series(floats).dropna()))

    def fmt(v):
        if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
            return "–"
        v = float(v)
        if np.isinf(v):
            return "∞" if v > 0 else "-∞"
        if p_values and v < 0.001:
            return "&lt; 0.001"  # the formatter writes HTML: pandas escapes before it, never after
        return f"{v:,.{d}f}"
    return fmt


def table(frame: pd.DataFrame, *, precision: int | None = None, hide_index: bool | None = None, wrap=()):
    """``frame`` for reading, as a pandas ``Styler`` that escapes every value and label.

    Headers as words (:func:`header`), numbers with thousands separators and one number of
    decimals per column (the fewest that show the values as rounded, at most three), missing
    values as "–", text left-aligned and numbers right-aligned whatever the page's style sheet
    says, a default 0, 1, 2 … index left out, and at most :data:`MAX_ROWS` rows (a caption says
    how many are not shown).

    Parameters
    ----------
    frame : DataFrame
    precision : int, optional
        Decimals shown for floats (default: as few as the values need, at most three).
    hide_index : bool, optional
        Leave the index out (default: when it is a plain 0, 1, 2 … index).
    wrap : list of str
        Text columns shown in full, wrapped and left-aligned (every text column is wrapped at
        about 40 characters' width; these keep their line breaks too).

    >>> s = table(pd.DataFrame({"text": ["<b>x</b>"]}), hide_index=True)
    >>> "<b>" in s.to_html(), "&lt;b&gt;x&lt;/b&gt;" in s.to_html()
    (False, True)
    >>> html = table(pd.DataFrame({"mean_formality": [12345.678, 2.0]})).to_html()
    >>> ">mean formality<" in html, ">12,345.678<" in html, ">2.000<" in html
    (True, True, True)
    """
    # the Styler escapes values and labels when told to, but never the index's or columns' names
    shown = len(frame)
    if len(frame) > MAX_ROWS:
        frame = frame.head(MAX_ROWS)
    frame = frame.copy(deep=False)
    if hide_index is None:
        hide_index = isinstance(frame.index, pd.RangeIndex) and frame.index.name is None
    frame.index = frame.index.set_names([None if n in (None, "") else escape(header(n)) for n in frame.index.names])
    frame.columns = frame.columns.set_names([None if n is None else escape(header(n)) for n in frame.columns.names])
    formats, number_at = {}, set()
    for i, col in enumerate(frame.columns):
        values = frame.iloc[:, i]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            formats[col] = _number_format(values, precision, p_values=col == "p_value")
            number_at.add(i)
        elif values.notna().any() and values.dropna().astype(str).str.fullmatch(_NUMBER_TEXT).all():
            number_at.add(i)  # numbers already written as text ("3,256", "12.5 %")
    styler = frame.style.format(precision=precision, escape="html", na_rep="–")
    if formats:
        styler = styler.format(formats, escape="html", na_rep="–")
    # labels: escaped first (pandas escapes before it calls the formatter), then read as words
    styler = styler.format_index(_header_label, escape="html", axis=1)
    styler = styler.format_index(_value_label, escape="html", axis=0)
    if hide_index:
        styler = styler.hide(axis="index")
    # alignment by CSS class (col0, col1 …), not by label: a page name twice (a Facebook page and an X
    # account of one municipality) would make label-based styling fail
    wrapped = {i for i, col in enumerate(frame.columns) if col in set(wrap)}
    styles = [{"selector": "th.row_heading", "props": "text-align: left; vertical-align: top; white-space: nowrap"},
              {"selector": "td", "props": "vertical-align: top"}]
    for i in range(frame.shape[1]):
        if i in number_at:
            props = "text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap"
        else:
            props = "text-align: left; white-space: normal; min-width: 6em; max-width: 40em"
        if i in wrapped:
            props = "text-align: left; white-space: pre-wrap; min-width: 6em; max-width: 40em"
        styles.append({"selector": f"td.col{i}", "props": props})
        styles.append({"selector": f"th.col_heading.col{i}", "props": props.split(";")[0]})
    styler = styler.set_table_styles(styles, overwrite=False)
    if shown > MAX_ROWS:
        styler = styler.set_caption(f"The first {MAX_ROWS:,} of {shown:,} rows.")
    return styler


#: Index labels the package writes in snake_case (measures of agreement and validation).
_LABELS = {"percent_agreement": "agreement (share)", "cohen_kappa": "Cohen’s κ",
           "krippendorff_alpha": "Krippendorff’s α"}


def _header_label(label):
    return header(label) if isinstance(label, str) else label


def _value_label(label):
    return _LABELS.get(label, label) if isinstance(label, str) else label


_styled = table  # for show, whose argument has the name
