"""The action server's calls share one kept session (rasa_patches/endpoint_session.py): one connection for
consecutive calls, and a server that went away and came back is called again without a failure."""
import asyncio

import pytest
from aiohttp import web
from rasa.utils.endpoints import EndpointConfig

from rasa_patches import endpoint_session
from tests.support.stack import free_port


@pytest.fixture
def kept(monkeypatch):
    monkeypatch.setattr(EndpointConfig, "session", EndpointConfig.session)  # put back afterwards
    endpoint_session.install()
    yield
    endpoint_session._close_kept()


class Peers:
    """A webhook on a fixed port that notes the client port of every call; stopped and started again."""

    def __init__(self) -> None:
        self.port, self.seen, self.bodies, self.runner = free_port(), [], [], None

    async def start(self) -> None:
        async def webhook(request):
            self.seen.append(request.transport.get_extra_info("peername")[1])
            self.bodies.append(await request.json())
            return web.json_response({"events": [], "responses": []})

        app = web.Application()
        app.router.add_post("/webhook", webhook)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        await self.runner.cleanup()


def test_consecutive_calls_share_one_connection_and_a_restarted_server_is_called_again(run, kept):
    server = Peers()
    endpoint = EndpointConfig(f"http://127.0.0.1:{server.port}/webhook")

    async def scenario():
        await server.start()
        for _ in range(3):
            assert await endpoint.request(json={"next_action": "x"}) == {"events": [], "responses": []}
        await server.stop()
        await server.start()
        assert await endpoint.request(json={"next_action": "x"}) == {"events": [], "responses": []}
        await asyncio.sleep(endpoint_session.IDLE_SECONDS + 0.5)  # idle past the kept connection's life
        assert await endpoint.request(json={"next_action": "x"}) == {"events": [], "responses": []}
        await server.stop()

    run(scenario())
    assert len(set(server.seen[:3])) == 1  # one connection for the first three calls
    assert len(set(server.seen)) == 3  # a new one after the restart, and after idling


def test_the_action_server_reads_what_rasa_sent(run, kept):
    server = Peers()
    endpoint = EndpointConfig(f"http://127.0.0.1:{server.port}/webhook")
    sent = {"next_action": "action_conclude_case", "tracker": {"sender_id": "wechat:o-9/x", "events": [
        {"event": "user", "timestamp": 1796555837.1334014, "text": "商户号898310000000002 收款码/扫码 没到账",
         "parse_data": {"intent": {"name": "inform", "confidence": 0.9956768926585546}, "entities": []}},
        {"event": "slot", "name": "amount", "value": 1200.5}, {"event": "slot", "name": "solved", "value": None}]}}

    async def scenario():
        await server.start()
        await endpoint.request(json=sent)
        await server.stop()

    run(scenario())
    assert server.bodies == [sent]
