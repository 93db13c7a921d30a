"""Imports between the parts of newsreel/ go one way: each part imports only parts in lower layers.

Every import counts, wherever it is written (module top, inside a function, under TYPE_CHECKING): an import
hidden in a function is still a dependency, only one that fails later. The table is the one in
docs/architecture.md; change both together.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "newsreel"

# Lowest first. A part may import any part of a lower layer, none of its own layer or above.
LAYERS: list[set[str]] = [
    {"env", "queues", "media"},             # no app: settings helpers, queue names, the media engine
    {"lib"},                                 # web helpers shared by apps (HTTP files, paging, input bounds)
    {"publishing"},                          # what published things share (status, embargo, two languages)
    {"catalogue", "accounts"},               # content, and the people who use it
    {"news", "captions"},                    # articles and captions point to catalogue items
    {"search", "downloads", "ingest"},       # services that read or write content
    {"newsletter"},                          # issues and alerts read search
    {"webhooks"},                            # pushes to partner systems (all new items, saved searches)
    {"front", "api"},                        # the faces: pages for people, interfaces for machines
    {"urls", "settings", "cli", "wsgi", "__init__"},  # the project's wiring
]


def _layer_of(part: str) -> int:
    for number, names in enumerate(LAYERS):
        if part in names:
            return number
    raise AssertionError(f"newsreel/{part} is in no layer: add it to LAYERS here and in docs/architecture.md")


def _part(path: Path) -> str:
    """The app (newsreel/<app>/...) or top-level module (newsreel/<module>.py) a file belongs to."""
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def _imported_modules(path: Path) -> list[tuple[str, int]]:
    """Absolute names of the modules (or module attributes) a file imports, with their line numbers."""
    package = ["newsreel", *path.relative_to(PACKAGE).parent.parts]
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            # `from newsreel import front` names the part in the alias, not in the module.
            found += [(f"{base}.{alias.name}", node.lineno) for alias in node.names]
    return found


def import_graph() -> dict[str, dict[str, list[str]]]:
    """{importing part: {imported part: ["file:line", ...]}} for imports between different parts."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in sorted(PACKAGE.rglob("*.py")):
        source = _part(path)
        for module, line in _imported_modules(path):
            names = module.split(".")
            if names[0] != "newsreel" or len(names) < 2:
                continue
            target = names[1]
            if target != source:
                graph[source][target].append(f"{path.relative_to(PACKAGE.parent)}:{line}")
    return graph


def test_every_import_points_to_a_lower_layer() -> None:
    wrong = [
        f"{source} -> {target} ({', '.join(sorted(set(places)))})"
        for source, targets in sorted(import_graph().items())
        for target, places in sorted(targets.items())
        if _layer_of(target) >= _layer_of(source)
    ]
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def test_every_part_is_in_a_layer() -> None:
    parts = {_part(path) for path in PACKAGE.rglob("*.py")}
    for part in parts:
        _layer_of(part)


def test_content_apps_import_no_service_or_face() -> None:
    # The issue's own words, kept apart from the table so a reshuffled table cannot quietly allow it.
    graph = import_graph()
    for content in ("catalogue", "news"):
        above = sorted(set(graph.get(content, {})) & {"search", "downloads", "newsletter", "front", "ingest"})
        assert not above, f"{content} imports {above}"


@pytest.mark.parametrize("where", ["{}\n", "def later():\n    {}\n", "if TYPE_CHECKING:\n    {}\n"])
@pytest.mark.parametrize(("statement", "expected"), [
    ("from newsreel.search.indexing import index_item", "newsreel.search.indexing.index_item"),
    ("from ..search import views", "newsreel.search.views"),
    ("from . import models", "newsreel.catalogue.models"),
    ("import newsreel.front.paging", "newsreel.front.paging"),
])
def test_the_parser_sees_every_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, statement: str,
                                      expected: str) -> None:
    package = tmp_path / "newsreel"
    (package / "catalogue").mkdir(parents=True)
    module = package / "catalogue" / "views.py"
    module.write_text("from typing import TYPE_CHECKING\n" + where.format(statement))
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", package)
    assert expected in [name for name, _line in _imported_modules(module)]
