"""The code our NLU components' results depend on, for Rasa's training cache.

Rasa keys a component's cached output by its config and inputs only, so after a change to the
normaliser or the entity rules `rasa train` would reuse what the old code made of the training
data: the classifier learnt on one normalisation and parsing with another. Each of our
components adds the digest of this code to its key (`fingerprint_addon`); `tools.train` names the
model by the same files and the data.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, Optional, Text

ROOT = Path(__file__).resolve().parent.parent
CODE = ["nlu_components", "daozhang/__init__.py", "daozhang/text", "daozhang/entities", "daozhang/lexicon.py",
        "daozhang/segmenter.py", "daozhang/clock.py", "daozhang/resources.py", "daozhang/merchant_id.py",
        "daozhang/conversation.py", "daozhang/data/lexicon.yml", "daozhang/data/jieba"]


def digest(names: Iterable[str]) -> str:
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


@lru_cache(maxsize=1)
def code_digest() -> str:
    return digest(CODE)


class CodeVersioned:
    """Mixin for our graph components: their cached training output is keyed by our code too."""

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[str]:
        inherited = super().fingerprint_addon(config)  # type: ignore[misc]
        return code_digest() + (inherited or "")
