"""What each server of the stack loads: the action server runs rasa_sdk, not Rasa's core."""
from pathlib import Path


def _libraries(pid: int) -> str:
    return Path(f"/proc/{pid}/maps").read_text()


def test_the_action_server_does_not_load_rasa_core_or_tensorflow(stack):
    # tools/rasa_quiet.py installs rasa_patches where Rasa runs, not in `run actions`: there they
    # would load Rasa's core and TensorFlow for nothing (the action server grew from 186 to 560 MB).
    assert "tensorflow" in _libraries(stack.rasa.pid)  # what the check looks for is there to be found
    assert "tensorflow" not in _libraries(stack.action_server.pid)
