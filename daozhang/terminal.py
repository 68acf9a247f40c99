"""Guidance for a terminal that shows an error code or a symptom (data/terminal_errors.yml)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from daozhang.resources import load_yaml
from daozhang.text.normalise import normalise_text


@dataclass(frozen=True)
class Guidance:
    """What the code or symptom means and what to do; None fields when unknown."""

    key: Optional[str]
    meaning: Optional[str]
    advice: str


def guidance(error_code: Optional[str], text: str = "") -> Guidance:
    """Guidance for an error code, else for the symptom the text describes."""
    table = load_yaml("terminal_errors.yml")
    if error_code:
        entry = table["codes"].get(error_code.upper())
        if entry:
            return Guidance(error_code.upper(), entry["meaning"], entry["advice"].strip())
    normalised = normalise_text(text)
    for name, entry in table["symptoms"].items():
        if any(word in normalised for word in entry["words"]):
            return Guidance(name, None, entry["advice"].strip())
    for code, entry in table["codes"].items():  # the screen's words without the code: 余额不足 → 51
        if len(entry["meaning"]) >= 4 and entry["meaning"] in normalised:
            return Guidance(str(code), entry["meaning"], entry["advice"].strip())
    return Guidance(error_code.upper() if error_code else None, None, "")


_CODE_LIKE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]?\d{1,3}|[A-Za-z]{1,2}\d?)(?![A-Za-z0-9])")


def code_in_answer(text: str) -> Optional[str]:
    """The code in a short answer to "which code does the screen show?" (Z1, 51, a3)."""
    found = _CODE_LIKE.findall(normalise_text(text or ""))
    return found[0].upper() if len(found) == 1 else None
