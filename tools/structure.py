"""Figures of the code's structure, to compare a checkout before and after a behaviour-preserving move.

A refactor that only moves code should show up as fewer places building Redis clients or adapters, fewer homes
for merchant-facing wording, fewer hand-written event scans, shorter functions; the behaviour is checked elsewhere
(tools/replay).  This reads a checkout without importing it, so any commit can be measured from a worktree:

    python -m tools.structure [PATH] [--json]
"""

import argparse
import ast
import json
import re
from pathlib import Path

TOPS = ("actions", "channels", "daozhang", "nlu_components", "stores", "tools")
SKIP = {"tests", "web", ".venv", "results", "__pycache__"}
SELF = ("tools", "structure.py")  # this script is not part of what it measures, so both trees compare alike
CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
CJK_PUNCT = set("\uff0c\u3002\uff1f\uff01\uff1a\uff1b\u3001\uff08\uff09")  # ，。？！：；、（）
REGEX_META = set("\\[](){}|^$*+?")
REDIS = ("Redis", "redis.Redis", "aioredis.Redis", "StrictRedis", "Redis.from_url", "redis.asyncio.Redis",
         "ConnectionPool")
BUILDERS = {"adapter": ("adapter_from_environment", "with_timeout", "SandboxAdapter"),
            "Verifier": ("Verifier", "Verifier.from_environment"),
            "TicketStore": ("TicketStore", "TicketStore.from_environment")}
JS_STRING = re.compile(r"""(["'`])(?:\\.|(?!\1).)*?\1""", re.S)


def production_files(root: Path) -> list[Path]:
    """The .py files that serve, relative to root: tests and build output would blur what a move changed."""
    found = []
    for top in TOPS:
        for path in sorted((root / top).rglob("*.py")):
            rel = path.relative_to(root)
            if not SKIP.intersection(rel.parts) and rel.parts != SELF:
                found.append(rel)
    return found


def dotted(node: ast.AST) -> str:
    """`redis.asyncio.Redis` for the callee of a call, '' when it is no plain dotted name."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = dotted(node.value)
        return f"{head}.{node.attr}" if head else ""
    return ""


def matches(name: str, targets: tuple[str, ...]) -> bool:
    """A callee names a target whatever module path it is reached through (`x.redis.Redis` is still Redis)."""
    return any(name == t or name.endswith("." + t) for t in targets)


def is_sentence(text: str) -> bool:
    """Prose a merchant reads, not a regex or a lexicon entry: the heuristic the figures are based on."""
    cjk = len(CJK.findall(text))
    if cjk < 2:
        return False
    return bool(CJK_PUNCT.intersection(text)) or (cjk >= 6 and not REGEX_META.intersection(text))


def docstrings(tree: ast.Module) -> set[int]:
    """ids of docstring nodes: a docstring explains the code and is no wording the bot sends."""
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def functions(tree: ast.AST, prefix: str = ""):
    """(qualified name, node) of every function, methods and nested ones included."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            name = f"{prefix}{node.name}"
            if not isinstance(node, ast.ClassDef):
                yield name, node
            yield from functions(node, name + ".")
        else:
            yield from functions(node, prefix)


def measure(root: Path) -> dict:
    """Every figure for one checkout, as plain data (the table and --json are both made from it)."""
    folders = {top: {"files": 0, "lines": 0, "depth": 0} for top in TOPS}
    funcs, redis, sentences, scans, acts = [], [], [], [], []
    builders = {kind: [] for kind in BUILDERS}
    for rel in production_files(root):
        text = (root / rel).read_text(encoding="utf-8")
        where = rel.as_posix()
        folder = folders[rel.parts[0]]
        folder["files"] += 1
        folder["lines"] += sum(1 for line in text.splitlines() if line.strip())
        folder["depth"] = max(folder["depth"], len(rel.parts) - 1)
        for number, line in enumerate(text.splitlines(), 1):
            if "reversed(tracker.events" in line:
                scans.append(f"{where}:{number}")
        tree = ast.parse(text, filename=where)
        for name, node in functions(tree):
            funcs.append({"name": name, "at": f"{where}:{node.lineno}", "lines": node.end_lineno - node.lineno + 1})
        skip = docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                callee = dotted(node.func)
                if matches(callee, REDIS):
                    redis.append(f"{where}:{node.lineno}")
                for kind, targets in BUILDERS.items():
                    if matches(callee, targets):
                        builders[kind].append(f"{where}:{node.lineno}")
                if (rel.parts[0] == "actions" and isinstance(node.func, ast.Attribute) and node.func.attr == "act"
                        and isinstance(node.func.value, ast.Call)):
                    acts.append(f"{where}:{node.lineno}")
            elif (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
                  and is_sentence(node.value)):
                sentences.append({"at": f"{where}:{node.lineno}", "start": node.value[:20]})
    data = root / "daozhang" / "data"
    yaml = sorted(p.relative_to(root).as_posix() for p in data.rglob("*.y*ml") if CJK.search(p.read_text("utf-8")))
    web = {}
    for path in sorted((root / "web" / "src").glob("*.js")):
        count = sum(1 for m in JS_STRING.finditer(path.read_text("utf-8")) if CJK.search(m.group()))
        if count:
            web[path.relative_to(root).as_posix()] = count
    funcs.sort(key=lambda f: -f["lines"])
    sentences.sort(key=lambda x: (x["at"].split(":")[0], int(x["at"].split(":")[1])))
    return {"folders": folders, "longest_functions": funcs[:5], "redis_clients": redis, "builders": builders,
            "yaml_wording": yaml, "python_sentences": sentences,
            "python_sentence_files": len({s["at"].split(":")[0] for s in sentences}),
            "web_wording": web, "event_scans": scans, "nested_act_calls": acts}


def markdown(figures: dict) -> str:
    """A short table a reviewer reads in a pull request, with the places behind each count."""
    rows = ["| folder | .py files | non-blank lines | deepest |", "|---|---:|---:|---:|"]
    for top, f in figures["folders"].items():
        rows.append(f"| {top} | {f['files']} | {f['lines']} | {f['depth']} |")
    total = figures["folders"].values()
    rows.append(f"| **total** | {sum(f['files'] for f in total)} | {sum(f['lines'] for f in total)} | "
                f"{max(f['depth'] for f in total)} |")
    b, s = figures["builders"], figures["python_sentences"]
    counts = [("Redis clients built", figures["redis_clients"]),
              ("transaction adapters built", b["adapter"]), ("Verifiers built", b["Verifier"]),
              ("TicketStores built", b["TicketStore"]), ("YAML files with Chinese", figures["yaml_wording"]),
              (f"Chinese sentences in Python ({figures['python_sentence_files']} files)", [x["at"] for x in s]),
              ("web/src/*.js with Chinese strings", [f"{k} ({v} strings)" for k, v in figures["web_wording"].items()]),
              ("reversed(tracker.events) scans", figures["event_scans"]),
              ("actions calling another's .act(", figures["nested_act_calls"])]
    rows += ["", "| figure | count | where |", "|---|---:|---|"]
    for label, places in counts:
        shown = places if len(places) <= 12 else places[:12] + [f"… {len(places) - 12} more"]
        rows.append(f"| {label} | {len(places)} | {', '.join(shown)} |")
    rows += ["", "| longest function | at | lines |", "|---|---|---:|"]
    rows += [f"| {f['name']} | {f['at']} | {f['lines']} |" for f in figures["longest_functions"]]
    rows += ["", "Sentences: " + "; ".join(f"{x['at']} {x['start']!r}" for x in s)]
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    figures = measure(args.path.resolve())
    print(json.dumps(figures, ensure_ascii=False, indent=2) if args.json else markdown(figures))


if __name__ == "__main__":
    main()
