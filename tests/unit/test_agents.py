"""The console's agents against a real Redis: argon2 hashes, lock-out, sessions."""
import uuid

import pytest

from daozhang.agents import MAX_FAILED_LOGINS, AccountLocked, LoginRefused
from daozhang.wiring import agent_store
from tests.support.blocking import Blocking

PASSWORD = "correct-horse-7"


@pytest.fixture
def agents(run):
    prefix = f"a{uuid.uuid4().hex[:8]}"
    store = Blocking(agent_store(prefix=prefix, db=8), run)
    yield store
    for key in store.redis.keys(f"{prefix}:*"):
        store.redis.delete(key)


def test_a_password_is_kept_as_an_argon2_hash_and_must_be_long_enough(agents):
    with pytest.raises(ValueError):
        agents.add("li", "short")
    agent = agents.add("li", PASSWORD, display_name="李娜")
    assert agent.password_hash.startswith("$argon2id$")
    raw = str(agents.redis.hgetall(f"{agents.prefix}:agents"))
    assert PASSWORD not in raw and "李娜" in raw


def test_log_in_opens_a_session_kept_only_as_a_digest(agents):
    agents.add("li", PASSWORD, display_name="李娜")
    token = agents.log_in("li", PASSWORD)
    session = agents.session(token)
    assert session.agent.display_name == "李娜" and len(session.csrf) >= 24
    assert not any(token in key for key in agents.redis.keys("*"))
    agents.log_out(token)
    assert agents.session(token) is None


def test_wrong_passwords_and_unknown_names_are_refused_alike(agents):
    agents.add("li", PASSWORD)
    for name, password in (("li", "wrong-password"), ("nobody", PASSWORD), ("li", "")):
        with pytest.raises(LoginRefused):
            agents.log_in(name, password)


def test_five_failures_lock_the_account_for_fifteen_minutes_even_for_the_right_password(agents):
    agents.add("li", PASSWORD)
    agents.add("wang", PASSWORD)
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(LoginRefused):
            agents.log_in("li", "wrong-password")
    with pytest.raises(AccountLocked) as locked:
        agents.log_in("li", PASSWORD)
    assert 14 * 60 < locked.value.seconds_left <= 15 * 60
    assert agents.session(agents.log_in("wang", PASSWORD))  # another account is not locked


def test_a_success_resets_the_count_of_failures(agents):
    agents.add("li", PASSWORD)
    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(LoginRefused):
            agents.log_in("li", "wrong-password")
    agents.log_in("li", PASSWORD)
    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(LoginRefused):
            agents.log_in("li", "wrong-password")
    assert agents.log_in("li", PASSWORD)


def test_disabling_an_agent_ends_its_sessions_and_its_logins(agents):
    agents.add("li", PASSWORD)
    token = agents.log_in("li", PASSWORD)
    assert agents.disable("li") and agents.session(token) is None
    with pytest.raises(LoginRefused):
        agents.log_in("li", PASSWORD)
    assert not agents.disable("nobody")
