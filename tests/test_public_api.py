from __future__ import annotations

from typing import Any

import spinscope
from spinscope.settings import SETTINGS


def test_public_api_all_is_pinned() -> None:
    assert sorted(spinscope.__all__) == [
        "Analysis", "AnalyzeOptions", "Document", "Failure", "Relation", "Span", "SpanRef", "SpinscopeError",
        "__version__", "analyze", "analyze_many", "read", "read_many",
    ]  # fmt: skip
    for name in spinscope.__all__:
        assert getattr(spinscope, name) is not None


def test_public_api_every_setting_is_a_cli_option_with_the_tables_help_and_default() -> None:
    import typer.main

    from spinscope.cli import app
    from spinscope.cli.options import COMMANDS_BY_SCOPE, RUNTIME_DEFAULTS

    def find(path: str) -> Any:  # "corpus add": the add command of the corpus group
        command = typer.main.get_command(app)
        for name in path.split():
            command = command.commands[name]  # type: ignore[attr-defined]
        return command

    for setting in SETTINGS:
        assert setting.help, f"{setting.name} has no help"
        for command in COMMANDS_BY_SCOPE[setting.scope]:
            params = {p.opts[0]: p for p in find(command).params if getattr(p, "opts", None)}
            param = params.get(setting.flag)
            assert param is not None, f"spinscope {command} has no {setting.flag} for the {setting.scope} setting {setting.name}"
            if (command, setting.name) in RUNTIME_DEFAULTS:
                assert param.help == setting.help + RUNTIME_DEFAULTS[command, setting.name] and param.default is None
                continue
            assert param.help == setting.help, f"spinscope {command} {setting.flag}: help differs from the settings table"
            assert param.default == setting.default, f"spinscope {command} {setting.flag}: default {param.default!r} is not {setting.default!r}"


def test_public_api_option_dataclasses_agree_with_the_settings_table() -> None:
    from dataclasses import fields

    from spinscope.settings import IngestOptions
    from spinscope.store import StoreOptions
    from spinscope.techniques.stage import TechniqueOptions
    from spinscope.web import WebOptions

    table = {s.name: s for s in SETTINGS}
    for options, scope in ((IngestOptions, "ingest"), (TechniqueOptions, "analysis"), (WebOptions, "web"), (StoreOptions, "store")):
        for f in fields(options):
            assert table[f.name].scope == scope and table[f.name].default == f.default, f"{options.__name__}.{f.name}"

