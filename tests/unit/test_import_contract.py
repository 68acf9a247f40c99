"""The domain package knows nothing of Rasa: channels, actions and the console reuse it as it is."""
import ast
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "daozhang"


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module


def test_daozhang_imports_nothing_from_rasa():
    offenders = {f"{path.relative_to(DOMAIN.parent)}: {module}"
                 for path in DOMAIN.rglob("*.py") for module in imported_modules(path)
                 if module.split(".")[0] in ("rasa", "rasa_sdk")}
    assert not offenders, sorted(offenders)


def test_the_contract_test_sees_the_package():
    assert len(list(DOMAIN.rglob("*.py"))) > 10
