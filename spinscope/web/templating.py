"""The Jinja2 environment: package templates, autoescape on for every template.

Autoescape is set explicitly (Jinja2's own default is off, ruff S701), and no template is ever
built from request data (no ``from_string``), so ``{{7*7}}`` in an article stays text.
"""

from __future__ import annotations

import jinja2
from starlette.templating import Jinja2Templates

env = jinja2.Environment(
    loader=jinja2.PackageLoader("spinscope.web", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
templates = Jinja2Templates(env=env)
