"""Say back to the merchant what was understood: the problem and the details."""
from __future__ import annotations

from datetime import date
from typing import Iterable, Mapping, Optional

from daozhang.resources import load_yaml


def _display(entity: str, value: str) -> str:
    wording = load_yaml("wording.yml")
    if entity == "amount":
        return f"{value}元"
    if entity == "payment_channel":
        return wording["channels"].get(value, value)
    if entity == "txn_date":
        day = date.fromisoformat(value)
        return f"{day.year}年{day.month}月{day.day}日"
    return value


def describe(intent: Optional[str], entities: Iterable[Mapping[str, str]]) -> str:
    """A short Chinese reply naming the problem and every detail given."""
    wording = load_yaml("wording.yml")
    problem = wording["problems"].get(intent or "")
    details, seen = [], set()
    for entity in entities:
        key = (entity["entity"], entity["value"])
        if entity["entity"] in wording["fields"] and key not in seen:
            seen.add(key)
            details.append(f"{wording['fields'][entity['entity']]}：{_display(*key)}")
    lines = []
    if problem:
        lines.append(f"我理解您的问题是：{problem}。")
    if details:
        lines.append("您提供的信息：" + "；".join(details) + "。")
    if not lines:
        return "收到。能再说说具体遇到了什么问题吗？"
    lines.append("自动查询和诊断功能正在接入中，暂时还不能替您查这笔交易的状态。")
    return "\n".join(lines)
