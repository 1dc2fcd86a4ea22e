"""The house shows its flow: each layer of aqb_data imports only the layers below it, and none imports Streamlit."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "aqb_data"
# What each layer may import, besides itself and the standard library: data flows domain → read/analysis → store,
# analysis → present → export; the CLI (__main__) may use them all.
ALLOWED = {
    "paths": set(),
    "domain": {"paths"},
    "read": {"paths", "domain"},
    "analysis": {"paths", "domain"},
    "store": {"paths", "domain", "read", "analysis"},
    "present": {"paths", "domain", "analysis"},
    "export": {"paths", "domain", "read", "analysis", "present"},
    "__main__": {"paths", "domain", "read", "analysis", "store", "present", "export"},
}


def _layer(path: Path) -> str:
    return path.relative_to(PACKAGE).with_suffix("").parts[0]


def _imports(path: Path) -> list[str]:
    modules = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            base = node.module
            modules += [f"{base}.{alias.name}" for alias in node.names] if base == "aqb_data" else [base]
        elif isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
    return modules


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE)


def test_every_module_of_the_package_belongs_to_a_known_layer() -> None:
    assert {_layer(p) for p in MODULES} <= set(ALLOWED)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_module_imports_only_the_layers_below_its_own(path: Path) -> None:
    layer = _layer(path)
    wrong = []
    for module in _imports(path):
        top, _, rest = module.partition(".")
        below = top != "aqb_data" or rest.split(".")[0] in ALLOWED[layer] | {layer}
        if top in ("streamlit", "ui", "app_pages") or not below:
            wrong.append(module)
    assert wrong == [], f"{path.relative_to(PACKAGE)} ({layer}) imports {wrong}"
