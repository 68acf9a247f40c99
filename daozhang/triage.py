"""A message that may be ours is never refused: decide when to ask which problem it is.

The classifier's ranking says how sure it is. When out_of_scope (or a
fallback) wins but one of our problems is close behind, the assistant asks
one short question with choices; the merchant's answer (a tap, a digit or
words) names the problem. The thresholds, the choices and where else to go
live in `data/triage.yml`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, List, Mapping, Optional, Sequence, Tuple

from daozhang.resources import load_yaml
from daozhang.text.normalise import normalise_text
from daozhang.text.numerals import SPOKEN_DIGITS

PROBLEM_INTENTS = ("first_transaction_not_arrived", "qr_payment_not_arrived", "bank_no_record",
                   "settlement_delayed", "payment_not_arrived", "terminal_error", "fee_inquiry",
                   "refund_issue")
FALLBACK = "nlu_fallback"
NONE_OF_THESE = "none"
_QR_CHANNELS = ("wechat", "alipay", "unionpay_qr")


@dataclass(frozen=True)
class ProblemOption:
    """One answer to "which problem is it?": its button title, the problem it names, its cue words."""

    title: str
    intent: Optional[str]
    intent_if_qr: Optional[str]
    words: Tuple[str, ...]

    def intent_for(self, qr: bool) -> str:
        return (self.intent_if_qr if qr and self.intent_if_qr else self.intent) or NONE_OF_THESE


@dataclass(frozen=True)
class TriagePolicy:
    min_problem_confidence: float
    max_gap: float
    question: str
    choices: Tuple[ProblemOption, ...]
    qr_words: Tuple[str, ...]
    referrals: Tuple[Tuple[Tuple[str, ...], str], ...]
    default_referral: str
    merchant_money_words: Tuple[str, ...] = ()
    own_product_words: Tuple[str, ...] = ()

    @classmethod
    def load(cls, name: str = "triage.yml") -> "TriagePolicy":
        data = load_yaml(name)
        return cls(
            min_problem_confidence=float(data["min_problem_confidence"]),
            max_gap=float(data["max_gap"]), question=data["question"],
            choices=tuple(ProblemOption(c["title"], c.get("intent"), c.get("intent_if_qr"),
                                 tuple(c.get("words") or ())) for c in data["choices"]),
            qr_words=tuple(data.get("qr_words") or ()),
            referrals=tuple((tuple(r["words"]), r["where"]) for r in data.get("referrals") or ()),
            default_referral=data.get("default_referral") or "",
            merchant_money_words=tuple(data.get("merchant_money_words") or ()),
            own_product_words=tuple(data.get("own_product_words") or ()))

    def should_ask(self, ranking: Sequence[Mapping], text: str = "") -> bool:
        """Whether to ask which problem it is: ours is plausible but did not win.

        `ranking` is the parse result's intent ranking (name, confidence), best first;
        a fallback shows as `nlu_fallback` on top of the classifier's own ranking. Our
        problem is plausible when one is close behind the winner, or when the message
        speaks of a merchant's money (货款, 到账, 收款 …) and nothing shows it is someone
        else's question (a card-holder's, a borrower's: see `referral`). A dismissed
        question about the asker's own card, credit or loan (我的信用卡…) is refused.
        """
        ranked = [(r["name"], float(r.get("confidence") or 0.0)) for r in ranking]
        fell_back = bool(ranked) and ranked[0][0] == FALLBACK
        classifier = [(n, c) for n, c in ranked if n != FALLBACK]
        if not classifier:
            return False
        top_name, top_confidence = classifier[0]
        problems = [(n, c) for n, c in classifier if n in PROBLEM_INTENTS]
        best_name, best_confidence = problems[0] if problems else (None, 0.0)
        if top_name in PROBLEM_INTENTS and not fell_back:
            return False  # it is ours, and clear enough
        if top_name != "out_of_scope" and not fell_back:
            return False  # small talk, details, yes/no: not a refusal
        plain = normalise_text(text or "")
        if not fell_back and any(w in plain for w in self.own_product_words):
            return False  # 我的信用卡…: the asker's own card or loan
        close_behind = (best_name is not None and best_confidence >= self.min_problem_confidence
                        and top_confidence - best_confidence <= self.max_gap)
        return close_behind or self.speaks_of_takings(text)

    def speaks_of_takings(self, text: str) -> bool:
        """Words of a merchant's money, and nothing that makes it someone else's question."""
        plain = normalise_text(text or "").lower()
        return any(w in plain for w in self.merchant_money_words) and not self.referral(text)

    def names_qr(self, text: str, channel: Optional[str]) -> bool:
        return channel in _QR_CHANNELS or any(w in normalise_text(text) for w in self.qr_words)

    def buttons(self, qr: bool) -> List[Tuple[str, str]]:
        """(title, intent) per choice; `none` for 都不是."""
        return [(c.title, c.intent_for(qr)) for c in self.choices]

    def resolve(self, answer: str, qr: bool, parsed_intent: Optional[str] = None) -> Optional[str]:
        """The problem intent the answer picks, `none` for 都不是, or None when it picks nothing."""
        text = normalise_text(answer or "").strip().lower()
        payload = re.fullmatch(r"/([a-z_]+)(\{.*\})?", text)
        if payload and (payload.group(1) in PROBLEM_INTENTS or payload.group(1) == NONE_OF_THESE):
            return payload.group(1)
        number = _choice_number(text)
        if number and 1 <= number <= len(self.choices):
            return self.choices[number - 1].intent_for(qr)
        if any(w in text for w in self.own_product_words):
            return NONE_OF_THESE  # 我是持卡人，我卡被扣了两次: the asker's own card after all
        best = _best_by_words(text, self.choices)
        if best is not None:
            return best.intent_for(qr)
        if parsed_intent in PROBLEM_INTENTS:
            return parsed_intent
        if parsed_intent == "out_of_scope":
            return NONE_OF_THESE
        return None  # 不知道, 嗯: ask once more

    def referral(self, text: str) -> str:
        """Where a question that is not ours should go instead, when the words show it."""
        plain = normalise_text(text or "")
        for words, where in self.referrals:
            if any(w.lower() in plain.lower() for w in words):
                return where
        return self.default_referral


def _choice_number(text: str) -> Optional[int]:
    """选1 / 2 / 第二个 / 二: a short answer that is a position in the list."""
    stripped = re.sub(r"[。，,.！!？?\s]|第|个|项|选|吧|的|号", "", text)
    if re.fullmatch(r"[1-9]", stripped):
        return int(stripped)
    if len(stripped) == 1 and stripped in "一二两三四五六":
        return int(SPOKEN_DIGITS[stripped])
    return None


def _best_by_words(text: str, choices: Iterable[ProblemOption]) -> Optional[ProblemOption]:
    """The choice whose longest cue word occurs in the answer (longer cues are surer)."""
    best, best_length = None, 0
    for choice in choices:
        for word in choice.words:
            if word.lower() in text and len(word) > best_length:
                best, best_length = choice, len(word)
    return best
