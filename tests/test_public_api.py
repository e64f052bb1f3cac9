from __future__ import annotations

import spinscope
from spinscope.settings import SETTINGS


def test_public_api_all_is_pinned() -> None:
    assert sorted(spinscope.__all__) == [
        "Analysis", "AnalyzeOptions", "Document", "Failure", "Relation", "Span", "SpanRef", "SpinscopeError",
        "__version__", "analyze", "analyze_many", "read", "read_many",
    ]  # fmt: skip
    for name in spinscope.__all__:
        assert getattr(spinscope, name) is not None


def test_public_api_every_setting_has_help_and_a_cli_option() -> None:
    from typer.testing import CliRunner

    from spinscope.cli import app

    help_text = CliRunner().invoke(app, ["analyze", "--help"], env={"COLUMNS": "300"}).output
    options = {"max_bytes": "--max-bytes", "fetch_timeout": "--timeout", "allow_private": "--allow-private", "max_redirects": "--max-redirects"}
    for setting in SETTINGS:
        assert setting.help
        assert options[setting.name] in help_text, f"{setting.name} has no CLI option in analyze --help"
