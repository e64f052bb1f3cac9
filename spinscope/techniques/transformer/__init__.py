"""The fine-tuned MiniLM model, in three steps: `inputs` (word pieces, windows, technique
sequences, batches) → `model` (the ONNX session) → `decoding` (word probabilities → spans).

The detector registered as "transformer" mixes this model with the baseline:
`spinscope.techniques.ensemble`.
"""
