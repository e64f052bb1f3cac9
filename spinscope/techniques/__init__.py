"""Technique detectors: each turns a Document into technique spans.

Detectors are registered by name so that the CLI's ``--detector`` option, the Python API and a
later transformer model all go through the same door.
"""
