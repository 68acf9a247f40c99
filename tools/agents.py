"""The console's agents from the command line.

  echo '一个足够长的密码' | python -m tools.agents add wangfang [--supervisor] [--display-name 王芳]
  python -m tools.agents list
  python -m tools.agents disable wangfang

The password is read from standard input (at least 10 characters; asked for twice on a
terminal), never from the command line, where other users and the shell history would see it.
Redis comes from REDIS_HOST / REDIS_PORT / REDIS_DB / REDIS_PASSWORD, as for the assistant.
"""
from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from typing import List, Optional

import redis

from daozhang.agents import MIN_PASSWORD_CHARS
from daozhang.wiring import agent_store


def _password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass(f"password (at least {MIN_PASSWORD_CHARS} characters): ")
        if getpass.getpass("again: ") != first:
            raise ValueError("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


async def _run(args: argparse.Namespace) -> int:
    store = agent_store("tools")
    if args.command == "add":
        agent = await store.add(args.name, _password(), args.supervisor, args.display_name)
        print(f"{agent.name} ({agent.display_name}){' supervisor' if agent.supervisor else ''}: saved")
        return 0
    if args.command == "list":
        for agent in await store.all():
            state = "disabled" if agent.disabled else ("supervisor" if agent.supervisor else "agent")
            print(f"{agent.name}\t{agent.display_name}\t{state}")
        return 0
    if await store.disable(args.name):
        print(f"{args.name}: disabled, sessions ended")
        return 0
    print(f"no agent {args.name}", file=sys.stderr)
    return 1


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.agents", description="Agents of the console.")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="a new agent, or a new password; the password on standard input")
    add.add_argument("name")
    add.add_argument("--supervisor", action="store_true", help="may reassign tickets and release anyone's")
    add.add_argument("--display-name", help="the name merchants and agents see (default: NAME)")
    commands.add_parser("list")
    disable = commands.add_parser("disable", help="no more logins; open sessions end")
    disable.add_argument("name")
    args = parser.parse_args(argv)
    try:
        return asyncio.run(_run(args))
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    except redis.ConnectionError as error:
        print(f"cannot reach Redis: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
