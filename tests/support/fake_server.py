"""What the local stand-ins for real APIs share (fake_acquirer.py, fake_wechatpay.py, fake_alipay.py):
an aiohttp.web server on a free port in the test's own event loop, that counts every request that
reaches it (`hits`) and can be told to misbehave as real backends do. `misbehave(*faults)` spoils
the next requests, one fault each; `always` spoils every request until it is set back to None.
A fault is an HTTP status, "slow" (answers after `slow_seconds`, beyond any read timeout the tests
set), "garbage" (a proxy's HTML page with 200), "truncated" (the connection drops halfway through
the body), or one a fake knows of its own.
"""
from __future__ import annotations

import asyncio
import threading
from contextlib import contextmanager
from typing import Callable, List, Mapping, Optional, Union

from aiohttp import web

Fault = Union[int, str]


class FakeServer:
    def __init__(self, slow_seconds: float = 2.0) -> None:
        self.slow_seconds = slow_seconds
        self.hits: List[str] = []  # the path of every request that reached the server, in order
        self.always: Optional[Fault] = None
        self._next: List[Fault] = []
        self._stopping = asyncio.Event()
        self._runner: Optional[web.AppRunner] = None
        self.url = ""

    def misbehave(self, *faults: Fault) -> None:
        self._next.extend(faults)

    def route(self, app: web.Application) -> None:
        """Adds the API's paths to `app`."""
        raise NotImplementedError

    async def start(self, path: str = "") -> "FakeServer":
        """Serves on a free port; `url` is its address with `path`."""
        app = web.Application()
        self.route(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}{path}"
        return self

    async def stop(self) -> None:
        self._stopping.set()  # slow answers still waiting end now,
        await asyncio.sleep(0.05)  # and finish before the server goes (no task left pending)
        await self._runner.cleanup()

    async def fault(self, request: web.Request) -> Optional[Fault]:
        """Counts the request and says how to spoil its answer; a slow one has waited already."""
        self.hits.append(request.path)
        fault = self._next.pop(0) if self._next else self.always
        if fault == "slow":
            try:
                await asyncio.wait_for(self._stopping.wait(), self.slow_seconds)
            except asyncio.TimeoutError:
                pass
            return None
        return fault


def garbage() -> web.Response:
    """A proxy's error page, sent as if it were the API's JSON."""
    return web.Response(text="<html><body>502 Bad Gateway</body></html>", content_type="application/json")


async def truncated(request: web.Request, body: bytes, headers: Mapping[str, str]) -> web.StreamResponse:
    """Half of `body`, then the connection drops."""
    response = web.StreamResponse(headers={"Content-Type": "application/json", **headers})
    response.content_length = len(body)
    await response.prepare(request)
    await response.write(body[: len(body) // 2])
    request.transport.close()
    return response


@contextmanager
def served(run: Callable, *servers: FakeServer):
    """The servers started in the test's loop (`run`), and stopped after."""
    for server in servers:
        run(server.start())
    try:
        yield servers
    finally:
        for server in servers:
            run(server.stop())


@contextmanager
def served_in_thread(*servers: FakeServer):
    """The servers on an event loop of their own in a thread, for a test whose own calls block
    (one that talks to a running stack which calls the fakes)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="fakes", daemon=True)
    thread.start()

    def run(coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, loop).result(timeout=30)

    try:
        with served(run, *servers):
            yield servers
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
