"""POS terminal errors: what the code means and what to try, from the code table."""
from __future__ import annotations

from typing import Text

from rasa_sdk.events import SlotSet

from actions.common import SafeAction, latest_intent
from daozhang.terminal import guidance


class ActionTerminalGuidance(SafeAction):
    """Explains an error code or a symptom and asks whether that solved it."""

    def name(self) -> Text:
        return "action_terminal_guidance"

    async def act(self, dispatcher, tracker, domain):
        code = tracker.get_slot("error_code")
        answer = guidance(code, tracker.latest_message.get("text") or "")
        if answer.meaning:
            text = f"错误码 {answer.key} 的意思是：{answer.meaning}。\n{answer.advice}"
        elif answer.advice:
            text = answer.advice
        elif code:
            text = (f"错误码 {code.upper()} 不在我们的对照表里。请先重启机器、重新签到后再试；"
                    "如果还报这个错，我帮您提交工单，由技术人员跟进。")
        else:
            text = "请告诉我机器屏幕上显示的错误码或完整提示（比如“A3 网络连接失败”），我帮您看看是什么问题。"
            dispatcher.utter_message(text=text)
            return [SlotSet("problem", latest_intent(tracker))]
        dispatcher.utter_message(text=f"{text}\n按这个试过之后，问题解决了吗？")
        return [SlotSet("problem", "terminal_error"), SlotSet("awaiting", "solved"),
                SlotSet("diagnosis", None)]
