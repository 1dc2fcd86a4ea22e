"""Every Streamlit cache lives in ui/cache.py, says what keys it, and widgets fetch no data of their own."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CACHE_MODULE = ROOT / "ui" / "cache.py"
STREAMLIT_CACHES = {"cache_data", "cache_resource"}
FUNCTOOLS_CACHES = {"cache", "lru_cache", "functools.cache", "functools.lru_cache"}


def _app_files() -> list[Path]:
    files = [ROOT / "dashboard.py"]
    for folder in ("ui", "app_pages", "aqb_data"):
        files += sorted((ROOT / folder).rglob("*.py"))
    return files


def streamlit_caches_in(path: Path) -> list[str]:
    """Where a file uses Streamlit's caches: `st.cache_data`, `streamlit.cache_resource`, `from streamlit import`."""
    found = []
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in STREAMLIT_CACHES:
            found.append(f"{where}:{node.lineno} {ast.unparse(node)}")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("streamlit"):
            found += [
                f"{where}:{node.lineno} from {node.module} import {alias.name}"
                for alias in node.names
                if alias.name in STREAMLIT_CACHES
            ]
    return found


def _cached_functions() -> list[ast.FunctionDef]:
    tree = ast.parse(CACHE_MODULE.read_text(encoding="utf-8"))
    return [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any("cache" in ast.unparse(decorator) for decorator in node.decorator_list)
    ]


def test_no_file_but_ui_cache_uses_a_streamlit_cache() -> None:
    outside = [found for path in _app_files() if path != CACHE_MODULE for found in streamlit_caches_in(path)]
    assert outside == [], "Streamlit-Caches gehören nach ui/cache.py"


def test_the_scan_finds_every_cache_of_ui_cache_and_each_spelling(tmp_path: Path) -> None:
    # Guards the test above: a scan that found nothing would pass it.
    assert len(streamlit_caches_in(CACHE_MODULE)) == len(_cached_functions()) - 1  # one is functools'
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import streamlit\nimport streamlit as st\nfrom streamlit import cache_resource\n"
        "@st.cache_data\ndef a(): ...\n@streamlit.cache_resource(max_entries=1)\ndef b(): ...\n",
        encoding="utf-8",
    )
    scanned = streamlit_caches_in(probe)
    assert [line.split(" ", 1)[0].rsplit(":", 1)[1] for line in scanned] == ["3", "4", "6"]


@pytest.mark.parametrize("function", _cached_functions(), ids=lambda f: f.name)
def test_every_cache_says_what_keys_it(function: ast.FunctionDef) -> None:
    docstring = ast.get_docstring(function) or ""
    assert "Keyed by" in docstring or "No key" in docstring, f"ui/cache.py {function.name}: what keys the cache?"


def _functools_caches() -> list[str]:
    """Every function of the engine kept by `functools.cache` or `lru_cache`, as `module.py:function`."""
    found = []
    for path in sorted((ROOT / "aqb_data").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and any(
                ast.unparse(d.func if isinstance(d, ast.Call) else d) in FUNCTOOLS_CACHES for d in node.decorator_list
            ):
                found.append(f"{path.name}:{node.name}")
    return found


def test_the_cache_module_names_the_engine_s_memory_and_every_functools_cache() -> None:
    docstring = ast.get_docstring(ast.parse(CACHE_MODULE.read_text(encoding="utf-8"))) or ""
    assert "dataset.memoised" in docstring and "dataset.kept" in docstring
    caches = _functools_caches()
    assert "districts.py:load_districts" in caches  # the scan finds them
    unnamed = [c for c in caches if f"`{c.split(':')[1]}`" not in docstring or c.split(":")[0] not in docstring]
    assert unnamed == [], "ui/cache.py nennt diese functools-Caches nicht"


def test_widgets_take_data_and_selection_from_the_page() -> None:
    tree = ast.parse((ROOT / "ui" / "widgets.py").read_text(encoding="utf-8"))
    fetched = [
        f"{node.lineno}: {ast.unparse(node)}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and node.module in ("ui.data", "ui.filters")
        or isinstance(node, ast.Name)
        and node.id in ("get_data", "current_selection", "get_store")
    ]
    assert fetched == []
