"""The ticket command line, against a real Redis."""
import os

import pytest

from daozhang.wiring import ticket_store
from tests.support.blocking import Blocking
from tools import tickets as cli


@pytest.fixture
def seeded(monkeypatch, run):
    monkeypatch.setenv("REDIS_DB", "7")
    store = Blocking(ticket_store(), run)
    store.redis.flushdb()
    ticket = store.create(
        channel="rest", sender_id="cli", merchant_id="898310000000500", intent="payment_not_arrived",
        slots={"merchant_id": "898310000000500"}, adapter_results=[], diagnosis="lookup_unavailable",
        explanation="查询系统暂时连不上", transcript=[{"who": "merchant", "text": "钱没到账", "at": ""}])
    yield ticket
    store.redis.flushdb()


def test_list_show_claim_and_resolve(seeded, capsys):
    assert cli.main(["list"]) == 0
    assert seeded.ticket_id in capsys.readouterr().out
    assert cli.main(["show", seeded.ticket_id]) == 0
    shown = capsys.readouterr().out
    assert "商户：钱没到账" in shown and seeded.summary in shown
    assert cli.main(["claim", seeded.ticket_id, "--agent", "李娜"]) == 0
    assert cli.main(["resolve", seeded.ticket_id, "--agent", "李娜", "系统恢复后已查明，款项已到账"]) == 0
    capsys.readouterr()
    assert cli.main(["list", "--status", "resolved"]) == 0
    assert seeded.ticket_id in capsys.readouterr().out


def test_a_ticket_someone_else_holds_is_refused_with_their_name(seeded, capsys):
    assert cli.main(["claim", seeded.ticket_id, "--agent", "李娜"]) == 0
    assert cli.main(["resolve", seeded.ticket_id, "--agent", "王芳", "已处理"]) == 1
    assert "claimed by 李娜" in capsys.readouterr().err


def test_an_unknown_ticket_is_an_error(seeded, capsys):
    assert cli.main(["show", "HO20000101-0001"]) == 1


def test_it_says_which_redis_it_reads(seeded, capsys):
    assert cli.main(["list"]) == 0
    assert f"redis://{os.environ.get('REDIS_HOST', 'localhost')}:{os.environ.get('REDIS_PORT', '6379')}/7" \
        in capsys.readouterr().err


def test_an_unreachable_redis_is_said_plainly(monkeypatch, capsys):
    from tests.support.redis_server import _free_port

    monkeypatch.setenv("REDIS_PORT", str(_free_port()))  # nothing listens there
    assert cli.main(["list"]) == 2
    assert "cannot reach Redis at redis://" in capsys.readouterr().err
