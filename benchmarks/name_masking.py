"""How well and how fast ``mask_names`` masks the commenters' names.

Prints the planted-variant table of ``tests/unit/test_privacy_variants.py`` (how many of each variant
kind are masked, inside a sentence and opening one, and the false positives on ordinary
sentences), then times ``mask_names`` on the seeded sample corpus (its posts and comments, about
100,000 texts) with 20,000 commenter names: the corpus's own plus invented ones from the sample's
name banks. Run it from the project folder; to compare with another version of the package, put
that version first on ``PYTHONPATH`` (the measurement itself comes from this checkout).

    python benchmarks/name_masking.py [--pages 60] [--names 20000]
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH: the package under test wins

from kommunsocial import privacy, sample  # noqa: E402
from tests.unit.test_privacy_variants import measure  # noqa: E402


def names_for(corpus, n: int, seed: int = 0) -> list[str]:
    """The corpus's commenters' names, topped up to ``n`` with invented first-name + surname pairs."""
    names = list(dict.fromkeys(corpus.comments.loc[~corpus.comments["author_is_page"], "author_name"].dropna()))
    first = sorted({f for lang in ("sv", "nb", "nn") for f in sample._bank(lang)["first_names"]})
    last = sorted({s for lang in ("sv", "nb", "nn") for s in sample._bank(lang)["surnames"]})
    rng = np.random.default_rng(seed)
    seen = set(names)
    while len(names) < n:
        name = f"{first[rng.integers(len(first))]} {last[rng.integers(len(last))]}"
        if rng.random() < 0.1:  # some hyphenated given names and double surnames
            name = (f"{first[rng.integers(len(first))]}-{name}" if rng.random() < 0.5
                    else f"{name} {last[rng.integers(len(last))]}")
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names[:n]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--names", type=int, default=20_000)
    args = parser.parse_args(argv)
    has_lang = "lang" in inspect.signature(privacy.mask_names).parameters
    pd.set_option("display.width", 120)

    table, ordinary = measure(privacy.mask_names, with_lang=has_lang)
    table.loc["all kinds"] = table.sum()
    print(f"mask_names from {Path(privacy.__file__).parent}")
    print("\nPlanted variants masked (of 20 names each):")
    print(table.astype(int).to_string())
    print(f"\nOrdinary sentences: {len(ordinary)}, false positives: {int(ordinary['false_positives'].sum())} "
          f"in {int((ordinary['false_positives'] > 0).sum())} sentences")
    for text in ordinary.loc[ordinary["false_positives"] > 0, "out"]:
        print(f"  {text}")

    corpus = sample.generate(n_pages=args.pages, years=2, seed=1)
    names = names_for(corpus, args.names)
    lang = corpus.pages.set_index("page_id")["country"].map({"SE": "sv", "NO": "nb"})  # the page's language
    texts = pd.concat([corpus.posts["text"], corpus.comments["text"]], ignore_index=True).astype("string")
    langs = pd.concat([corpus.posts["page_id"], corpus.comments["page_id"]], ignore_index=True).map(lang).to_numpy()
    kwargs = {"lang": langs} if has_lang else {}
    start = time.perf_counter()
    out = privacy.mask_names(texts, names, **kwargs)
    seconds = time.perf_counter() - start
    changed = int((out != texts).sum())
    tokens = int(out.str.count(re.escape(privacy.MASKS["person"])).sum())
    print(f"\nTiming: {len(texts):,} texts, {len(names):,} names: {seconds:.2f} s "
          f"({len(texts) / seconds:,.0f} texts/s), {changed:,} texts changed, "
          f"{tokens:,} {privacy.MASKS['person']} tokens")


if __name__ == "__main__":
    main()
