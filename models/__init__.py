"""The shipped model folders, installed as the ``spinscope_models`` package (see pyproject.toml).

``spinscope.techniques.model_files.models_root()`` finds them through it, in a checkout and in a wheel.
"""
