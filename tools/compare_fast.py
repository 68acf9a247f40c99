"""Compare classifiers faster: the NLU pipeline's features and classifier stood in by plain sklearn.

`tools/compare_classifiers.py` trains every fold with `rasa train nlu` (about half an hour a
variant); here a logistic regression variant takes about 8 minutes, an SVM one half a minute.
The text goes through the same normaliser, jieba dictionary and number shapes as `config.yml`'s
tokenizer, the same word 1–2-gram and char_wb 1–4-gram counts as Rasa's
CountVectorsFeaturizer builds from them, and the same logistic regression (lbfgs, balanced
weights, out_of_scope ×4, the 0.4 fallback). On the chosen pipeline it gives Rasa's own
figures to the third decimal: cross-validation 0.924 / 0.898 / 94.7% / 4.0%, the working half
0.940 / 0.888 / 95.7%, the sealed half 0.892 / 0.775 / 88.6% (2026-12-06). So a variant can be
tried here first, and only a winner trained with Rasa.

    python -m tools.compare_fast [--sealed] [NAME …]

Per variant: 5-fold cross-validation on data/nlu (the folds of compare_classifiers), and the
model trained on all of it scored on the dev set's working half; `--sealed` scores the sealed
half too (once, for a choice). Writes results/classifier_fast.md.
"""
from __future__ import annotations

import argparse
import re
import sys
from typing import Callable, Dict, List, Sequence

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.model_selection import StratifiedKFold
from sklearn.utils.class_weight import compute_class_weight

from tools import realworld
from tools.compare_classifiers import FOLDS, SEED, fold_figures
from tools.evaluate import RESULTS, ROOT
from tools.rasa_quiet import quiet_rasa_imports

FALLBACK = 0.4
FIGURES = ("accuracy", "macro_f1", "problem_kept", "problem_kept_or_asked", "false_alarm_rate",
           "out_of_domain_asked")


def tokens(text: str) -> str:
    """The text as Rasa's word featurizer sees it: normalised, segmented, number shapes, lower case."""
    import jieba

    from daozhang.text.normalise import normalise_text
    from nlu_components.tokenizer import _DIGITS, _shape

    words = []
    for word, _, _ in jieba.tokenize(normalise_text(text)):
        if word.strip():
            word = _shape(word) if _DIGITS.fullmatch(word) else word
            words.append(re.sub(r"\b[0-9]+\b", "__NUMBER__", word).lower())  # as CountVectorsFeaturizer
    return " ".join(words)


class Model:
    """Counts of words and characters, and one classifier: `kind` lr (as config.yml) or svm
    (a linear SVM with sigmoid-calibrated probabilities)."""

    def __init__(self, kind: str = "lr", C: float = 1.0, min_df: int = 1, binary: bool = False,
                 words: tuple = (1, 2), chars: tuple = (1, 4), weights: Dict[str, float] = None) -> None:
        self.kind, self.C, self.min_df, self.binary, self.words, self.chars = kind, C, min_df, binary, words, chars
        self.weights = {"out_of_scope": 4.0, **(weights or {})}

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> "Model":
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.linear_model import LogisticRegression
        from sklearn.svm import LinearSVC

        labels = np.asarray(labels)
        self.vectorizers = [v for v in (
            self.words and CountVectorizer(token_pattern=r"(?u)\b\w+\b", ngram_range=self.words,
                                           min_df=self.min_df, binary=self.binary),
            self.chars and CountVectorizer(analyzer="char_wb", ngram_range=self.chars, min_df=self.min_df,
                                           binary=self.binary)) if v]
        features = hstack([v.fit_transform(texts) for v in self.vectorizers]).tocsr()
        classes = np.unique(labels)
        weights = dict(zip(classes, compute_class_weight("balanced", classes=classes, y=labels)))
        for intent, factor in self.weights.items():
            weights[intent] *= factor
        self.classifier = (
            LogisticRegression(C=self.C, class_weight=weights, max_iter=1000, tol=1e-4, random_state=42)
            if self.kind == "lr" else
            CalibratedClassifierCV(LinearSVC(C=self.C, class_weight=weights), method="sigmoid", cv=3))
        self.classifier.fit(features, labels)
        self.classes = list(self.classifier.classes_)
        return self

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        return self.classifier.predict_proba(hstack([v.transform(texts) for v in self.vectorizers]).tocsr())


class Averaged:
    """The mean of several models' probabilities."""

    def __init__(self, *models: Model) -> None:
        self.models = models

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> "Averaged":
        for model in self.models:
            model.fit(texts, labels)
        self.classes = self.models[0].classes
        return self

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        return sum(model.probabilities(texts) for model in self.models) / len(self.models)


VARIANTS: Dict[str, Callable[[], object]] = {
    "chosen": lambda: Model(),
    "counts_as_presence": lambda: Model(binary=True),
    "features_seen_twice": lambda: Model(min_df=2),
    "features_seen_three_times": lambda: Model(min_df=3),
    "features_seen_twice_C_2": lambda: Model(min_df=2, C=2.0),
    "qr_weight_x0.7": lambda: Model(weights={"qr_payment_not_arrived": 0.7}),
    "svm_C_0.1": lambda: Model(kind="svm", C=0.1),
    "svm_C_0.03": lambda: Model(kind="svm", C=0.03),
    "words_and_chars_apart": lambda: Averaged(Model(chars=None), Model(words=None)),
    "lr_and_svm": lambda: Averaged(Model(), Model(kind="svm", C=0.1)),
    "lr_and_svm_seen_twice": lambda: Averaged(Model(min_df=2), Model(kind="svm", C=0.1, min_df=2)),
}


def parsed(model, rows: List[dict], texts: List[str]) -> List[dict]:
    """The rows with what the pipeline would answer: top intent, confidence, ranking, fallback below 0.4."""
    for row, probabilities in zip(rows, model.probabilities(texts)):
        ranking = [{"name": model.classes[i], "confidence": float(probabilities[i])}
                   for i in np.argsort(-probabilities)[:10]]
        row.update(realworld.with_fallback(
            {"predicted": ranking[0]["name"], "confidence": ranking[0]["confidence"], "ranking": ranking}, FALLBACK))
    return rows


def cross_validated(make: Callable[[], object], texts: List[str], labels: List[str], words: List[str]) -> dict:
    figures = []
    for train, test in StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(texts, labels):
        model = make().fit([words[i] for i in train], [labels[i] for i in train])
        figures.append(fold_figures(parsed(model, [{"text": texts[i], "intent": labels[i]} for i in test],
                                           [words[i] for i in test])))
    return {k: float(np.mean([f[k] for f in figures])) for k in figures[0]}


def half(model, part: tuple, averaged: Sequence[str]) -> dict:
    in_domain, out_of_domain = ([dict(r) for r in rows] for rows in part)
    for rows in (in_domain, out_of_domain):
        parsed(model, rows, [tokens(r["text"]) for r in rows])
    return {k: realworld.score(in_domain, out_of_domain, averaged=averaged)[k] for k in FIGURES}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"variants (default all): {', '.join(VARIANTS)}")
    parser.add_argument("--sealed", action="store_true", help="score the sealed half too")
    args = parser.parse_args()
    quiet_rasa_imports()
    import jieba
    from rasa.shared.nlu.training_data.loading import load_data

    from daozhang.segmenter import install_lexicon_words

    for dictionary in sorted((ROOT / "daozhang" / "data" / "jieba").iterdir()):
        jieba.load_userdict(str(dictionary))
    install_lexicon_words()
    examples = [e for e in load_data(str(ROOT / "data" / "nlu")).training_examples if e.get("intent")]
    texts, labels = [e.get("text") for e in examples], [e.get("intent") for e in examples]
    words = [tokens(t) for t in texts]
    parts = realworld.halves(*realworld.load()) if realworld.available() else None
    lines = ["# Classifiers compared quickly (tools/compare_fast.py)", "",
             "accuracy / macro-F1 / problems kept / (CV: out_of_scope alarms; halves: kept or asked / "
             "false alarms / strangers asked)", "", "| variant | cross-validation | working half | sealed half |",
             "|---|---|---|---|"]
    for name in args.names or VARIANTS:
        row = [name, " / ".join(f"{v:.3f}" for v in cross_validated(VARIANTS[name], texts, labels, words).values())]
        if parts:
            model = VARIANTS[name]().fit(words, labels)
            averaged = realworld.macro_intents(parts["all"][0])
            for which in ("working", "sealed"):
                row.append(" / ".join(f"{v:.3f}" for v in half(model, parts[which], averaged).values())
                           if which == "working" or args.sealed else "–")
        lines.append("| " + " | ".join(row) + " |")
        print(lines[-1], flush=True)
    (RESULTS / "classifier_fast.md").write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
