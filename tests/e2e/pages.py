"""The pages of the navigation as dashboard.py declares them."""

import ast
from pathlib import Path

from tests.e2e.helpers import ROOT


def navigation_paths(entry: Path = ROOT / "dashboard.py") -> list[str]:
    """The URL path of every `st.Page` in the entry point ("/" for the default page), in the order declared.

    Streamlit derives a page's path from its file name unless `url_path` is given; reading the entry point
    rather than the drawn navigation also finds pages the sidebar folds away under "mehr anzeigen"."""
    paths = []
    for node in ast.walk(ast.parse(entry.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Page" and node.args):
            continue
        keywords = {k.arg: k.value for k in node.keywords if isinstance(k.value, ast.Constant)}
        if "default" in keywords and keywords["default"].value is True:
            paths.append("/")
        elif "url_path" in keywords:
            paths.append("/" + keywords["url_path"].value)
        else:
            paths.append("/" + Path(node.args[0].value).stem)
    return paths
