"""Train the model only when its inputs changed; print the model's path.

The fingerprint covers everything that shapes the model: config, domain,
training data, our NLU components and the parts of the domain package they
call (normaliser, entity rules, lexicon, jieba dictionary), and the pinned
dependencies. Same inputs → same file name → no retraining. Only the few
newest models are kept.

Rasa keeps what each component made of the training data (`.rasa/cache`) and
keys it by config and data only: after a change to the normaliser, the entity
rules or the jieba dictionary it reused what the old code had made of the
training data (the classifier learnt on one segmentation and parsed with
another). So the cache gets a folder per digest of our code.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parent.parent
# Our code the NLU runs (tests/unit/test_train.py checks it covers every module of ours it loads).
CODE = ["nlu_components", "daozhang/__init__.py", "daozhang/text", "daozhang/entities", "daozhang/lexicon.py",
        "daozhang/segmenter.py", "daozhang/clock.py", "daozhang/resources.py", "daozhang/merchant_id.py",
        "daozhang/conversation.py", "daozhang/data/lexicon.yml", "daozhang/data/jieba"]
INPUTS = ["config.yml", "domain.yml", "requirements.txt", "data", *CODE]
KEEP_MODELS = 3
MODELS = ROOT / "models"
LOG = ROOT / ".run" / "train.log"
CACHE = ROOT / ".rasa" / "cache-by-code"


def digest(names: Sequence[str]) -> str:
    """The digest of these files and folders (relative to the repository), names and contents."""
    hashed = hashlib.sha256()
    for name in names:
        path = ROOT / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if "__pycache__" in file.parts:
                continue
            hashed.update(str(file.relative_to(ROOT)).encode())
            hashed.update(file.read_bytes())
    return hashed.hexdigest()[:12]


def fingerprint() -> str:
    return digest(INPUTS)


def cache_directory() -> Path:
    """Rasa's cache of trained components for this code only (outputs of older code never reused)."""
    return CACHE / digest(CODE)


def model_path() -> Path:
    return MODELS / f"daozhang-{fingerprint()}.tar.gz"


_STEP = re.compile(r"(Started validating|Starting to train component '(\w+)')")


def _show_progress(training: subprocess.Popen, started: float) -> None:
    """One line per step Rasa logs (validation, each component trained), with the time so far."""
    seen = 0
    while True:
        finished = training.poll() is not None
        steps = _STEP.findall(LOG.read_text(errors="replace"))
        for _, component in steps[seen:]:
            what = f"training {component}" if component else "validating the domain and training data"
            print(f"  {time.monotonic() - started:4.0f} s  {what}", file=sys.stderr)
        seen = len(steps)
        if finished:
            return
        time.sleep(1)


def main() -> int:
    target = model_path()
    if target.exists():
        print(f"model up to date: {target.relative_to(ROOT)}", file=sys.stderr)
        print(target)
        return 0
    print(f"training {target.name} (data, config or code changed) …", file=sys.stderr)
    started = time.monotonic()
    command = [sys.executable, "-m", "tools.rasa_quiet", "train", "--fixed-model-name", target.name[:-7],
               "--out", str(MODELS)]
    LOG.parent.mkdir(exist_ok=True)
    with open(LOG, "w") as log:
        training = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                    env={**os.environ, "RASA_CACHE_DIRECTORY": str(cache_directory())})
        _show_progress(training, started)
    if training.returncode != 0 or not target.exists():
        print(LOG.read_text()[-4000:], file=sys.stderr)
        print(f"training failed (whole log: {LOG.relative_to(ROOT)})", file=sys.stderr)
        return 1
    print(f"trained in {time.monotonic() - started:.0f} s", file=sys.stderr)
    for old in sorted(MODELS.glob("daozhang-*.tar.gz"), key=lambda p: p.stat().st_mtime)[:-KEEP_MODELS]:
        old.unlink()
    kept = sorted((p for p in CACHE.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime) if CACHE.is_dir() else []
    for old in kept[:-KEEP_MODELS]:
        shutil.rmtree(old, ignore_errors=True)
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
