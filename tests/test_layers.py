"""The layers: the core (use cases, models, instruments, statistics) knows nothing of the web,
and no module of the package imports, directly or round about, itself.

The core may be imported by a job, a notebook or another web framework: it must load
without Flask. The web edge (``api``, ``auth``, ``db``, ``resources``, ``pages``, ...) calls
into it, never the other way round.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "survey_service"
CORE = ("services", "models", "instruments", "scoring", "database")
WEB_FRAMEWORKS = ("flask", "flask_smorest", "webargs", "werkzeug", "gunicorn", "jinja2")
WEB_EDGE = (
    "api",
    "app",
    "auth",
    "access_log",
    "cli",
    "client_address",
    "conditional_get",
    "cors",
    "db",
    "http_errors",
    "pages",
    "resources",
    "security_headers",
    "settings",
    "throttle",
)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports(path: Path, name: str, known: frozenset[str] = frozenset()) -> set[str]:
    """Every module ``path`` imports, at the top or in a function (not for type checking).
    ``from package import module`` counts as importing the module, not the package."""
    tree = ast.parse(path.read_text(), str(path))
    type_checking = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for statement in block.body
        for node in ast.walk(statement)
    }
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in type_checking:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            submodules = {f"{base}.{alias.name}" for alias in node.names}
            found.update(submodules & known)
            if not submodules <= known:
                found.add(base)
    return found


def in_core(name: str) -> bool:
    parts = name.split(".")
    return len(parts) > 1 and parts[1] in CORE


def test_the_core_imports_nothing_of_the_web():
    offences = []
    known = modules()
    for name, path in known.items():
        if not in_core(name):
            continue
        for imported in imports(path, name, frozenset(known)):
            top = imported.split(".")
            if top[0] in WEB_FRAMEWORKS or (
                top[0] == "survey_service" and len(top) > 1 and top[1] in WEB_EDGE
            ):
                offences.append(f"{name} imports {imported}")
    assert offences == []


def test_the_core_loads_without_flask():
    core = [name for name in modules() if in_core(name)]
    program = (
        "import importlib, sys\n"
        f"for name in {core!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({WEB_FRAMEWORKS!r})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


def test_the_package_has_no_import_cycle():
    known = modules()
    names = frozenset(known)
    graph = {
        name: {imported for imported in imports(path, name, names) if imported in known} - {name}
        for name, path in known.items()
    }
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        path.append(name)
        for nxt in sorted(graph[name]):
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt)
        path.pop()
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)
    assert cycles == []
