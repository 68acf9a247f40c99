"""Looking for a secret the merchant typed in what was stored, without tripping on chance digits.

Stored conversations hold random hex message ids, timestamps and confidences: any six digits turn up
inside them now and then (a CI run once failed on `870421` inside a message id). A secret counts as
stored only where it stands on its own, not inside a longer run of hex digits or a decimal."""
import re


def holds(text, secret):
    return re.search(rf"(?<![0-9a-fA-F.]){re.escape(secret)}(?![0-9a-fA-F])", text) is not None
