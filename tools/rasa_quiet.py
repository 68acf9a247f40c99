"""`rasa …` with the dependencies' deprecation warnings silenced; ours, and every error, still shown.

Rasa's CLI filters only the warnings it expects (rasa.utils.common.EXPECTED_WARNINGS),
and sanic, which Rasa imports first, asks for every DeprecationWarning to be
shown once (`filterwarnings("once", category=DeprecationWarning)` at import): a
wall of pkg_resources, jax, pyparsing, click and jieba notices follows at every
start. Filters only work when set before the import that raises the warning and
after any that resets them, so this imports sanic, then sets them, then runs
Rasa's own `main`. `make run`, `make model` and the test stacks start Rasa this way
(our tools that load a model call `quiet_rasa_imports` first):

    python -m tools.rasa_quiet run --enable-api …
"""
from __future__ import annotations

import sys
import warnings

# Modules whose warnings stay visible: ours.
OURS = ("actions", "channels", "daozhang", "nlu_components", "stores", "tools")
THIRD_PARTY = rf"(?!(?:{'|'.join(OURS)})(?:\.|$))"
NOTICES = (DeprecationWarning, PendingDeprecationWarning, FutureWarning, SyntaxWarning, ImportWarning)


def _silence_dependencies() -> None:
    for category in NOTICES:
        warnings.filterwarnings("ignore", category=category, module=THIRD_PARTY)


def quiet_rasa_imports() -> None:
    """Call before importing Rasa: its dependencies' notices stay silent, ours do not."""
    _silence_dependencies()  # for what sanic's own imports raise
    import sanic  # noqa: F401  (its import asks for every DeprecationWarning once)

    _silence_dependencies()  # now in front of sanic's filter


def main() -> int:
    quiet_rasa_imports()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
