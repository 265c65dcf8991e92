"""The bundled sample's texts: the phrase banks (``kommunsocial/data/sample_texts/{sv,nb,nn}.json``)
and the writer that fills their slots (split from :mod:`kommunsocial.sample` to keep it short)."""

from __future__ import annotations

import json
import string
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

__all__ = ["PLAIN_FACT_SHARE"]

#: Chance that a clear post also states a plain fact of its topic (formal and conversational posts
#: about the same service share their content words).
PLAIN_FACT_SHARE = 0.4


@lru_cache(maxsize=None)
def _bank(lang: str) -> dict:
    path = resources.files("kommunsocial") / "data" / "sample_texts" / f"{lang}.json"
    return json.loads(path.read_text(encoding="utf-8"))


class _Formatter(string.Formatter):
    def __init__(self, fill):
        self.fill = fill

    def get_value(self, key, args, kwargs):
        return self.fill(key)


def _capitalise(sentence: str) -> str:
    """A sentence that starts with a slot ("{weekday} blir det …") still starts with a capital."""
    return sentence[:1].upper() + sentence[1:]


class _Filler:
    """Fills the phrase banks' slots; each page has its own pool of citizens."""

    def __init__(self, rng, bank, page, lang):
        self.rng, self.bank, self.page, self.lang = rng, bank, page, lang
        n_people = int(max(40, page["followers"] * 0.04))
        first, last = bank["first_names"], bank["surnames"]
        self.people_names = [f"{first[rng.integers(len(first))]} {last[rng.integers(len(last))]}"
                             for _ in range(n_people)]
        self.people_ids = [str(10**14 + int(x)) for x in rng.choice(9 * 10**14, size=n_people, replace=False)]
        ranks = np.arange(1, n_people + 1)
        w = 1 / ranks**0.9
        self.people_p = w / w.sum()
        self.domain = page["handle"].replace("kommune", "").replace("kommun", "") + (".no" if page["country"] == "NO"
                                                                                      else ".se")
        self.ts = None

    def pick(self, seq):
        return seq[self.rng.integers(len(seq))]

    def slot(self, key):
        bank, rng = self.bank, self.rng
        if key in bank["slots"]:
            return self.pick(bank["slots"][key])
        if key == "municipality":
            return self.page["page_name"]
        if key == "town":
            return self.page["_town"]
        if key == "url":
            path = self.pick(["", "/aktuellt", "/info", "/nyheter", "/kontakt", "/e-tjanster", "/jobb", "/kalender"])
            return f"{self.domain}{path}"
        if key == "number":
            return str(int(rng.integers(2, 40)))
        if key == "weekday":
            return self.pick(bank["weekday"])
        if key in ("date", "time"):
            ts = self.ts if self.ts is not None else pd.Timestamp("2024-01-01")
            when = ts + pd.Timedelta(days=int(rng.integers(1, 21)))
            if key == "date":  # "15 mars" in Swedish, "15. mars" in Norwegian
                return f"{when.day}{'.' if self.lang in ('nb', 'nn') else ''} {bank['month'][when.month - 1]}"
            return f"{int(rng.choice([8, 9, 10, 13, 14, 16, 17, 18, 19])):02d}.{int(rng.choice([0, 0, 15, 30])):02d}"
        if key == "email":
            first = self.pick(bank["first_names"]).lower()
            return f"{first}.{int(rng.integers(10, 99))}@{self.pick(['epost', 'mejl', 'post', 'webbmail'])}.example"
        return "{" + key + "}"

    def fmt(self, template):
        return _Formatter(self.slot).format(template)

    def post(self, topic, tone, ts, style="clear"):
        """A post about ``topic`` in ``tone``, written in ``style`` (see :data:`kommunsocial.sample.STYLE_WEIGHTS`)."""
        self.ts = ts
        parts = self.bank["topics"][topic][tone]
        rng = self.rng
        plain = self.bank["plain"][topic]
        if style == "short":
            return _capitalise(self.fmt(self.pick(self.bank["short"][tone])))
        if style == "plain":  # a notice any voice could write: one or two facts, nothing else
            idx = rng.choice(len(plain), size=1 + int(rng.random() < 0.5), replace=False)
            chunks = [plain[i] for i in idx]
        elif style == "mixed":
            chunks = self._mixed(topic, tone, parts, plain)
        else:
            chunks = [self.pick(parts["openers"])] if rng.random() < 0.8 else []
            n_bodies = 1 + int(rng.random() < 0.45)
            idx = rng.choice(len(parts["bodies"]), size=min(n_bodies, len(parts["bodies"])), replace=False)
            chunks.extend(parts["bodies"][i] for i in idx)
            if rng.random() < PLAIN_FACT_SHARE:  # the topic's content words, shared by both voices
                chunks.insert(len(chunks) - int(n_bodies > 1 and rng.random() < 0.5), self.pick(plain))
            if rng.random() < 0.7:
                chunks.append(self.pick(parts["closings"]))
        text = " ".join(_capitalise(self.fmt(c)) for c in chunks)
        if rng.random() < 0.25:
            text += "\n" + self.fmt("{url}")
        if tone == "conversational" and style != "plain" and rng.random() < 0.2:
            text += f" #{self.page['_town'].lower()}"
        return text

    def _mixed(self, topic, tone, parts, plain):
        """A post in ``tone`` that carries the other voice's marks around a plain fact of the topic."""
        rng, mixed = self.rng, self.bank["mixed"][tone]
        if tone == "formal":  # an emoji bullet or "Vi informerar …", the reader addressed, or both
            marked = rng.random() < 0.85
            chunks = [self.pick(mixed["openers"])] if marked else [self.pick(parts["openers"])]
            if rng.random() < 0.3:
                chunks.append(self.pick(parts["bodies"]))
            chunks.append(self.pick(plain))
            if not marked or rng.random() < 0.5:
                chunks.append(self.pick(mixed["closings"]))
            return chunks
        # a friendly post quoting officialese: the topic's own formal wording, or a stock phrase
        chunks = [self.pick(parts["openers"])] if rng.random() < 0.4 else []
        if rng.random() < 0.5:
            chunks.append(self.pick(mixed["frames"]).replace("[quote]", self.pick(self.bank["topics"][topic]["formal"]
                                                                                  ["bodies"])))
        else:
            chunks.append(self.pick(mixed["officialese"]))
        if rng.random() < 0.6:
            chunks.insert(len(chunks) - 1, self.pick(plain))
        if rng.random() < 0.5:
            chunks.append(self.pick(parts["closings"]))
        return chunks

    def person(self):
        i = int(self.rng.choice(len(self.people_ids), p=self.people_p))
        return self.people_ids[i], self.people_names[i]

    def comment(self, kind, topic):
        c = self.bank["comments"]
        if kind == "question":
            pool = c["question"].get(topic) if self.rng.random() < 0.7 else None
            text = self.pick(pool or c["question"]["generic"])
        elif kind == "remark":
            mood = self.rng.choice(["positive", "negative", "neutral"],
                                   p=[0.25, 0.55, 0.2] if topic in ("crisis", "council", "roads") else [0.5, 0.25, 0.25])
            text = self.pick(c[mood])
        elif kind == "citizen_reply":
            text = self.pick(c["citizen_reply"])
        else:
            text = self.pick(c["page_answer"][kind])
        text = _capitalise(self.fmt(text))
        if kind in ("question", "remark") and self.rng.random() < 0.01:
            text += " " + self.pick(["Ring mig på", "Nå mig på", "Ring meg på"]) + " " + self._phone()
        return text

    def _phone(self):
        r = self.rng
        if self.page["country"] == "NO":
            return f"{r.choice([4, 9])}{r.integers(10, 99)} {r.integers(10, 99)} {r.integers(100, 999)}"
        return f"07{r.choice([0, 2, 3, 6])}-{r.integers(100, 999)} {r.integers(10, 99)} {r.integers(10, 99)}"
