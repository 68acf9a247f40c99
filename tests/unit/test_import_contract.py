"""The rules of the house that imports and calls show: the core knows nothing of Rasa, actions
and channels never import each other, and only the composition root builds shared services."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ROOT / "daozhang"
PRODUCTION = ("actions", "channels", "console", "daozhang", "nlu_components", "stores", "tools")
# What only daozhang/wiring.py may build: Redis clients, the adapters, the verifier, the ticket store.
BUILT_BY_WIRING = {"Redis", "StrictRedis", "ConnectionPool", "from_url", "SandboxAdapter", "with_timeout",
                   "Verifier", "TicketStore", "ReminderStore", "Outbox", "Transcript", "AgentStore",
                   "RatingOffers", "HttpAdapter", "CombinedAdapter", "WechatPayOrders",
                   "AlipayOrders"}


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module


def production_files():
    for folder in PRODUCTION:
        yield from (ROOT / folder).rglob("*.py")


def test_daozhang_imports_nothing_from_rasa():
    offenders = {f"{path.relative_to(DOMAIN.parent)}: {module}"
                 for path in DOMAIN.rglob("*.py") for module in imported_modules(path)
                 if module.split(".")[0] in ("rasa", "rasa_sdk")}
    assert not offenders, sorted(offenders)


def test_actions_and_channels_never_import_each_other():
    offenders = {f"{path.relative_to(ROOT)}: {module}"
                 for upper, other in (("actions", "channels"), ("channels", "actions"))
                 for path in (ROOT / upper).rglob("*.py") for module in imported_modules(path)
                 if module.split(".")[0] == other}
    assert not offenders, sorted(offenders)


def test_the_console_stands_on_the_core_alone():
    """The agent console runs without Rasa, the actions or the channels (its own process)."""
    offenders = {f"{path.relative_to(ROOT)}: {module}" for path in (ROOT / "console").rglob("*.py")
                 for module in imported_modules(path)
                 if module.split(".")[0] in ("rasa", "rasa_sdk", "actions", "channels", "nlu_components")}
    assert not offenders, sorted(offenders)


def test_only_the_composition_root_builds_clients_adapters_and_stores():
    offenders = set()
    for path in production_files():
        if path == DOMAIN / "wiring.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if called in BUILT_BY_WIRING:
                    offenders.add(f"{path.relative_to(ROOT)}:{node.lineno} builds {called}")
    assert not offenders, sorted(offenders)


def test_the_contract_test_sees_the_package():
    assert len(list(DOMAIN.rglob("*.py"))) > 10
    assert len(list(production_files())) > 50
