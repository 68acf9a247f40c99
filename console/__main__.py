"""python -m console: serves the agent console on CONSOLE_HOST (127.0.0.1) : CONSOLE_PORT (5080)."""
import logging
import os

from console.app import create_app

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s - %(message)s")
    create_app().run(host=os.environ.get("CONSOLE_HOST", "127.0.0.1"),
                     port=int(os.environ.get("CONSOLE_PORT", "5080")), access_log=False)
