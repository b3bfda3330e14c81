"""The package's import structure: `import digitize.model` stays cheap, and the layers import downwards only
(model ← text ← read | export | evaluate ← stages ← pipeline), with no import cycle among them. The full contract
is import-linter's (`[tool.importlinter]` in pyproject.toml, run by `make lint`); these tests keep the core of it
in the fast loop."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_importing_the_model_loads_no_image_or_ocr_library():
    code = "import digitize.model, sys; print('cv2' in sys.modules, 'onnxruntime' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert proc.stdout.strip() == "False False"


def test_the_package_still_offers_process_lazily():
    import digitize
    from digitize.pipeline import process

    assert digitize.process is process
    with pytest.raises(AttributeError):
        digitize.no_such_name  # noqa: B018


@pytest.fixture(scope="module")
def graph():
    # imports inside functions count (a lazy import is still a dependency); TYPE_CHECKING ones do not
    return grimp.build_graph("digitize", exclude_type_checking_imports=True)


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


@pytest.mark.parametrize(
    "layer, forbidden",
    [
        (
            "digitize.model",
            ["digitize.text", "digitize.export", "digitize.read", "digitize.evaluate", "digitize.repair"],
        ),
        (
            "digitize.text",
            [
                "digitize.export",
                "digitize.read",
                "digitize.evaluate",
                "digitize.repair",
                "digitize.repair_text",
                "digitize.issue",
                "digitize.pipeline",
                "digitize.io",
            ],
        ),
        (
            "digitize.export",
            [
                "digitize.repair",
                "digitize.repair_text",
                "digitize.issue",
                "digitize.pipeline",
                "digitize.read",
                "digitize.evaluate",
            ],
        ),
        (
            "digitize.read",
            [
                "digitize.repair",
                "digitize.repair_text",
                "digitize.issue",
                "digitize.pipeline",
                "digitize.export",
                "digitize.io",
            ],
        ),
        (
            "digitize.evaluate",
            ["digitize.repair", "digitize.issue", "digitize.pipeline", "digitize.export", "digitize.read"],
        ),
    ],
)
def test_layers_import_downwards_only(graph, layer, forbidden):
    sources = [m for m in graph.modules if _inside(m, layer)]
    targets = [m for m in graph.modules if any(_inside(m, f) for f in forbidden)]
    bad = [(s, t) for s in sources for t in targets if graph.chain_exists(s, t)]
    assert sources and targets
    assert bad == []


def test_no_import_cycle_in_the_layers(graph):
    """No cycle through the model, text, readers, writers, evaluation or stage modules (Tarjan's strongly
    connected components over the direct imports)."""
    layered = (
        "digitize.model",
        "digitize.text",
        "digitize.read",
        "digitize.export",
        "digitize.evaluate",
        "digitize.repair",
        "digitize.issue",
        "digitize.pipeline",
        "digitize.layout",
        "digitize.order",
    )
    edges = {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while not component or component[-1] != v:
                component.append(stack.pop())
            if len(component) > 1 and any(_inside(m, p) for m in component for p in layered):
                cycles.append(sorted(component))

    for module in sorted(edges):
        if module not in index:
            visit(module)
    assert cycles == []
