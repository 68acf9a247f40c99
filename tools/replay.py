"""Replay the sandbox conversations on pinned days and compare two recordings turn by turn.

A change that must not change behaviour (a move of code, a new composition of the
parts) is checked by recording before it and after it:

    python -m tools.replay --out results/tmp/replay/before.json
    … the change …
    python -m tools.replay --out results/tmp/replay/after.json
    python -m tools.replay --compare results/tmp/replay/before.json results/tmp/replay/after.json

The conversations and days are in tests/replay/conversations.yml. Each day gets a
stack of its own (`rasa run` and the action server, `DZ_TODAY` pinned) on a fresh
Redis, and every conversation goes through the REST channel. Ticket ids carry the
real date, so they are compared as `HO<id>`.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Dict, List

import yaml

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "tests" / "replay" / "conversations.yml"
_TICKET = re.compile(r"HO\d{8}-\d{4}")


def record() -> Dict[str, Dict[str, List[dict]]]:
    """{day: {conversation: [{"said": …, "replies": […]}]}}"""
    from tests.support.redis_server import RedisServer
    from tests.support.stack import Stack

    scripts = yaml.safe_load(SCRIPTS.read_text(encoding="utf-8"))
    recording: Dict[str, Dict[str, List[dict]]] = {}
    for day in scripts["days"]:
        redis_server = RedisServer().start()
        stack = Stack(Path(tempfile.mkdtemp(prefix=f"replay-{day}-")), redis_port=redis_server.port,
                      redis_db=0, DZ_TODAY=day).start()
        try:
            recording[day] = {
                name: [{"said": text, "replies": [_comparable(r) for r in stack.say(f"replay-{name}", text)]}
                       for text in turns]
                for name, turns in scripts["conversations"].items()}
        finally:
            stack.stop()
            redis_server.stop()
        print(f"{day}: {len(recording[day])} conversations", file=sys.stderr)
    return recording


def _comparable(reply: dict) -> dict:
    return {key: _TICKET.sub("HO<id>", json.dumps(value, ensure_ascii=False)) if key != "text"
            else _TICKET.sub("HO<id>", value) for key, value in reply.items() if key != "recipient_id"}


def differences(before: dict, after: dict) -> List[str]:
    """Every turn whose replies differ, as readable lines; empty when the recordings agree."""
    lines = []
    for day in sorted(set(before) | set(after)):
        for name in sorted(set(before.get(day, {})) | set(after.get(day, {}))):
            old, new = before.get(day, {}).get(name, []), after.get(day, {}).get(name, [])
            for number in range(max(len(old), len(new))):
                was = old[number] if number < len(old) else None
                now = new[number] if number < len(new) else None
                if was != now:
                    said = (was or now)["said"]
                    lines.append(f"{day} {name} turn {number + 1} ({said}):\n"
                                 f"  before: {json.dumps(was and was['replies'], ensure_ascii=False)}\n"
                                 f"  after:  {json.dumps(now and now['replies'], ensure_ascii=False)}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="record the conversations into this file")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args()
    if args.compare:
        found = differences(*(json.loads(path.read_text(encoding="utf-8")) for path in args.compare))
        print("\n".join(found) if found else "the recordings agree, turn by turn")
        return 1 if found else 0
    if not args.out:
        parser.error("--out or --compare")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(record(), ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"recorded into {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
