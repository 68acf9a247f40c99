"""Find the contract's entities in a normalised message, with normalised values.

A blank spaCy `zh` pipeline with the jieba segmenter does the token work: an
EntityRuler for the synonym tables (channels, banks; the pattern id carries
the contract value), a Matcher for numbers
with the cue words before them or the unit after them, token shapes for ids,
and the date grammar aligned onto tokens. Candidates that overlap are settled
by how specific the evidence is (a cue word beats a bare shape).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Dict, List, Optional

from daozhang.clock import today_in_shanghai
from daozhang.entities import dates
from daozhang.lexicon import Lexicon
from daozhang.merchant_id import ID_LENGTH, is_merchant_id
from daozhang.segmenter import install_lexicon_words
from daozhang.text.numerals import format_number

NUMBER = r"^\d{1,9}(?:\.\d{1,2})?$"
FILLERS = ["是", "为", ":", "了", "码", "号", "号码", "的", "呢", "啊", "嗯"]
NOT_AMOUNT_AFTER = re.compile(r"^(?:月|号|日|点|时|分|天|笔|次|个|%|年|周|位|台|张|号码|秒|多天|小时|分钟)")

# Higher wins when two candidates overlap.
PRIORITY = {"cue": 5, "date": 4, "unit": 4, "shape": 3, "lexicon": 3, "amount_cue": 2, "bare": 1}
# A number standing alone is most often a sum of money in this domain
# (八百八 没到账, 押了2k); ids and codes have their own shapes and cues.
BARE_AMOUNT = re.compile(r"^(?:\d{2,7}(?:\.\d{1,2})?|\d\.\d{1,2})$")
# `*`: the visible tail of a masked card number (************7894) is no amount; nor is a card's
# tail said with a word or two between (我卡尾号不是6789 / 后四位应该是0001).
CARD_TAIL_WORD = r"(?:尾号|后四位|后4位|末四位|卡号)"
CARD_TAIL = CARD_TAIL_WORD + r"\S{0,3}"
# 尾号不是6789啊 是4321: the tail the merchant says instead is no amount either.
_CLAUSE_CHAR = r"[^，。,.!?！？\d]"
CARD_TAIL_BEFORE = re.compile(CARD_TAIL_WORD + _CLAUSE_CHAR + r"{0,6}(?:\d{4}" + _CLAUSE_CHAR + "{0,6})?$")
NOT_BARE_AMOUNT_BEFORE = re.compile(rf"(?:{CARD_TAIL}|第|号|码|TID|tid|型号|编号|版本|v|V|\.|-|/|\*)$")


@dataclass(frozen=True)
class Entity:
    """One entity: contract name, normalised value, span in the normalised text."""

    entity: str
    value: str
    start: int
    end: int
    evidence: str = "shape"

    def as_dict(self) -> Dict[str, object]:
        return {"entity": self.entity, "value": self.value, "start": self.start, "end": self.end}


class EntityFinder:
    """Rule-based entity finder; build once per process with `EntityFinder.shared()`."""

    def __init__(self, lexicon: Lexicon) -> None:
        import spacy
        from spacy.matcher import Matcher

        install_lexicon_words()
        self.lexicon = lexicon
        self.nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
        ruler = self.nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
        ruler.add_patterns([{"label": entity, "pattern": surface, "id": value}
                            for entity, table in lexicon.synonyms.items()
                            for surface, value in table.items()])
        self.matcher = Matcher(self.nlp.vocab)
        filler = {"LOWER": {"IN": FILLERS}, "OP": "*"}
        cue_shapes = {
            "card_last4": r"^\d{4}$",
            "terminal_id": r"^[A-Za-z0-9]{8}$",
            "merchant_id": rf"^\d{{{ID_LENGTH}}}$",
            "reference_no": r"^\d{12}$",
            "error_code": r"^(?:[A-Za-z]{1,3}\d{0,4}|\d{1,3})$",
        }
        for entity, shape in cue_shapes.items():
            cue = {"LOWER": {"IN": [word.lower() for word in lexicon.cues[entity]]}}
            self.matcher.add(entity, [[cue, filler, {"TEXT": {"REGEX": shape}}]])
        units = "|".join(sorted((re.escape(w.lower()) for w in lexicon.cues["amount_unit"]),
                                key=len, reverse=True))
        self.matcher.add("amount_unit", [[{"TEXT": {"REGEX": NUMBER}},
                                          {"LOWER": {"REGEX": f"^(?:{units})"}}]])
        self.matcher.add("amount_sign", [[{"TEXT": {"IN": ["¥", "$"]}}, {"TEXT": {"REGEX": NUMBER}}]])
        amount_cue = {"LOWER": {"IN": [word.lower() for word in lexicon.cues["amount"]]}}
        self.matcher.add("amount_cue", [[amount_cue, filler, {"TEXT": {"REGEX": NUMBER}}]])

    @classmethod
    @lru_cache(maxsize=1)
    def shared(cls) -> "EntityFinder":
        return cls(Lexicon.load())

    def find(self, text: str, today: Optional[date] = None) -> List[Entity]:
        """Entities of a normalised text; relative dates resolved against `today`."""
        doc = self.nlp(text)
        today = today or today_in_shanghai()
        candidates: List[Entity] = []
        candidates += self._lexicon_entities(doc)
        candidates += self._matched_entities(doc)
        candidates += self._shaped_entities(doc)
        candidates += self._date_entities(doc, today)
        return _settle(candidates)

    @staticmethod
    def _lexicon_entities(doc) -> List[Entity]:
        return [Entity(span.label_, span.ent_id_, span.start_char, span.end_char, "lexicon")
                for span in doc.ents]

    def _matched_entities(self, doc) -> List[Entity]:
        found = []
        for match_id, start, end in self.matcher(doc):
            rule = self.nlp.vocab.strings[match_id]
            if rule.startswith("amount"):
                number = doc[start] if rule == "amount_unit" else doc[end - 1]
                following = doc[number.i + 1].text if number.i + 1 < len(doc) else ""
                if rule == "amount_cue" and (NOT_AMOUNT_AFTER.match(following) or CARD_TAIL_BEFORE.search(
                        doc.text[max(0, number.idx - 16):number.idx].rstrip())):
                    continue
                value = float(number.text)
                if value <= 0:
                    continue
                evidence = "amount_cue" if rule == "amount_cue" else "unit"
                found.append(Entity("amount", format_number(value), number.idx,
                                    number.idx + len(number.text), evidence))
            else:
                token = doc[end - 1]
                value = token.text.upper()
                if rule == "terminal_id" and not re.search(r"\d", value):
                    continue
                if rule == "error_code" and self._followed_by_unit(doc, token):
                    continue
                found.append(Entity(rule, value, token.idx, token.idx + len(token.text), "cue"))
        return found

    def _followed_by_unit(self, doc, token) -> bool:
        following = doc[token.i + 1].lower_ if token.i + 1 < len(doc) else ""
        return any(following.startswith(unit.lower()) for unit in self.lexicon.cues["amount_unit"])

    @staticmethod
    def _shaped_entities(doc) -> List[Entity]:
        found = []
        whole = doc.text  # spaCy builds Doc.text on every access: once per message keeps this linear
        for token in doc:
            text = token.text
            before = whole[max(0, token.idx - 8):token.idx].rstrip()
            following = doc[token.i + 1].text if token.i + 1 < len(doc) else ""
            if BARE_AMOUNT.match(text) and not NOT_AMOUNT_AFTER.match(following) \
                    and not NOT_BARE_AMOUNT_BEFORE.search(before) and float(text) > 0 \
                    and not CARD_TAIL_BEFORE.search(whole[max(0, token.idx - 16):token.idx].rstrip()):
                found.append(Entity("amount", format_number(float(text)), token.idx,
                                    token.idx + len(text), "bare"))
                continue
            entity = None
            if is_merchant_id(text):
                entity = "merchant_id"
            elif re.fullmatch(r"\d{12}", text):
                entity = "reference_no"
            elif re.fullmatch(r"[A-Za-z0-9]{8}", text) and re.search(r"[A-Za-z]", text) \
                    and re.search(r"\d", text):
                entity = "terminal_id"
            if entity:
                found.append(Entity(entity, text.upper(), token.idx, token.idx + len(text)))
        return found

    @staticmethod
    def _date_entities(doc, today: date) -> List[Entity]:
        found = []
        whole = doc.text
        for match in dates.DATE_PATTERN.finditer(whole):
            span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
            resolved = dates.resolve(match, today)
            if (span is None or resolved is None or dates.is_only_a_reference_point(match, whole)
                    or dates.names_a_day_to_come(match, whole)):
                continue
            found.append(Entity("txn_date", resolved.isoformat(), span.start_char,
                                span.end_char, "date"))
        return found


def _settle(candidates: List[Entity]) -> List[Entity]:
    """Keeps the strongest of overlapping candidates, in text order."""
    ranked = sorted(candidates, key=lambda e: (-PRIORITY[e.evidence], -(e.end - e.start), e.start))
    kept: List[Entity] = []
    for candidate in ranked:
        if all(candidate.end <= other.start or candidate.start >= other.end for other in kept):
            kept.append(candidate)
    return sorted(kept, key=lambda e: e.start)
