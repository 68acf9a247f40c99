"""The web chat page's lines as JSON, from the one wording catalogue (daozhang/data/wording.yml).

`make web` writes them to web/src/wording.json before the page is built, so the
page greets the merchant with the same words as the assistant's `greet` reply.
"""
from __future__ import annotations

import json
import sys

from daozhang.resources import reply, wording


def page_wording() -> dict:
    return {**wording("web_page"), "welcome": reply("greet")}


if __name__ == "__main__":
    sys.stdout.write(json.dumps(page_wording(), ensure_ascii=False, indent=1) + "\n")
