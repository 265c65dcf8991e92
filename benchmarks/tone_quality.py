"""Quality of the formality index and the default ToneClassifier on the development set's TEST split.

Prints, per language: test posts, accuracy, macro-F1 and AUC of the index and of the classifier
(formal vs conversational), and Spearman's rho between the index and the 1–5 formality ratings.
The bar: macro-F1 >= 0.93 and rho >= 0.85 for every language with at least 30 test posts.

    python benchmarks/tone_quality.py
"""

from __future__ import annotations

import pandas as pd
from scipy.stats import spearmanr
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score

from kommunsocial.tone import ToneClassifier, index, resources


def main():
    dev = resources.devset()
    test = dev[dev["split"] == "test"].rename(columns={"formality": "rating"})
    scored = index.score(test["text"], lang=test["lang"].to_numpy())
    clf = ToneClassifier.default()
    proba = clf.predict_proba(test[["text", "lang"]])[:, list(clf.classes_).index("formal")]
    test = test.assign(index_formality=scored["formality"], index_tone=scored["tone"],
                       clf_formality=100 * proba, clf_tone=clf.predict(test[["text", "lang"]]))
    rows = []
    for lang, g in list(test.groupby("lang")) + [("all", test)]:
        formal = g["label"] == "formal"
        rows.append({"lang": lang, "test_posts": len(g),
                     "index_accuracy": accuracy_score(g["label"], g["index_tone"]),
                     "index_macro_f1": f1_score(g["label"], g["index_tone"], average="macro"),
                     "index_auc": roc_auc_score(formal, g["index_formality"]),
                     "index_spearman": spearmanr(g["index_formality"], g["rating"]).statistic,
                     "classifier_accuracy": accuracy_score(g["label"], g["clf_tone"]),
                     "classifier_macro_f1": f1_score(g["label"], g["clf_tone"], average="macro"),
                     "classifier_auc": roc_auc_score(formal, g["clf_formality"])})
    table = pd.DataFrame(rows).set_index("lang").round(3)
    print(table.to_string())
    per_lang = table.drop(index="all")
    per_lang = per_lang[per_lang["test_posts"] >= 30]
    ok = ((per_lang[["index_macro_f1", "classifier_macro_f1"]] >= 0.93).all(axis=None)
          and (per_lang["index_spearman"] >= 0.85).all())
    print("bar met" if ok else "BAR NOT MET")


if __name__ == "__main__":
    main()
