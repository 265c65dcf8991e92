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

import pandas as pd

__all__ = ["escape", "href", "markdown_text", "markdown", "note", "show", "table"]


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


def show(table, *, empty: str, wrap=()):
    """``table`` for display, or the sentence ``empty`` (as an escaped note) when it has no rows.

    ``wrap`` names text columns to show in full (see :func:`table`; the index is then left out),
    for sentences that a plain table would cut after 50 characters.

    >>> show(pd.DataFrame({"n": [1]}), empty="none").shape
    (1, 1)
    >>> show(pd.DataFrame(), empty="No record was quarantined.").data
    '*No record was quarantined.*'
    """
    if table is None or len(table) == 0:
        return note(empty)
    if len(wrap):
        return _styled(table, hide_index=True, wrap=wrap)
    return table


def table(frame: pd.DataFrame, *, precision: int | None = None, hide_index: bool = False, wrap=()):
    """``frame`` as a pandas ``Styler`` that escapes every value and label.

    Parameters
    ----------
    frame : DataFrame
    precision : int, optional
        Decimals shown for floats.
    hide_index : bool
        Leave the index out.
    wrap : list of str
        Text columns shown in full, wrapped and left-aligned.

    >>> s = table(pd.DataFrame({"text": ["<b>x</b>"]}), hide_index=True)
    >>> "<b>" in s.to_html(), "&lt;b&gt;x&lt;/b&gt;" in s.to_html()
    (False, True)
    """
    # the Styler escapes values and labels when told to, but never the index's or columns' names
    frame = frame.copy(deep=False)
    frame.index = frame.index.set_names([None if n is None else escape(n) for n in frame.index.names])
    frame.columns = frame.columns.set_names([None if n is None else escape(n) for n in frame.columns.names])
    styler = frame.style.format(precision=precision, escape="html", na_rep="–")
    styler = styler.format_index(escape="html", axis=0).format_index(escape="html", axis=1)
    if hide_index:
        styler = styler.hide(axis="index")
    if len(wrap):
        styler = styler.set_properties(subset=list(wrap), **{"white-space": "pre-wrap", "text-align": "left"})
    return styler


_styled = table  # for show, whose argument has the name
