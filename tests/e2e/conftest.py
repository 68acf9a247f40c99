import pytest

from tests.stack import CHANNEL_SECRETS, Stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    running = Stack(tmp_path_factory.mktemp("stack"), **CHANNEL_SECRETS).start()
    yield running
    running.stop()
