"""The domain dictionary travels inside the packaged model.

A fresh process, started outside the repository, loads the model and parses:
the dictionary words must come out as single tokens. Words are chosen that only
the dictionary file has (not the lexicon the code installs itself).
"""
import json
import os
import subprocess
import sys

from tools.train import model_path

WORDS = ["未到账", "预授权", "冲正", "结算卡", "没到账", "商户号"]
SCRIPT = """
import asyncio, json, sys
from rasa.core.agent import Agent
agent = Agent.load(sys.argv[1])
async def main():
    out = {}
    for text in sys.argv[2:]:
        parsed = await agent.parse_message(text)
        out[text] = [parsed["text"][s:e] for s, e in parsed["text_tokens"]]
    print("TOKENS" + json.dumps(out, ensure_ascii=False))
asyncio.run(main())
"""


def test_dictionary_words_are_single_tokens_in_a_fresh_process(tmp_path):
    texts = ["首笔交易未到账", "预授权没完成", "被冲正了", "结算卡换了", "钱没到账了", "商户号是多少"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(model_path()), *texts],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    line = [out for out in result.stdout.splitlines() if out.startswith("TOKENS")]
    assert line, result.stderr[-2000:]
    tokens = json.loads(line[0][len("TOKENS"):])
    for text, word in zip(texts, WORDS):
        assert word in tokens[text], (text, tokens[text])
