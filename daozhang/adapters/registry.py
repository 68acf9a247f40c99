"""Choose the adapter from the environment (`DZ_ADAPTER`, `DZ_LOOKUP_TIMEOUT`)."""
from __future__ import annotations

import os

from daozhang.adapters.base import TransactionStatusAdapter, with_timeout
from daozhang.adapters.sandbox import SandboxAdapter

ADAPTERS = {"sandbox": SandboxAdapter}
DEFAULT_TIMEOUT_SECONDS = 3.0


def adapter_from_environment() -> TransactionStatusAdapter:
    """The configured backend, guarded by the lookup timeout."""
    name = os.environ.get("DZ_ADAPTER", "sandbox")
    if name not in ADAPTERS:
        raise ValueError(f"DZ_ADAPTER={name!r} is not one of {sorted(ADAPTERS)}")
    seconds = float(os.environ.get("DZ_LOOKUP_TIMEOUT", DEFAULT_TIMEOUT_SECONDS))
    return with_timeout(ADAPTERS[name](), seconds)
