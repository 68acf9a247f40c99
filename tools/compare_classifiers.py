"""Compare classifiers and features by cross-validation and on the working half.

Each variant changes one thing against `config.yml` (the classifier, one
feature, a weight). For each variant:
- 5-fold cross-validation on our own training data (stratified by intent,
  fixed seed): accuracy, macro-F1, problem lines kept, out_of_scope lines
  taken for a problem;
- the model trained on all of `data/`, scored on both held-out sets, the
  near-domain negatives and the real-world dev set's *working* half only
  (the sealed half is scored once, by `make eval`, for the choice).
Every model is a real `rasa train nlu` (timed), two at a time. Writes
results/classifier_comparison.{json,md}. Takes about an hour for all
variants: run by hand (`--only NAME…` for some), not in `make test`.
"""
from __future__ import annotations

import argparse
import asyncio
import copy
import json
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Dict, List

import yaml

from tools import realworld
from tools.evaluate import HELDOUT_FRESH, RESULTS, ROOT, _parse_all, evaluate, load_agent
from tools.rasa_quiet import quiet_rasa_imports
from tools.train import fingerprint

CLASSIFIER_INDEX = 4  # position of the classifier in config.yml's pipeline
TOKENIZER, WORD_FEATURES, CHAR_FEATURES = 1, 2, 3
FOLDS = 5
SEED = 23
REAL_FIGURES = ("macro_f1", "problem_kept", "problem_kept_or_asked", "false_alarm_rate", "out_of_domain_asked")


def _variants(base: dict) -> Dict[str, list]:
    pipeline = base["pipeline"]

    def changed(index: int, **settings) -> list:
        result = copy.deepcopy(pipeline)
        result[index] = {**result[index], **settings}
        return result

    def tuned(**settings) -> list:
        return changed(CLASSIFIER_INDEX, **settings)

    def both_features(**settings) -> list:
        result = changed(WORD_FEATURES, **settings)
        result[CHAR_FEATURES] = {**result[CHAR_FEATURES], **settings}
        return result

    return {
        "chosen": pipeline,
        "lr_C_0.3": tuned(C=0.3),
        "lr_C_3": tuned(C=3.0),
        "lr_rows_normalised_C_10": tuned(C=10.0, normalise_rows=True),
        "lr_rows_normalised_C_30": tuned(C=30.0, normalise_rows=True),
        "lr_out_of_scope_weight_x2": tuned(class_weight_factors={"out_of_scope": 2.0}),
        "lr_out_of_scope_weight_x6": tuned(class_weight_factors={"out_of_scope": 6.0}),
        "lr_out_of_scope_weight_x8": tuned(class_weight_factors={"out_of_scope": 8.0}),
        "lr_out_of_scope_weight_x1": tuned(class_weight_factors={}),
        "words_only": changed(WORD_FEATURES, max_ngram=1),
        "words_1_3_grams": changed(WORD_FEATURES, max_ngram=3),
        "features_seen_twice": both_features(min_df=2),
        "char_2_5_grams": changed(CHAR_FEATURES, min_ngram=2, max_ngram=5),
        "char_1_3_grams": changed(CHAR_FEATURES, max_ngram=3),
        "char_not_wb_1_4": changed(CHAR_FEATURES, analyzer="char"),
        "lr_without_char_ngrams": [c for i, c in enumerate(pipeline) if i != CHAR_FEATURES],
        "lr_without_normaliser": pipeline[1:],
        "lr_without_number_shapes": changed(TOKENIZER, number_shapes=False),
        "diet_100_epochs": pipeline[:CLASSIFIER_INDEX] + [
            {"name": "DIETClassifier", "epochs": 100, "entity_recognition": False,
             "constrain_similarities": True}] + pipeline[CLASSIFIER_INDEX + 1:],
    }


def _train(name: str, pipeline: list, nlu: Path, workdir: Path) -> tuple:
    name = name.replace(".", "_")  # Rasa would take what follows a dot for the file's extension
    config = {"recipe": "default.v1", "language": "zh", "pipeline": pipeline}
    config_path = workdir / f"{name}.yml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True))
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "rasa", "train", "nlu", "--config", str(config_path),
                    "--nlu", str(nlu), "--out", str(workdir), "--fixed-model-name", name],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return workdir / f"{name}.tar.gz", time.monotonic() - started


def _folds(workdir: Path) -> List[tuple]:
    """Stratified folds of data/nlu: (training file, held-back rows), and all of it as `all.yml`,
    so that every variant is measured on the same data even when data/ changes meanwhile."""
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.training_data import TrainingData
    from sklearn.model_selection import StratifiedKFold

    data = load_data(str(ROOT / "data" / "nlu"))
    examples = [e for e in data.training_examples if e.get("intent")]
    labels = [e.get("intent") for e in examples]
    (workdir / "all.yml").write_text(TrainingData(examples).nlu_as_yaml())
    folds = []
    for k, (train, test) in enumerate(StratifiedKFold(FOLDS, shuffle=True, random_state=SEED)
                                      .split(examples, labels)):
        path = workdir / f"fold{k}.yml"
        path.write_text(TrainingData([examples[i] for i in train]).nlu_as_yaml())
        folds.append((path, [{"text": examples[i].get("text"), "intent": labels[i]} for i in test]))
    return folds


def fold_figures(rows: List[dict]) -> dict:
    """A fold's figures by the dev set's scorer: its out_of_scope lines are the strangers."""
    rows = [{**r, "source": "cross-validation"} for r in rows]
    strangers = [r for r in rows if r["intent"] == "out_of_scope"]
    figures = realworld.score(rows, strangers, averaged=sorted({r["intent"] for r in rows}))
    return {"accuracy": figures["accuracy"], "macro_f1": figures["macro_f1"],
            "problem_kept": figures["problem_kept"], "out_of_scope_alarm": figures["false_alarm_rate"]}


def _parse(model: Path, rows: List[dict]) -> None:
    asyncio.run(_parse_all(model, rows, load_agent(model)))


def _measure(name: str, pipeline: list, workdir: Path, folds: List[tuple], pool: ThreadPoolExecutor,
             measured: str) -> dict:
    jobs = [pool.submit(_train, f"{name}-fold{k}", copy.deepcopy(pipeline), path, workdir)
            for k, (path, _) in enumerate(folds)]
    full = pool.submit(_train, name, copy.deepcopy(pipeline), workdir / "all.yml", workdir)
    cv: List[dict] = []
    for job, (_, rows) in zip(jobs, folds):
        model, _ = job.result()
        held = copy.deepcopy(rows)
        _parse(model, held)
        cv.append(fold_figures(held))
        model.unlink()
    model, seconds = full.result()
    summary = evaluate(model, workdir / f"{name}-results")
    fresh = evaluate(model, workdir / f"{name}-fresh", HELDOUT_FRESH)
    row = {
        "measured": measured,
        "train_seconds": round(seconds, 1),
        "cv": {k: round(sum(f[k] for f in cv) / len(cv), 3) for k in cv[0]},
        "intent_macro_f1": round(summary["intent_macro_f1"], 3),
        "fresh_intent_macro_f1": round(fresh["intent_macro_f1"], 3),
        "false_alarm_rate": round(summary["false_alarm_rate"], 3),
    }
    if realworld.available():
        parts = realworld.halves(*realworld.load())
        in_domain, out_of_domain = parts["working"]
        _parse(model, in_domain + out_of_domain)
        working = realworld.score(in_domain, out_of_domain, averaged=realworld.macro_intents(parts["all"][0]))
        row["working"] = {k: round(working[k], 3) for k in REAL_FIGURES}
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="variant names to run")
    parser.add_argument("--table-only", action="store_true", help="rewrite the Markdown table from the JSON")
    args = parser.parse_args()
    quiet_rasa_imports()
    base = yaml.safe_load((ROOT / "config.yml").read_text())
    table = RESULTS / "classifier_comparison.json"
    # Variants run earlier stay in the table; `--only` re-measures some of them.
    rows = json.loads(table.read_text()) if (args.only or args.table_only) and table.exists() else {}
    if not args.table_only:
        with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(2) as pool:
            workdir = Path(tmp)
            folds = _folds(workdir)
            # What was measured: the data and config as the folds were cut from them.
            measured = f"{date.today().isoformat()}, inputs {fingerprint()}"
            for name, pipeline in _variants(base).items():
                if args.only and name not in args.only:
                    continue
                rows[name] = _measure(name, pipeline, workdir, folds, pool, measured)
                print(name, rows[name], flush=True)
                table.write_text(json.dumps(rows, indent=1))
    write_table(rows)
    return 0


def write_table(rows: dict) -> None:
    """results/classifier_comparison.md from the measured rows."""
    lines = ["# Classifier and feature comparison", "",
             f"Cross-validation: {FOLDS} stratified folds of `data/nlu` (seed {SEED}), each fold's model "
             "trained on the other four; out_of_scope alarm = an out_of_scope line taken for a problem "
             "with confidence ≥ 0.5. Then the model trained on all of `data/`: held-out sets "
             "`tests/nlu/heldout.yml` and `heldout_fresh.yml`, near-domain negatives, and the "
             "real-world dev set's **working half** (`tools/realworld.py`; the sealed half is scored only "
             "for the choice, in `results/realworld/`). Train time: one `rasa train nlu` on all data, "
             "2 cores, two trainings at a time.", "",
             "| variant | train s | CV accuracy | CV macro-F1 | CV problems kept | CV out_of_scope alarm | "
             "held-out macro-F1 | fresh macro-F1 | near-domain false alarms | working macro-F1 | "
             "working kept | working kept or asked | working false alarms | working strangers asked | measured |",
             "|---" * 15 + "|"]

    def figure(row: dict, group: str, key: str, style: str) -> str:
        value = row.get(group, {}).get(key)
        return "–" if value is None else format(value, style)

    for name, row in rows.items():
        lines.append(" | ".join([
            f"| {name}", str(row["train_seconds"]),
            figure(row, "cv", "accuracy", ".3f"), figure(row, "cv", "macro_f1", ".3f"),
            figure(row, "cv", "problem_kept", ".1%"), figure(row, "cv", "out_of_scope_alarm", ".1%"),
            f"{row['intent_macro_f1']:.3f}", f"{row['fresh_intent_macro_f1']:.3f}", f"{row['false_alarm_rate']:.1%}",
            figure(row, "working", "macro_f1", ".3f"), figure(row, "working", "problem_kept", ".1%"),
            figure(row, "working", "problem_kept_or_asked", ".1%"),
            figure(row, "working", "false_alarm_rate", ".1%"), figure(row, "working", "out_of_domain_asked", ".1%"),
            row.get("measured", "")]) + " |")
    (RESULTS / "classifier_comparison.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
