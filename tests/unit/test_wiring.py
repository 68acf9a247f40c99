"""The composition root: one adapter, verifier and ticket store per process, clients by role."""
import pytest

from daozhang import wiring
from daozhang.resources import load_yaml


def test_a_process_has_one_adapter_verifier_and_ticket_store_sharing_one_state_client():
    assert wiring.verifier() is wiring.verifier() and wiring.tickets() is wiring.tickets()
    assert wiring.verifier().adapter is wiring.adapter()
    assert wiring.tickets().redis is wiring.verifier().redis is wiring.shared_redis("state")


@pytest.mark.parametrize("role", sorted(load_yaml("limits.yml")["redis_clients"]))
def test_every_client_has_its_roles_timeouts_and_our_key_prefix(role):
    seconds = float(load_yaml("limits.yml")["redis_clients"][role]["timeout_seconds"])
    settings = wiring.redis_client(role).connection_pool.connection_kwargs
    assert settings["socket_timeout"] == settings["socket_connect_timeout"] == seconds
    assert wiring.redis_key("burst", "wechat:o1") == "daozhang:burst:wechat:o1"


def test_an_unknown_backend_is_named_in_the_error(monkeypatch):
    monkeypatch.setenv("DZ_ADAPTER", "mainframe")
    wiring.adapter.cache_clear()
    try:
        with pytest.raises(ValueError, match="mainframe"):
            wiring.adapter()
    finally:
        monkeypatch.delenv("DZ_ADAPTER")
        wiring.adapter.cache_clear()
        wiring.verifier.cache_clear()  # built on the adapter: both anew, as a new process would
