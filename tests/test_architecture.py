"""The house rules of docs/architecture.md, checked on the source itself: imports only go down the
chain, no room is crowded, no file is long, no module imports another's private names."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# the chain: a package may import its own layer and those with a lower rank, never a higher one
RANK = {"corpus": 0, "indexer": 1, "search": 2, "assistant": 3, "analytics": 3, "ui": 4}
PACKAGES = [*RANK, "fagui_client"]
MAX_MODULES = 12   # modules directly in one package folder
MAX_LINES = 400


def _sources(*tops: str) -> list[Path]:
    return sorted(p for top in tops for p in (ROOT / top).rglob("*.py"))


def _imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, module, names) of every import in the file, function-level ones included."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.append((node.lineno, node.module, [a.name for a in node.names]))
    return out


def test_imports_only_go_down_the_chain():
    wrong = []
    for path in _sources(*PACKAGES):
        top = path.relative_to(ROOT).parts[0]
        for line, module, _ in _imports(path):
            target = module.split(".")[0]
            if top == "fagui_client":
                bad = target in RANK  # the client speaks HTTP only
            else:
                bad = target in RANK and (RANK[target] > RANK[top] or {top, target} == {"assistant", "analytics"})
            if bad:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert not wrong, "imports up the chain:\n" + "\n".join(wrong)


def test_no_package_folder_is_crowded():
    crowded = {}
    for init in _sources(*PACKAGES):
        if init.name == "__init__.py":
            modules = [p for p in init.parent.glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
            if len(modules) > MAX_MODULES:
                crowded[str(init.parent.relative_to(ROOT))] = len(modules)
    assert not crowded, f"more than {MAX_MODULES} modules in one folder: {crowded}"


@pytest.mark.parametrize("tops", [PACKAGES, ["tests", "bench"]], ids=["packages", "tests+bench"])
def test_no_file_is_long(tops):
    long = {str(p.relative_to(ROOT)): n for p in _sources(*tops)
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"files over {MAX_LINES} lines: {long}"


def test_no_module_imports_private_names():
    private = [f"{path.relative_to(ROOT)}:{line} {module}.{name}"
               for path in _sources(*PACKAGES, "bench")
               for line, module, names in _imports(path) if module.split(".")[0] in PACKAGES
               for name in names if name.startswith("_") and not name.startswith("__")]
    assert not private, "private names imported from another module:\n" + "\n".join(private)


def test_the_checks_see_the_packages():
    # a guard for the guards: an empty source list would pass everything above
    assert len(_sources(*PACKAGES)) > 100
    assert any(module == "corpus.model" for _, module, _ in _imports(ROOT / "indexer" / "records.py"))
