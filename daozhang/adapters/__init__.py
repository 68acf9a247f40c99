"""Transaction-status adapters: one async interface, chosen by configuration."""
from daozhang.adapters.base import LookupUnavailable, TransactionStatusAdapter, with_timeout
from daozhang.adapters.registry import adapter_from_environment

__all__ = ["LookupUnavailable", "TransactionStatusAdapter", "adapter_from_environment", "with_timeout"]
