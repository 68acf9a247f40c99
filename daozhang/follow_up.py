"""Questions after an explanation, answered in the context of the case (data/follow_ups.yml).

"When will the returned payout be paid again?", "how do I do 预授权完成?", "that refund
was not mine", and after a payout date 明天能到吗 / 那后天呢 / 周一几点 / 要是周一还不到呢:
a merchant asks these of the case just explained, never as a new topic.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Mapping, Optional, Sequence

from daozhang.after_answer import asks_hour, asks_when, clauses, day_asked, is_question, is_what_if
from daozhang.batch_detail import asks_for_details, every_sale, one_sale
from daozhang.clock import today_in_shanghai
from daozhang.diagnosis import month_day, month_day_weekday
from daozhang.holidays import holiday_break, holiday_named
from daozhang.payout_calendar import DEFAULT_HOUR, payout_hour, t_plus, workday
from daozhang.resources import load_yaml, reply
from daozhang.text.normalise import normalise_text

_PAYOUT_CODES = ("pending_settlement", "already_paid", "merged_settlement")
# Where one question of a message ends and the next begins (明天能到吗 手续费多少 / …？另外…).
_LEAD_IN = re.compile(r"^\s*(?:另外|还有|顺便|再问一下|再问)\s*")
_CLAUSES = re.compile(r"[？?。！!；;]+|\s+(?=另外|还有|顺便|再问)|(?<=[吗呢么])[，,\s]+")


@dataclass(frozen=True)
class FollowUp:
    """`ticket`: hand the case to a person with the answer; `offer`: offer to, with the question;
    `remind`: offer to look the sale up again on its payout day."""

    answer: str
    ticket: bool = False
    offer: bool = False
    remind: bool = False


def follow_up(code: Optional[str], text: str, facts: Mapping[str, str],
              today: date, payout: Optional[date] = None, batch: Sequence[Mapping[str, str]] = (),
              amount: Optional[str] = None) -> Optional[FollowUp]:
    """The answer to a question about the case diagnosed as `code`, or None when it is not one
    (`batch`: the sales paid with it; `amount`: one the message names)."""
    if not code:
        return None
    plain = normalise_text(text or "")
    if batch:
        about_batch = one_sale(batch, amount, facts) or (every_sale(batch, facts) if asks_for_details(plain) else None)
        if about_batch:
            return FollowUp(about_batch)
    if code in _PAYOUT_CODES and payout:
        about_payout = _about_payout(plain, today, payout, facts)
        if about_payout:
            return about_payout
    elif is_what_if(plain):
        return FollowUp(reply("what_if_other"), offer=True)
    answers = load_yaml("follow_ups.yml")
    for entry in (answers.get(code) or []) + (answers.get("any") or []):
        if any(word in plain for word in entry["words"]):
            return FollowUp(entry["answer"].format_map(_Facts(facts)), bool(entry.get("ticket")),
                            bool(entry.get("offer")))
    return None


def follow_ups(code: Optional[str], text: str, facts: Mapping[str, str], today: date,
               payout: Optional[date] = None, batch: Sequence[Mapping[str, str]] = (),
               amount: Optional[str] = None) -> Optional[FollowUp]:
    """Every question of the message answered (明天能到吗 手续费扣了多少): each clause on its own; a
    question among them that the case cannot answer is said to go to a person, never dropped."""
    parts = clauses(text)
    if len(parts) < 2:
        return follow_up(code, text, facts, today, payout, batch, amount)
    answers, unanswered = [], []
    for part in parts:
        answer = follow_up(code, part, facts, today, payout, batch, amount)
        if answer is not None and answer not in answers:
            answers.append(answer)
        elif answer is None and is_question(part) and len(part) > 4:  # 能到吗 alone belongs to the clause before
            unanswered.append(part)
    if not answers:
        return follow_up(code, text, facts, today, payout, batch, amount)
    said = [answer.answer for answer in answers]
    said += [reply("other_question_for_person", question=_LEAD_IN.sub("", part)) for part in unanswered]
    return FollowUp("\n".join(said), ticket=any(a.ticket for a in answers),
                    offer=bool(unanswered) or any(a.offer for a in answers),
                    remind=not unanswered and any(a.remind for a in answers))


def _about_payout(text: str, today: date, payout: date, facts: Mapping[str, str]) -> Optional[FollowUp]:
    """要是周一还不到呢 (what then) / 明天能到吗 / 那后天呢 (yes or no, with the day) / 周一几点."""
    card = facts.get("card_last4") or ""
    if is_what_if(text):
        if payout <= today:
            return FollowUp(reply("what_if_paid", payout=month_day_weekday(payout), card=card), offer=True)
        return FollowUp(reply("what_if_payout", payout=month_day_weekday(payout), card=card), remind=True)
    asked = day_asked(text, today)
    hour = _hour_said(payout) if asks_hour(text) else ""
    if asked and is_question(text):  # 明天几点到: the day's answer says the hour already
        return FollowUp(_payout_by(asked, payout, today) + ("" if asked == payout and payout > today else hour))
    if hour or asks_when(text):
        if payout <= today:
            return FollowUp(reply("payout_already", payout=month_day_weekday(payout)))
        return FollowUp(reply("payout_day", payout=month_day_weekday(payout)) + (hour or _hour_said(payout)))
    return None


# A day named in a question about the rule that lies further back than this is the coming one:
# 12月31号刷卡一般什么时候到, asked in December, is about this year's, not last year's.
_RULE_DAY_PAST = timedelta(days=183)


def general_rule(sale_day: Optional[str] = None, own: bool = True, today: Optional[date] = None) -> str:
    """周五晚上刷的卡一般什么时候到账: the rule itself, with the day named worked out, and no lookup
    (`own`: say how to have one's own sale looked up)."""
    said = [reply("general_rule", hour=payout_hour() or DEFAULT_HOUR)]
    if sale_day:
        day = date.fromisoformat(sale_day)
        if (today or today_in_shanghai()) - day > _RULE_DAY_PAST:
            day = day.replace(year=day.year + 1) if (day.month, day.day) != (2, 29) else day
        payout, estimate = t_plus(day)
        said.append(reply("general_rule_for_day", day=month_day_weekday(day), payout=month_day_weekday(payout)))
        said.append(reply("calendar_estimate", year=payout.year) if estimate else "")
    return "".join(said) + (reply("general_rule_own") if own else "")


def holiday_rule(text: str, today: date, own: bool = True) -> Optional[str]:
    """元旦刷卡什么时候到账 / 过年期间收的钱哪天到: the break the holiday named makes, and the day its
    takings (and the eve's) are paid; None when no holiday is named or its year is not known."""
    key = holiday_named(text)
    found = holiday_break(key, today) if key else None
    if found is None:
        return None
    payout, estimate = t_plus(found.last)
    days = month_day_weekday(found.first) + ("" if found.last == found.first
                                              else "至" + month_day_weekday(found.last))
    key = "holiday_break_estimate" if estimate or found.estimate else "holiday_break"
    said = [reply(key, holiday=found.name, days=days, year=found.first.year, payout=month_day_weekday(payout),
                  these="这天" if found.last == found.first else "这几天", hour=payout_hour() or DEFAULT_HOUR)]
    eve = found.first - timedelta(days=1)
    if workday(eve).is_workday and t_plus(eve)[0] == payout:  # the eve's sales wait for the same day
        said.append(reply("holiday_eve", eve=month_day_weekday(eve), payout=month_day(payout)))
    return "".join(said) + (reply("general_rule_own") if own else "")


def is_general_rule(said: str) -> bool:
    """Whether the bot's words were the general rule (a follow-up like 那周六刷的呢 asks it again)."""
    return said.startswith(reply("general_rule", hour=payout_hour() or DEFAULT_HOUR)[:12])


def calendar_answer(text: str, today: date) -> Optional[str]:
    """12月7号是不是工作日 / 下周一放假吗: the working-day calendar's answer, or None when not asked."""
    if not any(word in text for word in ("工作日", "节假日", "放假", "上班", "休息日", "假期")):
        return None
    day = day_asked(text, today)
    if day is None:
        return None
    found = workday(day)
    key = "calendar_workday" if found.is_workday else "calendar_day_off"
    return reply(key, day=month_day_weekday(day), payout=month_day_weekday(t_plus(day)[0])) + (
        reply("calendar_estimate", year=day.year) if found.estimate else "")


def _hour_said(payout: date) -> str:
    hour = payout_hour()
    return reply("payout_hour", hour=hour) if hour else reply("payout_hour_unknown")


def _payout_by(asked: date, payout: date, today: date) -> str:
    key = ("payout_already" if payout <= today else "payout_on_the_day" if asked == payout
           else "payout_by_ok" if asked > payout else "payout_by_not_yet")
    return reply(key, asked=month_day_weekday(asked), payout=month_day_weekday(payout),
                 hour=payout_hour() or DEFAULT_HOUR)


class _Facts(dict):
    """Facts for the answer's fields; a missing one stays readable instead of failing."""

    def __missing__(self, key: str) -> str:
        return ""
