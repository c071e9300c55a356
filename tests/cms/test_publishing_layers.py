"""Publishing sits below the API: the modules that publish, schedule and send webhooks
import nothing from ``cms.api``, not even through another module (issue 15). The API's
caches subscribe to publishing's events instead."""

import ast
from pathlib import Path

import pytest

CMS = Path(__file__).resolve().parents[2] / "cms"
PUBLISHING = [
    "cms.publishing",
    "cms.signals",
    "cms.scheduling",
    "cms.webhooks",
    "cms.models",
    "cms.management.commands.run_scheduler",
]


def _module_path(name):
    parts = name.split(".")[1:]
    if not parts:
        return CMS / "__init__.py"
    relative = Path(*parts)
    for candidate in (CMS / relative.with_suffix(".py"), CMS / relative / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def _imports(name):
    """The ``cms`` modules ``name`` imports, anywhere in its source (functions included)."""
    path = _module_path(name)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {module for module in found if module.split(".")[0] == "cms" and _module_path(module)}


def _reachable(root):
    """Every ``cms`` module ``root`` imports, directly or through others, with a path."""
    paths, todo = {root: [root]}, [root]
    while todo:
        name = todo.pop()
        for imported in _imports(name):
            if imported not in paths:
                paths[imported] = [*paths[name], imported]
                todo.append(imported)
    return paths


@pytest.mark.parametrize("root", PUBLISHING)
def test_publishing_code_never_imports_the_api(root):
    reached = _reachable(root)
    into_the_api = [path for module, path in reached.items() if module.startswith("cms.api")]
    assert not into_the_api, " → ".join(into_the_api[0])
