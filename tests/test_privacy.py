"""Pseudonyms and masking of personal data, on cases worked out by hand."""

import hashlib
import hmac

import pandas as pd
import pytest

from kommunsocial import privacy
from kommunsocial.privacy import mask_names, pseudonymise, redact


def test_pseudonym_is_the_keyed_hash():
    expected = "p_" + hmac.new(b"k", b"facebook:123", hashlib.sha256).hexdigest()[:16]
    out = pseudonymise(["facebook:123", "facebook:123", None, "facebook:124"], b"k")
    assert out.iloc[0] == expected == out.iloc[1]
    assert out.iloc[2] is pd.NA
    assert out.iloc[3] != expected
    assert pseudonymise(["facebook:123"], b"other").iloc[0] != expected


def test_salt_file_is_created_once_and_reused(tmp_path, monkeypatch):
    monkeypatch.setenv("KOMMUNSOCIAL_SALT_FILE", str(tmp_path / "salt"))
    first = privacy.get_salt()
    assert (tmp_path / "salt").is_file() and len(first) == 64
    assert privacy.get_salt() == first
    monkeypatch.setenv("KOMMUNSOCIAL_SALT", "from-env")
    assert privacy.get_salt() == b"from-env"
    assert privacy.get_salt("given") == b"given"
    assert privacy.salt_fingerprint(b"given") != "given" and len(privacy.salt_fingerprint(b"given")) == 12


@pytest.mark.parametrize("text, expected", [
    ("Mejla anna.fiktiv@exempel.se!", "Mejla [e-mail]!"),
    ("Ring 070-123 45 67 eller +46 70 123 45 67", "Ring [phone] eller [phone]"),
    ("Växel 0520-49 70 00, 08-123 456 78", "Växel [phone], [phone]"),
    ("Ring meg på 912 34 567 / +47 912 34 567 / 22 12 34 56", "Ring meg på [phone] / [phone] / [phone]"),
    # Skatteverket's example personnummer 811218-9876: Luhn sum 50, valid
    ("Mitt pnr är 811218-9876", "Mitt pnr är [id-number]"),
    ("19811218-9876 och 198112189876", "[id-number] och [id-number]"),
    # run together, the Luhn digit must fit: 8112189875 fails (sum 49) and is left alone
    ("8112189876 men inte 8112189875", "[id-number] men inte 8112189875"),
    # Norwegian fødselsnummer 010180 123 + control digits 7 and 1 (mod 11 worked out by hand)
    ("fnr 01018012371", "fnr [id-number]"),
    ("Möte 2024-03-11 kl. 08.15, budget 1 500 000 kr, ärende 2024123456",
     "Möte 2024-03-11 kl. 08.15, budget 1 500 000 kr, ärende 2024123456"),
])
def test_redact(text, expected):
    assert redact([text]).iloc[0] == expected


def test_mask_names_only_full_known_names():
    texts = ["Anna Fiktiv tack för tipset!", "Hälsningar Anna", "Kalle Påhittad och Anna Fiktiv Svensson"]
    out = mask_names(texts, ["Anna Fiktiv", "Kalle Påhittad", "Ola"])
    assert out.tolist() == ["[person] tack för tipset!", "Hälsningar Anna", "[person] och [person] Svensson"]


def test_mentions_of_people_are_masked_but_pages_kept():
    out = privacy.mask_mentions(["@testa_testsson svarade @SjovikKommun", "info@sjovik.se", "@ab ok"],
                                keep=["@sjovikkommun"])
    assert out.tolist() == ["@[person] svarade @SjovikKommun", "info@sjovik.se", "@[person] ok"]
