"""Name masking measured on planted variants of Nordic names, and on ordinary sentences without any.

Each name is written in each variant kind into texts of its language, once inside a sentence and
once opening it; a variant counts as masked when no word of the name is left in the text. The
ordinary sentences hold words that are also name parts (berg, lund, sol, liv, stig, per …) but no
person: every ``[person]`` there is a false positive. ``benchmarks/name_masking.py`` prints the
table this module computes.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from kommunsocial.privacy import mask_names

#: (name, language): Swedish, Norwegian and Danish names with å ä ö ø æ, hyphenated given names,
#: double surnames, two-letter names, and parts that are everyday words (Berg, Lund, Liv, Sol, Dal).
NAMES = [
    ("Randi Tveiten", "nb"), ("Åsa Öberg", "sv"), ("Sølvi Bjørnstad", "nb"), ("Ærling Ødegård", "da"),
    ("Anna-Karin Lindqvist", "sv"), ("Lars-Göran Bäckström", "sv"), ("Kari-Anne Haugen Ødegård", "nb"),
    ("Maria Svensson Åkesson", "sv"), ("Søren Kjærgaard", "da"), ("Mette Østergård-Holm", "da"),
    ("Bo Ek", "sv"), ("Li Wu", "sv"), ("Ida Dal", "nb"), ("Per Lund", "sv"), ("Liv Berg", "nb"),
    ("Sol Strand", "nb"), ("Jörgen Ås", "sv"), ("Åke Näslund", "sv"), ("Tor Sæther", "nb"),
    ("Hans-Jørgen Mæhle", "da"),
]

#: Texts to plant a variant in, by language: inside a sentence, and opening one.
TEMPLATES = {
    "sv": ("Jag håller med {x} om det här.", "{x} har helt rätt om bygglovet."),
    "nb": ("Jeg er enig med {x} i dette.", "{x} har helt rett om byggesaken."),
    "da": ("Jeg er enig med {x} i det her.", "{x} har helt ret om byggesagen."),
}
POSSESSIVE_TEMPLATES = {
    "sv": ("Jag läste {x} inlägg i går.", "{x} inlägg var bra."),
    "nb": ("Jeg leste {x} innlegg i går.", "{x} innlegg var bra."),
    "da": ("Jeg læste {x} indlæg i går.", "{x} indlæg var godt."),
}
KINDS = ["exact", "lower", "upper", "title", "genitive -s", "possessive 's", "possessive ’s", "Surname, Given",
         "surname alone", "given name alone", "NFD", "extra whitespace"]

#: Ordinary sentences (sv, nb, da) with words that are name parts above, and no person.
ORDINARY = {
    "sv": [
        "Vi gick upp på berget och såg ut över dalen.", "Berg och dal i hela kommunen, fin utsikt.",
        "Sol och värme hela helgen!", "Solen skiner över stranden i dag.", "Strand och bad är öppet till 18.",
        "Lunden vid skolan ska röjas i vår.", "Det kostar 50 kronor per person och dag.",
        "Per timme blir det dyrt.", "Hans svar var bra, tack för det.", "Bo kvar i kommunen, det är fint här.",
        "Eken vid kyrkan är 300 år gammal.", "Vi ses vid ån och ek i parken.", "Åsen är stängd för skogsavverkning.",
        "Idag är det fint väder vid ån.", "Liv och rörelse på torget i helgen.",
        "Det är mitt liv, inte ditt.", "Vägen över berget är avstängd.", "Det blir sol i morgon enligt SMHI.",
        "Lund är stängd för vinterfiske.", "Stranden städas av föreningen på lördag.",
        "Dalen har fått ny busslinje.", "Bergets topp nås via stigen.", "Åker du buss eller bil?",
        "Tor och fre har biblioteket öppet till 19.",
        # proper nouns equal to a commenter's name part: masked, the price of masking parts alone
        "Näslunds väg är avstängd mellan 8 och 16.", "Vi åkte till Lund i går.",
    ],
    "nb": [
        "Vi gikk opp på berget og så utover dalen.", "Sol og varme hele helgen!", "Solen skinner over stranden i dag.",
        "Livet i bygda er godt.", "Liv og røre på torget i helgen.", "Det koster 50 kroner per person.",
        "Dalen har fått ny bussrute.", "Berg og dal, fin tur i dag.", "Stranden ryddes av idrettslaget på lørdag.",
        "Hans forslag var bra, takk for det.", "Tor og fre er biblioteket åpent til 19.",
        "Strand og brygge er stengt for vedlikehold.", "Det er mitt liv, ikke ditt.", "Berget er stengt for klatring.",
        "Vi møtes ved lunden bak skolen.", "Dal og fjell ligger under snø.",
    ],
    "da": [
        "Vi gik op på bakken og så ud over dalen.", "Sol og varme hele weekenden!", "Stranden er ren igen.",
        "Det koster 50 kroner per person.", "Livet i byen er godt.", "Liv og glade dage på torvet.",
        "Hans forslag var godt, tak for det.", "Strand og havn er lukket i dag.", "Lunden bag skolen bliver ryddet.",
        "Dalen har fået ny buslinje.", "Vi bor i en dal ved havet.", "Sol, strand og is hele sommeren.",
    ],
}

_WORD = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f])+")


def _key(word: str) -> str:
    return unicodedata.normalize("NFKC", word).casefold()


def variant(name: str, kind: str) -> str:
    """``name`` written as ``kind``."""
    words = name.split()
    given, surname = " ".join(words[:1]), " ".join(words[1:])
    return {
        "exact": name, "lower": name.lower(), "upper": name.upper(), "title": name.title(),
        "genitive -s": name + "s", "possessive 's": name + "'s", "possessive ’s": name + "’s",
        "Surname, Given": f"{surname}, {given}", "surname alone": surname, "given name alone": given,
        "NFD": unicodedata.normalize("NFD", name), "extra whitespace": "  \n ".join(words),
    }[kind]


def planted():
    """One row per (name, kind, position): the text with the variant in it."""
    rows = []
    for name, lang in NAMES:
        for kind in KINDS:
            templates = POSSESSIVE_TEMPLATES if kind.startswith(("genitive", "possessive")) else TEMPLATES
            for position, template in zip(("inside", "opening"), templates[lang]):
                rows.append({"name": name, "lang": lang, "kind": kind, "position": position, "template": template,
                             "text": template.format(x=variant(name, kind))})
    return pd.DataFrame(rows)


def leaked(text: str, template: str, name: str) -> bool:
    """True when a word of ``name`` (or its genitive) is left in ``text`` beyond the template's own words."""
    own = {_key(w) for w in _WORD.findall(template)}
    parts = {_key(w) for w in _WORD.findall(name)}
    left = [_key(w) for w in _WORD.findall(text) if _key(w) not in own]
    return any(w in parts or (w.endswith("s") and w[:-1] in parts) for w in left)


def measure(mask=mask_names, with_lang=True):
    """The planted variants masked by ``mask`` per kind and position, and the false positives."""
    names = [n for n, _ in NAMES]
    plants = planted()
    kwargs = {"lang": plants["lang"].to_numpy()} if with_lang else {}
    out = mask(plants["text"], names, **kwargs)
    plants["masked"] = [not leaked(t, tpl, n) for t, tpl, n in zip(out, plants["template"], plants["name"])]
    table = plants.pivot_table(index="kind", columns="position", values="masked", aggfunc="sum").reindex(KINDS)
    table["of"] = plants.groupby("kind").size().reindex(KINDS) // 2
    ordinary = pd.DataFrame([(lang, s) for lang, texts in ORDINARY.items() for s in texts], columns=["lang", "text"])
    kwargs = {"lang": ordinary["lang"].to_numpy()} if with_lang else {}
    ordinary["out"] = list(mask(ordinary["text"], names, **kwargs))
    ordinary["false_positives"] = ordinary["out"].str.count(re.escape("[person]"))
    return table, ordinary


def test_every_variant_kind_is_masked_where_the_rules_say():
    table, _ = measure()
    n = len(NAMES)
    # worked out from the rules of mask_names, name by name:
    # - lower case: a full name of common words or two-letter parts only needs a capital:
    #   Bo Ek, Li Wu, Per Lund, Liv Berg, Sol Strand stay (5)
    # - a two-letter part alone stays: surnames Ek, Wu, Ås (3), given names Bo, Li (2)
    # - opening a sentence, a common-word part alone stays too: surnames Dal, Lund, Berg, Strand (4),
    #   given names Per, Liv, Sol, Tor (4)
    expected = pd.DataFrame({
        "inside": [n, n - 5, n, n, n, n, n, n, n - 3, n - 2, n, n],
        "opening": [n, n - 5, n, n, n, n, n, n, n - 3 - 4, n - 2 - 4, n, n],
        "of": [n] * len(KINDS)}, index=pd.Index(KINDS, name="kind"))
    pd.testing.assert_frame_equal(table.astype("int64"), expected, check_names=False)


def test_ordinary_words_are_not_masked():
    _, ordinary = measure()
    masked = ordinary.loc[ordinary["false_positives"] > 0, "out"].tolist()
    # only the two proper nouns that equal a commenter's name part (Åke Näslund, Per Lund)
    assert masked == ["[person] väg är avstängd mellan 8 och 16.", "Vi åkte till [person] i går."]
    assert ordinary["false_positives"].sum() == 2
