"""The question the bot asked last (the categorical slot `awaiting`): what a short answer means."""


class Awaiting:
    SOLVED = "solved"            # 问题解决了吗？
    TICKET = "ticket"            # 要提交工单吗？
    HUMAN = "human"              # 要转人工吗？
    CHOICE = "choice"            # which of the listed transactions
    PROBLEM = "problem"          # which kind of problem (the clarifying question; `problem_asked` counts)
    ERROR_CODE = "error_code"    # 屏幕上显示的错误码是什么？
    VERIFY = "verify"            # 结算卡或注册手机号的后四位？
    REMINDER = "reminder"        # 要我到时提醒您吗？
