"""Where the domain knowledge files live, and loading them once."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=None)
def load_yaml(name: str) -> Dict[str, Any]:
    """A YAML file of `daozhang/data`, parsed once per process."""
    with open(DATA_DIR / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def reply(key: str, **fields: object) -> str:
    """A dialog reply from wording.yml, with its fields filled in."""
    return load_yaml("wording.yml")["replies"][key].format(**fields)


def wording(section: str) -> Any:
    """A section of wording.yml other than the replies (button titles, status names, labels)."""
    return load_yaml("wording.yml")[section]
