"""Synonym tables (payment channels, banks), cue words and the words listened for, from lexicon.yml."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, Iterator, List

from daozhang.resources import load_yaml
from daozhang.text.normalise import to_simplified


@dataclass(frozen=True)
class Lexicon:
    """Surface form → contract value, per entity type, plus cue words."""

    synonyms: Dict[str, Dict[str, str]]
    cues: Dict[str, List[str]]

    @classmethod
    @lru_cache(maxsize=1)
    def load(cls) -> "Lexicon":
        raw = load_yaml("lexicon.yml")
        synonyms: Dict[str, Dict[str, str]] = {}
        for entity in ("payment_channel", "bank"):
            table = synonyms.setdefault(entity, {})
            for value, surfaces in raw[entity].items():
                for surface in surfaces:
                    table[to_simplified(str(surface)).lower()] = value
        cues = {name: [str(word) for word in words] for name, words in raw["cues"].items()}
        return cls(synonyms, cues)

    def surface_forms(self) -> Iterator[str]:
        for table in self.synonyms.values():
            yield from table
        for words in self.cues.values():
            yield from words


def listens_for(kind: str) -> List[str]:
    """The words of `kind` the assistant listens for (anger, solved, not_solved, more_to_come, correction)."""
    return [str(word) for word in load_yaml("lexicon.yml")["listens_for"][kind]]
