"""`rasa …` with the dependencies' deprecation notices silenced; ours, and every error, still shown.

A plain `rasa run` prints a wall of pkg_resources, jax, pyparsing, click and
jieba notices. Warning filters cannot stop them for good: sanic, imported
first by Rasa, adds `filterwarnings("once", category=DeprecationWarning)`, and
Rasa's CLI adds `("once", UserWarning)` when it starts (pyparsing's deprecation
notices are UserWarnings too); each lands in front of any filter set earlier.
So the notices are dropped where they are shown: a notice (deprecation,
pending deprecation, future change) raised from a file outside this
repository's own code is not printed; every other warning is, and so is every
log line and error. `make run`, `make model`, the Makefile's Rasa commands and
the test stacks start Rasa this way (our tools that load a model call
`quiet_rasa_imports` first):

    python -m tools.rasa_quiet run --enable-api …

Every command but the action server's (`run actions`) also gets `rasa_patches`: Rasa's own
per-turn work made cheaper. The action server runs rasa_sdk and would only load Rasa's core
for them (186 → 560 MB).
"""
from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
NOTICES = (DeprecationWarning, PendingDeprecationWarning, FutureWarning)


def _ours(filename: str) -> bool:
    path = Path(filename)  # "<frozen importlib._bootstrap>" and the like are not ours
    return path.is_absolute() and ROOT in path.resolve().parents and ROOT / ".venv" not in path.resolve().parents


def _without_their_notices(show: Callable[..., Any]) -> Callable[..., Any]:
    def showwarning(message: Any, category: type, filename: str, lineno: int, *args: Any, **kwargs: Any) -> None:
        if issubclass(category, NOTICES) and not _ours(filename):
            return
        show(message, category, filename, lineno, *args, **kwargs)

    showwarning.quiet = True  # type: ignore[attr-defined]
    return showwarning


def quiet_rasa_imports() -> None:
    """From now on, dependencies' notices are not shown, nor what Rasa's own CLI expects and
    filters (`EXPECTED_WARNINGS`, for tools that load Rasa without its CLI). Safe to call twice."""
    if not getattr(warnings.showwarning, "quiet", False):
        warnings.showwarning = _without_their_notices(warnings.showwarning)
    from rasa.utils.common import EXPECTED_WARNINGS

    for category, message in EXPECTED_WARNINGS:
        warnings.filterwarnings("ignore", message=f".*{message}", category=category)


def main() -> int:
    quiet_rasa_imports()
    if sys.argv[1:3] != ["run", "actions"]:  # the action server (rasa_sdk) runs none of what they change
        import rasa_patches

        rasa_patches.install()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
