#!/usr/bin/env python3
"""The GPU machine's one command: teacher, soft labels, distilled student (spinscope.training.gpu_run).

Run from the repository root, after the parcels were unpacked into --work:
    PYTHONUNBUFFERED=1 python3 scripts/gpu_distil.py --parcels .gpu/p3 --work /tmp/w --data .gpu/data --out $OUT
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spinscope.training.gpu_run import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main(["run", *sys.argv[1:]]))
