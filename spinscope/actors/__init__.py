"""Actors and the roles an article gives them (issue 11, point 4): who is named, by which forms,
with which labels, cast as protagonist, antagonist or innocent.

mentions.py finds where actors are named, merge.py makes one actor of each referent's forms,
labels.py collects the epithets the article attaches, found.py puts these together per actor,
features.py and roles.py score the roles (models/roles/, trained by spinscope.training.roles),
stage.py writes ``spans["actor"]`` (shape in docs/who-says-what.md).
"""
