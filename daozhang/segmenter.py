"""One jieba vocabulary for everything that segments Chinese here.

Rasa's tokenizer and the spaCy entity pipeline both use jieba's process-wide
dictionary. The lexicon's surface forms (工行, 云闪付, 绿色的 …) are added to it
so that each is one token wherever it appears, and entity spans always fall on
token boundaries.
"""
from __future__ import annotations

from functools import lru_cache

import jieba

from daozhang.lexicon import Lexicon

jieba.setLogLevel(60)


@lru_cache(maxsize=1)
def install_lexicon_words() -> None:
    """Adds every lexicon surface form to jieba (once per process)."""
    lexicon = Lexicon.load()
    for surface in lexicon.surface_forms():
        if not surface.isascii():
            jieba.add_word(surface, freq=20000)
