"""What a merchant's message asks once a case is open or explained, read from its words.

The classifier names a message's topic; after an explanation the same topic words
mean something else (提交工单 is a request, not a status query; 要是周一还不到呢 is a
what-if, not Monday's sale). These readings work on any wording through the words
listened for (lexicon.yml `listens_for`), so every action asks the same questions
of a message instead of trusting the intent alone.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Optional

from daozhang.entities.dates import WEEKDAYS
from daozhang.lexicon import listens_for
from daozhang.text.normalise import normalise_text

_DAYS_AHEAD = {"今天": 0, "今日": 0, "明天": 1, "明儿": 1, "明日": 1, "后天": 2, "大后天": 3}
# 到今天都没到 names no hoped-for day; 今天能到吗 does.
_DAY_AHEAD = re.compile("(?:" + "|".join(sorted(_DAYS_AHEAD, key=len, reverse=True)) + ")(?![都还也])")
_WEEKDAY = re.compile(r"(下)?(?:个)?(?:周|星期|礼拜)([一二三四五六日天1-7])")
_DATE = re.compile(r"(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*[号日]")
_NEGATED_PERSON = re.compile(r"(?:不用|不要|不需要|先不|别|没必要)\S{0,3}(?:转|提交|人工|登记|工单)")


# Where one question of a message ends and the next begins (明天能到吗 手续费多少 / …？另外…).
_CLAUSES = re.compile(r"[？?。！!；;]+|\s+(?=另外|还有|顺便|再问)|(?<=[吗呢么])[，,\s]+")


def clauses(text: str) -> list:
    """The questions of one message, each on its own."""
    return [part for part in _CLAUSES.split(normalise_text(text or "")) if part.strip()]


def _plain(text: str) -> str:
    return normalise_text(text or "").lower()


def _says(text: str, kind: str) -> bool:
    plain = _plain(text)
    return any(word.lower() in plain for word in listens_for(kind))


def asks_for_person(text: str) -> bool:
    """提交 / 帮我登记一下 / 那就转吧 / real person: a person or a ticket is asked for (not how a
    ticket is doing, and not 不用转了)."""
    return (_says(text, "person") and not _says(text, "ticket_progress")
            and not _NEGATED_PERSON.search(_plain(text)))


def asks_hotline(text: str) -> bool:
    """客服电话多少 / 你们热线是几号: the number to call, not a call back."""
    return _says(text, "hotline_asked")


def says_thanks(text: str) -> bool:
    return _says(text, "thanks")


def asks_capabilities(text: str) -> bool:
    """你能干啥 / 你能帮我做什么: what the assistant is for."""
    return _says(text, "capabilities")


def says_goodbye(text: str) -> bool:
    return _says(text, "goodbye")


# Words, digits or letters in any script: a message without them says nothing by itself (？ / 。 / …).
_WORDS = re.compile(r"[\w\u3400-\u9fff]")


def says_nothing(text: str) -> bool:
    """？ / 。 / …: no words, no digits and no sign of yes (👍 / [强]); never a yes."""
    return not _WORDS.search(_plain(text)) and not _says(text, "yes_signs")


def asks_ticket_progress(text: str) -> bool:
    return _says(text, "ticket_progress")


def disputes(text: str) -> bool:
    """不是我退的 / 卡尾号不是这个 / 我没收到这笔: the finding itself is disputed."""
    return _says(text, "dispute")


def is_what_if(text: str) -> bool:
    """要是周一还不到呢: what happens when the promised day passes."""
    return _says(text, "what_if") and _says(text, "still_missing")


def says_still_missing(text: str) -> bool:
    """没到账 / 没收到: money that has not come."""
    return _says(text, "still_missing")


def is_question(text: str) -> bool:
    return _says(text, "question")


def asks_general_rule(text: str) -> bool:
    """一般什么时候到 / 我就问问规则: the rule, not the merchant's own sale."""
    return _says(text, "general")


def says_buyer(text: str) -> bool:
    """我是顾客 / 商家说没收到: the payer, whose money is not ours to look up."""
    return _says(text, "buyer")


def asks_hour(text: str) -> bool:
    return any(word in _plain(text) for word in ("几点", "什么时间", "啥时间", "几时"))


def asks_when(text: str) -> bool:
    """什么时候到 / 哪天能到 / 还要多久."""
    return any(word in _plain(text) for word in ("什么时候", "啥时候", "哪天", "几号到", "多久", "何时", "多长时间"))


def day_asked(text: str, today: date) -> Optional[date]:
    """The day a question names as hoped-for (明天 / 那后天呢 / 周一 / 下周二 / 8号), on or after today."""
    plain = _plain(text)
    found = _DAY_AHEAD.search(plain)
    if found:
        return today + timedelta(days=_DAYS_AHEAD[found.group(0)])
    found = _WEEKDAY.search(plain)
    if found:
        ahead = (WEEKDAYS[found.group(2)] - today.weekday()) % 7
        if found.group(1):  # 下周二: in the week after this one
            ahead = 7 - today.weekday() + WEEKDAYS[found.group(2)]
        return today + timedelta(days=ahead or 7)
    found = _DATE.search(plain)
    if not found:
        return None
    month, day = int(found.group(1) or today.month), int(found.group(2))
    for year in (today.year, today.year + 1):
        try:
            asked = date(year, month, day)
        except ValueError:
            return None
        if asked >= today:
            return asked
    return None


def names_another_sale(text: str) -> bool:
    """还有一笔也没到 / 另外一笔呢: another sale, a new case rather than a question about this one."""
    return _says(text, "another_sale")


_NO_REMINDER = re.compile(r"(?:不用|不要|不需要|别|取消|算了)\S{0,2}(?:提醒|通知)"
                          r"|(?:提醒|通知)\S{0,2}(?:取消|不用了|算了)")


def asks_reminder(text: str) -> bool:
    """到了能提醒我一下不 / 到账了通知我: the promise asked for (not 不用提醒 / 提醒取消吧)."""
    return _says(text, "remind") and not declines_reminder(text)


def declines_reminder(text: str) -> bool:
    return bool(_NO_REMINDER.search(_plain(text)))


def says_no_thanks(text: str) -> bool:
    """不用 / 先不 / 没必要: an offer declined."""
    return _says(text, "no_thanks")


def withdraws(text: str) -> bool:
    """算了不转了 / 不用了: what was just asked for is taken back."""
    return _says(text, "withdraw")


def names_a_correction(text: str) -> bool:
    """不对 / 记错了 / 应该是: a detail said before is being corrected (not another one added)."""
    return _says(text, "correction")


# 钱到了吗 / 到了没 / 解决了？: asked, not said.
_ASKED = re.compile(r"[吗?？]|(?:没|没有|呢|么|不)[。.!！~]*$")


def says_solved(text: str) -> bool:
    """解决了 / 钱到了 / 那没事了 — and not 还没解决, nor 昨天的钱到了吗."""
    return _says(text, "solved") and not _says(text, "not_solved") and not _ASKED.search(_plain(text))


def not_ours(text: str) -> bool:
    """办张信用卡 / 提额 / 贷款: someone else's product, whatever case is open."""
    return _says(text, "not_ours")


def adds_to_the_ticket(text: str) -> bool:
    """帮我备注一下 / 转告处理的人: words for the person who has the ticket."""
    return _says(text, "add_note")
