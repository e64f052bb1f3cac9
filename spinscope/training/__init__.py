"""Trainers of both detectors, run by ``spinscope train --detector NAME``.

Nothing at run time imports this package: it needs the ``train`` extra (scikit-learn, scipy,
and for the transformer torch, transformers and onnx), while the shipped detectors need numpy,
onnxruntime and tokenizers only. Trainers import the run-time preprocessing and decoding from
`spinscope.techniques`, so a model is tuned on exactly what the detector will compute.

* `baseline` (+ `baseline_stages`): the hashed-feature logistic regressions;
* `transformer`: MiniLM fine-tuning, in steps: `batches` → `fit` (with `torch_model`) →
  `export` → `tuning` and `calibration` (on the validation split) → `card`;
* distillation (issue 9): `teacher` (MPNet-base with the same heads, trained by `fit`),
  `distil` (its soft labels and the student's items made from them), `parcels` (pretrained
  weights packed for a GPU machine without network) and `gpu_run` (all of it in one GPU
  command, `scripts/gpu_distil.py`, and the way back to a checkpoint for ``--resume``).
"""
