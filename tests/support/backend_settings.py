"""Settings of the remote backends pointed at the fakes, with throwaway keys and test-short patience."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from wechatpayv3.utils import load_private_key

from daozhang import wiring
from daozhang.adapters.alipay import AlipaySettings
from daozhang.adapters.http import HttpSettings
from daozhang.adapters.wechatpay import WechatPaySettings
from daozhang.clock import SHANGHAI
from daozhang.records import Transaction
from tests.support import fake_acquirer, fake_alipay, fake_wechatpay, keys

# Short enough for tests: a read timeout well under the fakes' slow answers (2 s).
FAST = dict(read_seconds=0.3, connect_seconds=0.3, attempts=3, backoff_seconds=0.01, backoff_max_seconds=0.02,
            breaker_threshold=3, breaker_ttl_seconds=0.5)


def http_settings(url: str, **changes) -> HttpSettings:
    """The shipped settings at the fake acquirer, with timeouts and waits short enough for tests."""
    shipped = HttpSettings.load({"DZ_HTTP_BASE_URL": url, "DZ_HTTP_TOKEN": fake_acquirer.TOKEN})
    return replace(shipped, **{**FAST, **changes})


def wallet_environment(folder: Path) -> dict:
    """The DZ_WECHATPAY_* and DZ_ALIPAY_* variables of the fakes' ids, with throwaway keys written to `folder`."""
    return {
        "DZ_WECHATPAY_SP_MCHID": fake_wechatpay.SP_MCHID, "DZ_WECHATPAY_CERT_SERIAL_NO": fake_wechatpay.CERT_SERIAL,
        "DZ_WECHATPAY_PRIVATE_KEY_FILE": keys.written(folder, fake_wechatpay.MERCHANT_KEY, private=True),
        "DZ_WECHATPAY_PUBLIC_KEY_ID": fake_wechatpay.PUBLIC_KEY_ID,
        "DZ_WECHATPAY_PUBLIC_KEY_FILE": keys.written(folder, fake_wechatpay.PLATFORM_KEY, private=False),
        "DZ_ALIPAY_APP_ID": fake_alipay.APP_ID,
        "DZ_ALIPAY_PRIVATE_KEY_FILE": keys.written(folder, fake_alipay.APP_KEY, private=True),
        "DZ_ALIPAY_PUBLIC_KEY_FILE": keys.written(folder, fake_alipay.ALIPAY_KEY, private=False)}


def wechatpay_settings(url: str, folder: Path, **changes) -> WechatPaySettings:
    shipped = WechatPaySettings.load({**wallet_environment(folder), "DZ_WECHATPAY_BASE_URL": url})
    return replace(shipped, **{**FAST, **changes})


def alipay_settings(url: str, folder: Path, **changes) -> AlipaySettings:
    shipped = AlipaySettings.load({**wallet_environment(folder), "DZ_ALIPAY_GATEWAY": url})
    return replace(shipped, **{**FAST, **changes})


def wrong_keys(wallet: str) -> dict:
    """Settings changes that sign our requests with a key the wallet does not know."""
    if wallet == "wechatpay":
        return {"private_key": load_private_key(keys.private_pem(fake_wechatpay.ROGUE_KEY))}
    return {"app_private_key": keys.private_pem(fake_alipay.ROGUE_KEY)}


def qr_sale(channel: str, order_id: str, status: str = "notpay", amount: str = "368.00",
            merchant_id: str = "898310000000004", transaction_id: str = "Q1") -> Transaction:
    """A QR sale in the acquirer's record, with its wallet order id (and sub_mchid for WeChat Pay)."""
    return Transaction(
        transaction_id, merchant_id, datetime(2026, 11, 20, 10, 5, tzinfo=SHANGHAI), Decimal(amount), channel,
        status, wallet_order_id=order_id,
        wallet_sub_merchant_id=fake_wechatpay.SUB_MCHID if channel == "wechat" else None)


@contextmanager
def lookup_cache(run, db: int):
    """A `cache` client on database `db` of the test Redis (one of a test file's own), emptied first."""
    client = wiring.redis_client("cache", db=db)
    run(client.flushdb())
    yield client
    run(client.connection_pool.disconnect())
