"""Handoff tickets from the command line, for operators and scripts (agents use the console).

  python -m tools.tickets list [--status open|claimed|resolved]
  python -m tools.tickets show HO20261122-0007
  python -m tools.tickets claim HO20261122-0007 --agent 李娜
  python -m tools.tickets note HO20261122-0007 --agent 李娜 "已联系开户行"
  python -m tools.tickets resolve HO20261122-0007 --agent 李娜 "已换绑新卡，款项今日重新打出"

Redis comes from REDIS_HOST / REDIS_PORT / REDIS_DB / REDIS_PASSWORD, as for the assistant;
every command says on stderr which Redis it read (stdout stays the answer, JSON included).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import asdict
from typing import List, Optional

import redis

from daozhang.resources import wording
from daozhang.tickets import Ticket, TicketClosed, TicketStore, TicketTaken
from daozhang.wiring import redis_settings, ticket_store


def _where() -> str:
    settings = redis_settings()
    return f"redis://{settings['host']}:{settings['port']}/{settings['db']}"


def _line(ticket: Ticket) -> str:
    flag = "!" if ticket.priority == "high" else " "
    return (f"{flag} {ticket.ticket_id}  {ticket.status:<8} {ticket.created_at[:16]}  "
            f"{ticket.merchant_id or '-':<15}  {ticket.diagnosis or ticket.intent or '-'}")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.tickets",
                                     description="List, show, claim, note and resolve handoff tickets.")
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="newest first")
    listing.add_argument("--status", choices=["open", "claimed", "resolved"])
    listing.add_argument("--limit", type=int, default=50)
    show = commands.add_parser("show", help="everything in one ticket")
    show.add_argument("ticket_id")
    show.add_argument("--json", action="store_true")
    for name in ("claim", "note", "resolve"):
        command = commands.add_parser(name)
        command.add_argument("ticket_id")
        command.add_argument("--agent", required=True)
        if name != "claim":
            command.add_argument("text", help="the note, or the resolution the merchant will read")
    args = parser.parse_args(argv)
    print(f"tickets in {_where()} (REDIS_HOST, REDIS_PORT, REDIS_DB)", file=sys.stderr)
    try:
        return asyncio.run(_run(args, ticket_store("tools")))
    except redis.ConnectionError as error:
        print(f"cannot reach Redis at {_where()}: {error}", file=sys.stderr)
        return 2


async def _run(args: argparse.Namespace, store: TicketStore) -> int:
    if args.command == "list":
        tickets = await store.list(status=args.status, limit=args.limit)
        print("\n".join(_line(t) for t in tickets) if tickets else "no tickets")
        return 0
    ticket = await store.get(args.ticket_id)
    if ticket is None:
        print(f"no ticket {args.ticket_id}", file=sys.stderr)
        return 1
    if args.command == "show":
        if args.json:
            print(json.dumps(asdict(ticket), ensure_ascii=False, indent=1))
            return 0
        _show(ticket)
        return 0
    try:
        if args.command == "claim":
            ticket = await store.claim(ticket.ticket_id, args.agent)
        elif args.command == "note":
            ticket = await store.add_note(ticket.ticket_id, args.agent, args.text)
        else:
            ticket = await store.resolve(ticket.ticket_id, args.agent, args.text)
    except TicketTaken as taken:
        print(f"{ticket.ticket_id} is claimed by {taken.holder}", file=sys.stderr)
        return 1
    except TicketClosed:
        print(f"{ticket.ticket_id} is resolved already", file=sys.stderr)
        return 1
    print(_line(ticket))
    return 0


def _show(ticket: Ticket) -> None:
    """The whole ticket for a person to read, in the agents' words (wording.yml `for_agents`)."""
    said = wording("for_agents")["labels"]
    print(_line(ticket))
    print(f"\n{ticket.summary}\n")
    print(said["where"].format(channel=ticket.channel, sender=ticket.sender_id, priority=ticket.priority,
                               reasons="、".join(ticket.priority_reasons)))
    print(said["facts"].format(facts=json.dumps(ticket.slots, ensure_ascii=False)))
    if ticket.explanation:
        print(said["told"].format(explanation=ticket.explanation))
    print("\n" + said["transcript"])
    for turn in ticket.transcript:
        print(f"  {said['merchant'] if turn['who'] == 'merchant' else said['bot']}：{turn['text']}")
    for note in ticket.notes:
        print(said["note"].format(**note))
    if ticket.resolution_note:
        print(said["resolution"].format(note=ticket.resolution_note))


if __name__ == "__main__":
    sys.exit(main())
