"""The import contract (pyproject.toml [tool.importlinter], README "Architecture"): an import only
points down the layers. These prove the contract can fail, that it covers every app, and that the
apps' import graph, local imports included, has no cycle."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
APPS = CONFIG["root_packages"]
LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    # Run where the packages are, so that they (not the real tree) are the ones imported and read.
    return subprocess.run(  # noqa: S603 - our own venv's lint-imports, fixed arguments
        [LINT_IMPORTS, "--no-cache", "--no-logo", "pyproject.toml"],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tree)},
    )


def copy_of_the_apps(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    tree.mkdir()
    shutil.copy(ROOT / "pyproject.toml", tree)
    for app in APPS:
        shutil.copytree(ROOT / app, tree / app, ignore=shutil.ignore_patterns("__pycache__"))
    return tree


def test_the_real_tree_keeps_the_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_an_import_up_a_layer_breaks_the_contract(tmp_path):
    tree = copy_of_the_apps(tmp_path)
    assert lint_imports(tree).returncode == 0  # the copy alone is as clean as the real tree

    # A core module that reaches up to the top app, even from inside a function, is refused.
    (tree / "onboarding" / "_contract_probe.py").write_text(
        "def dashboard():\n    from portal import selectors\n\n    return selectors\n"
    )
    result = lint_imports(tree)

    assert result.returncode != 0
    assert "Apps import only the layers below them BROKEN" in result.stdout
    assert "onboarding is not allowed to import portal" in result.stdout
    assert "onboarding._contract_probe -> portal.selectors" in result.stdout


def test_feature_apps_importing_each_other_break_independence(tmp_path):
    tree = copy_of_the_apps(tmp_path)
    (tree / "training" / "_contract_probe.py").write_text("import helpdesk.models\n")

    result = lint_imports(tree)

    assert result.returncode != 0
    assert "Feature apps that need nothing from each other stay independent BROKEN" in result.stdout
    assert "training is not allowed to import helpdesk" in result.stdout


def _layered_apps() -> set[str]:
    [layers] = [c["layers"] for c in CONFIG["contracts"] if c["type"] == "layers"]
    return {app.strip() for layer in layers for app in layer.split("|")}


def test_every_local_app_is_in_the_layers_contract():
    """A new app cannot be left out of the contract: it would be free to import anything."""
    # An entry may be a package or a config class in one ("alma.apps.AlmaAdminConfig").
    packages = {entry.split(".")[0] for entry in settings.INSTALLED_APPS}
    local_apps = {package for package in packages if (ROOT / package / "__init__.py").is_file()}
    assert {"alma", "onboarding", "portal"} <= local_apps  # the search found the project's apps
    assert local_apps == _layered_apps()
    assert local_apps == set(APPS)


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle in a directed graph, as the list of its nodes, or None."""
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        for target in sorted(edges[node]):
            if found := visit(target, [*path, node]):
                return found
        done.add(node)
        return None

    for start in sorted(edges):
        if found := visit(start, []):
            return found
    return None


def test_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_the_apps_import_graph_has_no_cycle():
    # grimp reads every import statement, inside functions too: a local import that only hides a
    # cycle from Python's import machinery still counts here.
    graph = grimp.build_graph(*APPS, cache_dir=None)
    edges = {
        importer: {
            imported
            for imported in APPS
            if imported != importer
            and graph.direct_import_exists(importer=importer, imported=imported, as_packages=True)
        }
        for importer in APPS
    }
    assert edges["portal"], "the graph was built: the top app imports the apps below it"

    cycle = _cycle(edges)

    assert cycle is None, " -> ".join(cycle or [])
