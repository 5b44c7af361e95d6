"""The walls of the house: import-linter's contracts in pyproject.toml ("Layers" in ARCHITECTURE.md).

A wrong import fails here with the contract it broke and the import that broke it.
"""

from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]


def test_imports_run_one_way_and_plugins_contribute_through_hooks_only(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    broken = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    report = capsys.readouterr().out
    assert broken == 0, report
    assert "Contracts: 4 kept, 0 broken." in report
