"""Stopping a server the tests started: politely first, then for sure."""
import subprocess
from typing import Optional


def stop_process(process: Optional[subprocess.Popen], seconds: float = 10) -> None:
    """SIGTERM, and SIGKILL when it is still there after `seconds`; nothing when it has ended."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=seconds)
