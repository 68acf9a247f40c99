"""Transaction-status adapters: one async interface; daozhang.wiring picks one by configuration."""
from daozhang.adapters.base import LookupUnavailable, TransactionStatusAdapter, with_timeout

__all__ = ["LookupUnavailable", "TransactionStatusAdapter", "with_timeout"]
