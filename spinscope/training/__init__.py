"""Trainers of both detectors, run by ``spinscope train --detector NAME``.

Nothing at run time imports this package: it needs the ``train`` extra (scikit-learn, scipy,
and for the transformer torch, transformers and onnx), while the shipped detectors need numpy,
onnxruntime and tokenizers only. Trainers import the run-time preprocessing and decoding from
`spinscope.techniques`, so a model is tuned on exactly what the detector will compute.

* `baseline` (+ `baseline_stages`): the hashed-feature logistic regressions;
* `transformer`: MiniLM fine-tuning, in steps: `batches` → `fit` (with `torch_model`) →
  `export` → `tuning` and `calibration` (on the validation split) → `card`.
"""
