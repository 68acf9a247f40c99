"""Train the model only when its inputs changed; print the model's path.

The fingerprint covers everything that shapes the model: config, domain,
training data, our NLU components and the parts of the domain package they
call (normaliser, entity rules, lexicon, jieba dictionary), and the pinned
dependencies. Same inputs → same file name → no retraining. Only the few
newest models are kept.
"""
from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

from nlu_components.code_version import CODE, digest

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ["config.yml", "domain.yml", "requirements.txt", "data", *CODE]
KEEP_MODELS = 3
MODELS = ROOT / "models"
LOG = ROOT / ".run" / "train.log"


def fingerprint() -> str:
    return digest(INPUTS)


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
        training = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        _show_progress(training, started)
    if training.returncode != 0 or not target.exists():
        print(LOG.read_text()[-4000:], file=sys.stderr)
        print(f"training failed (whole log: {LOG.relative_to(ROOT)})", file=sys.stderr)
        return 1
    print(f"trained in {time.monotonic() - started:.0f} s", file=sys.stderr)
    for old in sorted(MODELS.glob("daozhang-*.tar.gz"), key=lambda p: p.stat().st_mtime)[:-KEEP_MODELS]:
        old.unlink()
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
