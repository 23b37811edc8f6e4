"""The package's layers (ARCHITECTURE.md): each subpackage of kb imports only the ones below it.

Every import statement is read from the source (module level and inside functions alike), so a
late import cannot hide a climb back up the stages.
"""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "scripts" / "kb"
ARCHITECTURE = PACKAGE.parents[1] / "ARCHITECTURE.md"
# What each subpackage may import besides itself; cli.py, at the top, may import them all.
MAY_IMPORT = {
    "core": set(),
    "content": {"core"},
    "search": {"core", "content"},
    "site": {"core", "content", "search"},
    "office": {"core", "content"},
    "build": {"core", "content", "search", "site"},
    "preview": {"core", "content", "search", "site", "build"},
}


def kb_imports(path: Path, package: Path = PACKAGE) -> list[tuple[int, str]]:
    """(line, imported kb subpackage) for every import of kb code in a module of the package."""
    module = path.relative_to(package).with_suffix("").parts
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(module[:-1])[: len(module) - node.level]
                target = base + (node.module.split(".") if node.module else [])
                names = [target + [alias.name] for alias in node.names] if not node.module else [target]
            elif node.module == "kb":
                names = [[alias.name] for alias in node.names]
            elif node.module and node.module.split(".")[0] == "kb":
                names = [node.module.split(".")[1:]]
            else:
                continue
        elif isinstance(node, ast.Import):
            names = [alias.name.split(".")[1:] for alias in node.names if alias.name.split(".")[0] == "kb"]
        else:
            continue
        found += [(node.lineno, parts[0]) for parts in names if parts]
    return found


def modules():
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_the_top_of_the_package_holds_only_the_cli_and_package_files():
    top = sorted(p.name for p in PACKAGE.iterdir() if p.name != "__pycache__" and not p.name.endswith(".egg-info"))
    assert top == sorted(["__init__.py", "cli.py", *MAY_IMPORT])


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_module_imports_against_the_documented_direction(path):
    layer = path.relative_to(PACKAGE).parts[0]
    if layer in ("cli.py", "__init__.py"):
        return
    allowed = MAY_IMPORT[layer] | {layer}
    wrong = [f"{path.name}:{line} imports kb.{target}" for line, target in kb_imports(path) if target not in allowed]
    assert not wrong, f"kb.{layer} may import only {sorted(allowed)}: " + "; ".join(wrong)


def test_the_checker_sees_relative_absolute_and_late_imports(tmp_path):
    sample = tmp_path / "kb" / "content" / "probe.py"
    sample.parent.mkdir(parents=True)
    sample.write_text("from ..site import render\nimport kb.build.builder\nfrom . import load\nfrom kb import search\n\n"
                      "def f():\n    from ..preview.live import serve\n")
    assert kb_imports(sample, tmp_path / "kb") == [(1, "site"), (2, "build"), (3, "content"), (4, "search"),
                                                   (7, "preview")]


def test_architecture_md_lists_every_subpackage_with_what_it_may_import():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    for layer, allowed in MAY_IMPORT.items():
        line = next((l for l in text.splitlines() if l.startswith(f"| `kb.{layer}`")), None)
        assert line is not None, f"ARCHITECTURE.md has no row for kb.{layer}"
        cells = line.split("|")
        assert {name.strip(" `").removeprefix("kb.") for name in cells[3].split(",") if name.strip(" `—")} == allowed
        docstring = ast.get_docstring(ast.parse((PACKAGE / layer / "__init__.py").read_text(encoding="utf-8")))
        said = docstring.split("May import:")[1].strip().rstrip(".")
        assert said == "nothing else from kb" if not allowed else {n.strip().removeprefix("kb.") for n in said.split(",")} == allowed
