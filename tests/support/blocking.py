"""An async store's methods as plain calls, each run to completion on the test's event loop."""
import inspect
from typing import Any, Callable


class Blocking:
    """Reads like the synchronous code it replaces: `store.get(id)` instead of `run(store.get(id))`."""

    def __init__(self, inner: Any, run: Callable[[Any], Any]) -> None:
        self._inner, self._run = inner, run

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._inner, name)
        if name == "redis":
            return Blocking(found, self._run)
        if not callable(found):
            return found

        def call(*args: Any, **kwargs: Any) -> Any:
            result = found(*args, **kwargs)
            return self._run(result) if inspect.isawaitable(result) else result
        return call
