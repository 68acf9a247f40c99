"""Train NLU-only variants of the pipeline and compare them on the held-out sets.

Each variant changes one thing against `config.yml` (the classifier, or one
feature); each is trained with `rasa train nlu` (timed) and evaluated with
`tools.evaluate`. Writes results/classifier_comparison.{json,md}.
Takes several minutes (DIET dominates): run by hand, not in `make test`.
"""
from __future__ import annotations

import argparse
import copy
import json
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import yaml

from tools.evaluate import HELDOUT_FRESH, RESULTS, ROOT, evaluate, evaluate_realworld
from tools.train import fingerprint

CLASSIFIER_INDEX = 4  # position of the classifier in config.yml's pipeline
REAL_FIGURES = ("macro_f1", "problem_kept", "false_alarm_rate", "out_of_domain_asked")


def _variants(base: dict) -> dict:
    pipeline = base["pipeline"]
    classifier = pipeline[CLASSIFIER_INDEX]

    def with_classifier(component: dict) -> list:
        changed = copy.deepcopy(pipeline)
        changed[CLASSIFIER_INDEX] = component
        return changed

    def tuned(**settings) -> list:
        return with_classifier({**classifier, **settings})

    no_shapes = copy.deepcopy(pipeline)
    no_shapes[1]["number_shapes"] = False
    return {
        "chosen_out_of_scope_weight_x4": pipeline,
        "lr_C_0.3": tuned(C=0.3),
        "lr_C_3": tuned(C=3.0),
        "lr_rows_normalised_C_10": tuned(C=10.0, normalise_rows=True),
        "lr_rows_normalised_C_30": tuned(C=30.0, normalise_rows=True),
        "lr_out_of_scope_weight_x1": tuned(class_weight_factors={}),
        "lr_out_of_scope_weight_x2": tuned(class_weight_factors={"out_of_scope": 2.0}),
        "lr_out_of_scope_weight_x8": tuned(class_weight_factors={"out_of_scope": 8.0}),
        "diet_100_epochs": with_classifier(
            {"name": "DIETClassifier", "epochs": 100, "entity_recognition": False,
             "constrain_similarities": True}),
        "lr_without_char_ngrams": [c for i, c in enumerate(pipeline) if i != 3],
        "lr_without_normaliser": pipeline[1:],
        "lr_without_number_shapes": no_shapes,
    }


def _train(name: str, pipeline: list, workdir: Path) -> tuple:
    config = {"recipe": "default.v1", "language": "zh", "pipeline": pipeline}
    config_path = workdir / f"{name}.yml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True))
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "rasa", "train", "nlu", "--config", str(config_path),
                    "--nlu", "data", "--out", str(workdir), "--fixed-model-name", name],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return workdir / f"{name}.tar.gz", time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="variant names to run")
    parser.add_argument("--table-only", action="store_true", help="rewrite the Markdown table from the JSON")
    args = parser.parse_args()
    base = yaml.safe_load((ROOT / "config.yml").read_text())
    table = RESULTS / "classifier_comparison.json"
    # Variants run earlier stay in the table; `--only` re-measures some of them.
    rows = json.loads(table.read_text()) if (args.only or args.table_only) and table.exists() else {}
    if args.table_only:
        write_table(rows)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for name, pipeline in _variants(base).items():
            if args.only and name not in args.only:
                continue
            model, seconds = _train(name, copy.deepcopy(pipeline), workdir)
            summary = evaluate(model, workdir / f"{name}-results")
            fresh = evaluate(model, workdir / f"{name}-fresh", HELDOUT_FRESH)
            real = evaluate_realworld(model, workdir / f"{name}-realworld") or {}
            rows[name] = {
                "measured": f"{date.today().isoformat()}, inputs {fingerprint()}",
                "train_seconds": round(seconds, 1),
                "intent_macro_f1": round(summary["intent_macro_f1"], 3),
                "fresh_intent_macro_f1": round(fresh["intent_macro_f1"], 3),
                "false_alarm_rate": round(summary["false_alarm_rate"], 3),
                "negatives_out_of_scope": round(summary["negatives_recognised_out_of_scope"], 3),
                "real": {k: round(real[k], 3) for k in REAL_FIGURES if k in real},
                "per_style_accuracy": {k: round(v, 3) for k, v in summary["per_style_accuracy"].items()},
            }
            print(name, rows[name], flush=True)
    table.write_text(json.dumps(rows, indent=1))
    write_table(rows)
    return 0


def write_table(rows: dict) -> None:
    """results/classifier_comparison.md from the measured rows."""
    styles = sorted({s for row in rows.values() for s in row["per_style_accuracy"]})
    lines = ["# Classifier and feature comparison", "",
             "Held-out sets `tests/nlu/heldout.yml` and `heldout_fresh.yml`, negatives "
             "`tests/nlu/near_domain_negatives.yml`, and the real-world dev set "
             "(`../shared/eval/realworld-dev/`: macro-F1, problem lines kept, false alarms on its "
             "out-of-domain lines, share of those that would get the clarifying question); "
             "train time is the whole `rasa train nlu` on this machine (2 cores).", "",
             "Style columns: intent accuracy per style on the first held-out set.", "",
             "Rows measured with other training data say so in their last column.", "",
             "| variant | train s | intent macro-F1 | macro-F1, fresh set | near-domain false alarms | "
             "real macro-F1 | real kept | real false alarms | real asked | " + " | ".join(styles)
             + " | measured |",
             "|---" * (10 + len(styles)) + "|"]

    def real(row: dict, key: str, style: str) -> str:
        value = row.get("real", {}).get(key)
        return "–" if value is None else format(value, style)

    for name, row in rows.items():
        lines.append(f"| {name} | {row['train_seconds']} | {row['intent_macro_f1']:.3f} | "
                     f"{row['fresh_intent_macro_f1']:.3f} | {row['false_alarm_rate']:.1%} | "
                     f"{real(row, 'macro_f1', '.3f')} | {real(row, 'problem_kept', '.1%')} | "
                     f"{real(row, 'false_alarm_rate', '.1%')} | {real(row, 'out_of_domain_asked', '.1%')} | "
                     + " | ".join(f"{row['per_style_accuracy'].get(s, 0):.3f}" for s in styles)
                     + f" | {row.get('measured', '2026-11-23, earlier data')} |")
    (RESULTS / "classifier_comparison.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
