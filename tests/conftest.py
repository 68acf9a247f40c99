"""Shared test set-up: the repository root on sys.path, quiet TensorFlow, a Redis of our own."""
import asyncio
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from tests.support.redis_server import RedisServer  # noqa: E402  (needs the root on sys.path)

_REDIS: RedisServer = None


def pytest_configure(config):
    """Every test (and the stack it starts) talks to a Redis started for this session only, and
    the whole session lives on one day: a run that crosses midnight in Shanghai must not have
    the tests and the servers disagree on what 昨天 is (stacks that pin another day say so)."""
    from daozhang.clock import today_in_shanghai

    os.environ.setdefault("DZ_TODAY", today_in_shanghai().isoformat())
    global _REDIS
    _REDIS = RedisServer().start()
    os.environ["REDIS_HOST"] = "127.0.0.1"
    os.environ["REDIS_PORT"] = str(_REDIS.port)
    os.environ.pop("REDIS_PASSWORD", None)


def pytest_unconfigure(config):
    if _REDIS is not None:
        _REDIS.stop()


@pytest.fixture
def run():
    """Runs coroutines on one event loop for the whole test: async Redis clients keep their connections on it."""
    loop = asyncio.new_event_loop()
    yield loop.run_until_complete
    loop.close()


@pytest.fixture(scope="session")
def domain():
    """Our domain.yml as Rasa loads it, once for every test that works on Rasa's own objects."""
    from rasa.shared.core.domain import Domain

    return Domain.load(str(ROOT / "domain.yml"))
