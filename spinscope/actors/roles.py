"""The role an article casts an actor in: a main role and fine roles of the SemEval-2025 Task 10 taxonomy.

Two logistic-regression heads over an actor's features (actors/features.py), trained by
spinscope/training/roles.py and shipped in ``models/roles/`` (weights.npz, config.json, hashed in
manifest.json and checked on load): a softmax over the three main roles, and a softmax over the 22
fine roles, read only among the children of the chosen main role (every fine role sits under one
main role in the taxonomy). The best fine role is always given; another is given too when its
probability is at least ``fine_ratio`` of the best one's (chosen by cross-validation for the
exact-match ratio). Run time is numpy only.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.errors import ModelError

FOLDER = "roles"
MAIN_ROLES = ("Protagonist", "Antagonist", "Innocent")


@dataclass(frozen=True, slots=True)
class Role:
    """A main role with its probability and every main role's, and the fine roles given, best first."""

    main: str
    score: float
    scores: dict[str, float]
    fine: tuple[tuple[str, float], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "main": self.main,
            "score": round(self.score, 4),
            "scores": {k: round(v, 4) for k, v in self.scores.items()},
            "fine": [{"role": r, "score": round(s, 4)} for r, s in self.fine],
        }


@dataclass(frozen=True)
class RoleModel:
    """The two heads and what their input is made of."""

    parts: tuple[str, ...]
    vocabulary: dict[str, int]
    main_roles: tuple[str, ...]
    fine_roles: tuple[str, ...]
    fine_parent: tuple[str, ...]
    main_w: np.ndarray
    main_b: np.ndarray
    fine_w: np.ndarray
    fine_b: np.ndarray
    fine_ratio: float
    version: str
    sha256: str | None = None

    def predict(self, x: np.ndarray) -> Role:
        """The role for one feature row."""
        main_p = _softmax(self.main_w @ x + self.main_b)
        best = int(np.argmax(main_p))
        main = self.main_roles[best]
        children = [i for i, parent in enumerate(self.fine_parent) if parent == main]
        fine_p = _softmax((self.fine_w[children] @ x + self.fine_b[children]))
        order = np.argsort(-fine_p)
        top = float(fine_p[order[0]])
        fine = tuple((self.fine_roles[children[i]], float(fine_p[i])) for i in order if float(fine_p[i]) >= self.fine_ratio * top)
        return Role(main, float(main_p[best]), {r: float(p) for r, p in zip(self.main_roles, main_p)}, fine)


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    out: np.ndarray = e / e.sum()
    return out


def write_model(directory: Path, model: RoleModel) -> str:
    """Write the heads' files and their manifest; return the folder hash."""
    from spinscope.techniques.model_files import write_manifest

    directory.mkdir(parents=True, exist_ok=True)
    np.savez(directory / "weights.npz", main_w=model.main_w, main_b=model.main_b, fine_w=model.fine_w, fine_b=model.fine_b)
    config = {
        "version": model.version,
        "parts": list(model.parts),
        "vocabulary": sorted(model.vocabulary, key=model.vocabulary.__getitem__),
        "main_roles": list(model.main_roles),
        "fine_roles": list(model.fine_roles),
        "fine_parent": list(model.fine_parent),
        "fine_ratio": model.fine_ratio,
        "encoder": "models/sentence (spinscope.nlp.embed)",
    }
    (directory / "config.json").write_text(json.dumps(config, indent=1) + "\n", encoding="utf-8")
    return write_manifest(directory)


def read_model(directory: Path) -> RoleModel:
    """The heads in ``directory``, their files checked against the manifest first."""
    from spinscope.techniques.model_files import verified_files

    digest = verified_files(directory)
    try:
        config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
        with np.load(directory / "weights.npz") as w:
            arrays = {k: np.asarray(w[k], dtype=np.float32) for k in ("main_w", "main_b", "fine_w", "fine_b")}
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(f"the role model in {directory} is unreadable ({exc!r}): reinstall spinscope or retrain it (python -m spinscope.training.roles)") from exc
    return RoleModel(
        parts=tuple(config["parts"]),
        vocabulary={w: i for i, w in enumerate(config["vocabulary"])},
        main_roles=tuple(config["main_roles"]),
        fine_roles=tuple(config["fine_roles"]),
        fine_parent=tuple(config["fine_parent"]),
        fine_ratio=float(config["fine_ratio"]),
        version=str(config["version"]),
        sha256=digest,
        **arrays,
    )


_lock = threading.Lock()
_model: RoleModel | None = None


def role_model() -> RoleModel:
    """The shipped heads, loaded once per process (thread-safe)."""
    global _model
    with _lock:
        if _model is None:
            from spinscope.techniques.model_files import models_root

            _model = read_model(models_root() / FOLDER)
        return _model
