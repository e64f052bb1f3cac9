"""Renderers: each takes a serialised Analysis (a plain dict) and never re-runs the analysis."""
