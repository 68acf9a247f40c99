"""Score the model on real questions nobody here wrote (`../shared/eval/realworld-dev/`).

Evaluation only: the lines are read from the shared folder, never copied into
the project. The figures (no lines) go to `results/realworld/`; the misses,
which quote the lines, go to the ignored `results/tmp/realworld/`. When the
folder is absent (a user's clone) the evaluation says so and is skipped.
"""
from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from daozhang.triage import PROBLEM_INTENTS, TriagePolicy

ROOT = Path(__file__).resolve().parent.parent
DEV_SET = ROOT.parent / "shared" / "eval" / "realworld-dev"
MISSES = ROOT / "results" / "tmp" / "realworld"
FALSE_ALARM_CONFIDENCE = 0.5
MIN_LINES_FOR_MACRO = 15
# `make test` fails below these (only when the dev set is present).
BARS = {"problem_kept": 0.75, "macro_f1": 0.65, "false_alarm_max": 0.03}


def available(folder: Path = DEV_SET) -> bool:
    return (folder / "in_domain.tsv").is_file() and (folder / "out_of_domain.tsv").is_file()


def _read(path: Path) -> List[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def load(folder: Path = DEV_SET) -> tuple:
    return _read(folder / "in_domain.tsv"), _read(folder / "out_of_domain.tsv")


def top_intent(row: dict) -> str:
    """What the assistant acts on: `nlu_fallback` counts as out_of_scope."""
    return "out_of_scope" if row["predicted"] == "nlu_fallback" else row["predicted"]


def _f1(tp: int, fp: int, fn: int) -> dict:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}


def score(in_domain: Sequence[dict], out_of_domain: Sequence[dict],
          triage: Optional[TriagePolicy] = None) -> dict:
    """The issue's figures from parsed rows (each has `predicted`, `confidence`, `ranking`)."""
    triage = triage or TriagePolicy.load()
    counts: Dict[str, Counter] = defaultdict(Counter)
    confusions: Counter = Counter()
    for row in in_domain:
        gold, guess = row["intent"], top_intent(row)
        if gold == guess:
            counts[gold]["tp"] += 1
        else:
            counts[gold]["fn"] += 1
            counts[guess]["fp"] += 1
            confusions[(gold, guess)] += 1
    support = Counter(r["intent"] for r in in_domain)
    per_intent = {i: _f1(c["tp"], c["fp"], c["fn"]) for i, c in sorted(counts.items()) if support[i]}
    macro_intents = [i for i in per_intent if support[i] >= MIN_LINES_FOR_MACRO]
    problems = [r for r in in_domain if r["intent"] in PROBLEM_INTENTS]
    kept = [r for r in problems if top_intent(r) in PROBLEM_INTENTS]
    alarms = [r for r in out_of_domain
              if top_intent(r) in PROBLEM_INTENTS and r["confidence"] >= FALSE_ALARM_CONFIDENCE]
    asked_ood = [r for r in out_of_domain if triage.should_ask(r["ranking"], r["text"])]
    dismissed = [r for r in problems if top_intent(r) not in PROBLEM_INTENTS]
    asked_dismissed = [r for r in dismissed if triage.should_ask(r["ranking"], r["text"])]
    by_source: Dict[str, Counter] = defaultdict(Counter)
    for row in in_domain:
        c = by_source[row["source"]]
        c["n"] += 1
        c["correct"] += top_intent(row) == row["intent"]
        if row["intent"] in PROBLEM_INTENTS:
            c["problems"] += 1
            c["kept"] += top_intent(row) in PROBLEM_INTENTS
    for row in out_of_domain:
        c = by_source[row["source"]]
        c["ood"] += 1
        c["alarms"] += row in alarms
        c["asked"] += row in asked_ood
    return {
        "in_domain_lines": len(in_domain),
        "out_of_domain_lines": len(out_of_domain),
        "accuracy": sum(top_intent(r) == r["intent"] for r in in_domain) / len(in_domain),
        "macro_f1": sum(per_intent[i]["f1"] for i in macro_intents) / len(macro_intents),
        "macro_f1_intents": macro_intents,
        "problem_lines": len(problems),
        "problem_kept": len(kept) / len(problems),
        "dismissed_problems_asked": (len(asked_dismissed) / len(dismissed)) if dismissed else 0.0,
        "problem_kept_or_asked": (len(kept) + len(asked_dismissed)) / len(problems),
        "false_alarm_rate": len(alarms) / len(out_of_domain),
        "out_of_domain_asked": len(asked_ood) / len(out_of_domain),
        "per_intent": per_intent,
        "per_source": {s: dict(c) for s, c in sorted(by_source.items())},
        "confusions": [{"gold": g, "predicted": p, "n": n} for (g, p), n in confusions.most_common(20)],
    }


def triage_sweep(in_domain: Sequence[dict], out_of_domain: Sequence[dict]) -> List[dict]:
    """For thresholds of the clarifying question: dismissed problems asked vs out-of-domain asked."""
    base = TriagePolicy.load()
    dismissed = [r for r in in_domain if r["intent"] in PROBLEM_INTENTS and top_intent(r) not in PROBLEM_INTENTS]
    rows = []
    for min_confidence in (0.05, 0.08, 0.1, 0.12, 0.15, 0.2, 0.25):
        for max_gap in (0.4, 0.5, 0.6, 0.7, 0.8, 1.0):
            policy = replace(base, min_problem_confidence=min_confidence, max_gap=max_gap)
            rows.append({
                "min_problem_confidence": min_confidence, "max_gap": max_gap,
                "dismissed_problems_asked": (sum(policy.should_ask(r["ranking"], r["text"]) for r in dismissed)
                                             / len(dismissed)) if dismissed else 0.0,
                "out_of_domain_asked": sum(policy.should_ask(r["ranking"], r["text"]) for r in out_of_domain)
                / len(out_of_domain)})
    return rows


def sweep_markdown(rows: Sequence[dict], chosen: TriagePolicy) -> str:
    lines = ["# When to ask which problem it is (real-world dev set)", "",
             "Ask when out_of_scope or a fallback wins but a problem intent has at least "
             "`min_problem_confidence` and is within `max_gap` of the winner. Chosen in "
             f"`daozhang/data/triage.yml`: {chosen.min_problem_confidence} / {chosen.max_gap}. Bar: "
             "at most 10% of out-of-domain lines asked.", "",
             "| min_problem_confidence | max_gap | dismissed problem lines asked | out-of-domain lines asked |",
             "|---|---|---|---|"]
    lines += [f"| {r['min_problem_confidence']} | {r['max_gap']} | {r['dismissed_problems_asked']:.1%} | "
              f"{r['out_of_domain_asked']:.1%} |" for r in rows]
    return "\n".join(lines) + "\n"


def failures(summary: dict) -> List[str]:
    problems = []
    if summary["problem_kept"] < BARS["problem_kept"]:
        problems.append(f"real problem lines kept {summary['problem_kept']:.1%} < {BARS['problem_kept']:.0%}")
    if summary["macro_f1"] < BARS["macro_f1"]:
        problems.append(f"real macro-F1 {summary['macro_f1']:.3f} < {BARS['macro_f1']}")
    if summary["false_alarm_rate"] > BARS["false_alarm_max"]:
        problems.append(f"real false alarms {summary['false_alarm_rate']:.1%} > {BARS['false_alarm_max']:.0%}")
    return problems


def write_misses(in_domain: Sequence[dict], out_of_domain: Sequence[dict], folder: Path = MISSES) -> None:
    """The lines the model got wrong, for reading only: under the ignored results/tmp/."""
    folder.mkdir(parents=True, exist_ok=True)
    keys = ("source", "intent", "predicted", "confidence", "text", "ranking")
    misses = [{k: r.get(k) for k in keys} for r in in_domain if top_intent(r) != r["intent"]]
    alarms = [{k: r.get(k) for k in keys} for r in out_of_domain
              if top_intent(r) in PROBLEM_INTENTS and r["confidence"] >= FALSE_ALARM_CONFIDENCE]
    (folder / "in_domain_misses.json").write_text(json.dumps(misses, ensure_ascii=False, indent=1))
    (folder / "false_alarms.json").write_text(json.dumps(alarms, ensure_ascii=False, indent=1))


def markdown(s: dict, model: str) -> str:
    lines = [f"# Real-world dev set ({model})", "",
             f"`../shared/eval/realworld-dev/`: {s['in_domain_lines']} labelled in-domain lines, "
             f"{s['out_of_domain_lines']} out-of-domain lines. Top intent of `/model/parse`, "
             "`nlu_fallback` counted as out_of_scope.", "",
             f"- accuracy: **{s['accuracy']:.3f}**",
             f"- macro-F1 over intents with ≥ {MIN_LINES_FOR_MACRO} lines "
             f"({', '.join(s['macro_f1_intents'])}): **{s['macro_f1']:.3f}**",
             f"- problem lines kept (taken for some problem intent): **{s['problem_kept']:.1%}** "
             f"of {s['problem_lines']}",
             f"- dismissed problem lines that get the clarifying question: {s['dismissed_problems_asked']:.1%} "
             f"(kept or asked: {s['problem_kept_or_asked']:.1%})",
             f"- false alarms on out-of-domain lines (problem intent, confidence ≥ "
             f"{FALSE_ALARM_CONFIDENCE}): **{s['false_alarm_rate']:.1%}**",
             f"- out-of-domain lines that would get the clarifying question: {s['out_of_domain_asked']:.1%}",
             "", "## Per intent", "", "| intent | precision | recall | F1 | n |", "|---|---|---|---|---|"]
    lines += [f"| {i} | {r['precision']:.2f} | {r['recall']:.2f} | {r['f1']:.2f} | {r['support']} |"
              for i, r in s["per_intent"].items()]
    lines += ["", "## Per source", "",
              "| source | in-domain n | accuracy | problems kept | out-of-domain n | false alarms | asked |",
              "|---|---|---|---|---|---|---|"]
    for source, c in s["per_source"].items():
        n, ood = c.get("n", 0), c.get("ood", 0)
        accuracy = f"{c['correct'] / n:.3f}" if n else "–"
        kept = f"{c['kept'] / c['problems']:.1%}" if c.get("problems") else "–"
        alarms = f"{c['alarms'] / ood:.1%}" if ood else "–"
        asked = f"{c['asked'] / ood:.1%}" if ood else "–"
        lines.append(f"| {source} | {n or '–'} | {accuracy} | {kept} | {ood or '–'} | {alarms} | {asked} |")
    lines += ["", "## Most frequent confusions (gold → predicted)", "", "| gold | predicted | n |",
              "|---|---|---|"]
    lines += [f"| {c['gold']} | {c['predicted']} | {c['n']} |" for c in s["confusions"]]
    return "\n".join(lines) + "\n"
