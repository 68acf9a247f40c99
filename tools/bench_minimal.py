"""The bot the issue compares ours with: this NLU pipeline, RulePolicy, the same intents, one
response per intent, no actions, no stores of its own (plain REST, in memory).

And the bare bot: the same, in the shape the issue asks ours to have and with nothing of ours in
it: every intent answered by one custom action on an action server (tools/bench_bare_actions.py),
Rasa's own Redis tracker and lock stores. What it costs over the minimal bot is the architecture's
share of our ratios.

Built from config.yml, domain.yml and data/nlu each time it is asked for; trained once per
fingerprint (ours plus this file) into results/tmp/bench/, with its training time kept beside it.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from tools.train import ROOT, fingerprint

OUT = ROOT / "results" / "tmp" / "bench"


# The bare bot's stores and action server: Rasa's own classes, on the Redis and port the stack names.
_REDIS = {"type": "redis", "url": "${REDIS_HOST}", "port": "${REDIS_PORT}", "db": "${REDIS_DB}"}
BARE_ENDPOINTS = {"action_endpoint": {"url": "http://localhost:${ACTION_PORT}/webhook"},
                  "tracker_store": _REDIS, "lock_store": dict(_REDIS)}


def _bot_files(folder: Path, bare: bool = False) -> dict:
    """domain, config, rules, endpoints and credentials of the minimal bot (or the bare one),
    written into `folder`."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    intents = domain["intents"]
    answers = {"actions": ["action_say_intent"]} if bare else {
        "responses": {f"utter_{i}": [{"text": i}] for i in intents}}
    files = {
        "domain.yml": {"version": "3.1", "intents": intents, "entities": domain.get("entities", []), **answers},
        "config.yml": {"recipe": "default.v1", "language": config["language"],
                       "assistant_id": "bench-bare" if bare else "bench-minimal", "pipeline": config["pipeline"],
                       "policies": [{"name": "RulePolicy"}]},
        "rules.yml": {"version": "3.1", "rules": [
            {"rule": i, "steps": [{"intent": i}, {"action": "action_say_intent" if bare else f"utter_{i}"}]}
            for i in intents]},
        # the minimal bot: in-memory tracker and lock stores, no action server, no broker
        "endpoints.yml": BARE_ENDPOINTS if bare else {},
        "credentials.yml": {"rest": None},
    }
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return {name: folder / name for name in files}


def _train(name: str, config: Path, domain: Path, data: list, folder: Path) -> dict:
    """Trains once per name; {model, training_seconds, model_mb} (the time kept from the run that trained it).
    Rasa's cache of trained components is an empty one of this training's own: with `make model`'s
    cache, training our bot again took 17.5 s instead of minutes."""
    model, facts = folder / f"{name}.tar.gz", folder / f"{name}.json"
    if model.exists() and facts.exists():
        return {**json.loads(facts.read_text()), "model": model}
    log = folder / f"{name}.log"
    started = time.monotonic()
    with open(log, "w") as out, tempfile.TemporaryDirectory() as cache:
        done = subprocess.run([sys.executable, "-m", "tools.rasa_quiet", "train", "--config", str(config),
                               "--domain", str(domain), "--data", *map(str, data), "--out", str(folder),
                               "--fixed-model-name", name], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                              env={**os.environ, "RASA_CACHE_DIRECTORY": cache})
    if done.returncode != 0 or not model.exists():
        raise RuntimeError(f"training {name} failed: {log}")
    figures = {"training_seconds": round(time.monotonic() - started, 1),
               "model_mb": round(model.stat().st_size / 2**20, 2)}
    facts.write_text(json.dumps(figures))
    return {**figures, "model": model}


def minimal_bot(bare: bool = False) -> dict:
    """The minimal bot's (or the bare bot's) files and trained model: {model, endpoints, credentials,
    training_seconds, model_mb}."""
    name = "bare" if bare else "minimal"
    files = _bot_files(OUT / name, bare)
    digest = fingerprint() + "-" + hashlib.sha256(b"".join(p.read_bytes() for p in files.values())).hexdigest()[:6]
    trained = _train(f"{name}-{digest}", files["config.yml"], files["domain.yml"],
                     [ROOT / "data" / "nlu", files["rules.yml"]], OUT)
    return {**trained, "endpoints": files["endpoints.yml"], "credentials": files["credentials.yml"]}


def our_training() -> dict:
    """Our bot trained the way `make model` trains it, once per fingerprint, for its training time
    (`make model`'s own model is the one served; this copy only gives the time and size)."""
    return _train(f"ours-{fingerprint()}", ROOT / "config.yml", ROOT / "domain.yml", [ROOT / "data"], OUT)
