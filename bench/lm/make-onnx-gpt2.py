"""A randomly initialised GPT-2 of the bench model's size (4 layers, 4 heads,
dim 256, context 128, vocab 83), exported to ONNX as transformers.js loads a
decoder: <out>/config.json, <out>/generation_config.json and
<out>/onnx/model.onnx, with inputs input_ids, attention_mask, position_ids and
past_key_values.{i}.key/value [batch, heads, past, head_dim] and outputs
logits and present.{i}.key/value, so its generate reuses a key/value cache
(the first step feeds a past of length 0).

The forward is GPT-2's, written out over the Hugging Face model's own modules
so the exported graph has the cache as plain tensors (no Cache object to
trace); it is checked against GPT2LMHeadModel's logits before saving.

    python bench/lm/make-onnx-gpt2.py OUT_DIR
"""

import json
import math
import os
import sys

import torch
from transformers import GPT2Config, GPT2LMHeadModel

LAYERS, HEADS, DIM, CONTEXT, VOCAB = 4, 4, 256, 128, 83
HEAD_DIM = DIM // HEADS


class CachedGpt2(torch.nn.Module):
    """GPT2LMHeadModel's forward with the key/value cache as flat tensors."""

    def __init__(self, hf):
        super().__init__()
        self.hf = hf

    def forward(self, input_ids, attention_mask, position_ids, *past):
        t = self.hf.transformer
        h = t.wte(input_ids) + t.wpe(position_ids)
        # Key positions from the mask (tensor ops only, so every length stays dynamic):
        # query p sees key j when pos(j) <= p and key j is not padding.
        key_pos = attention_mask.cumsum(-1) - 1
        allowed = (key_pos[:, None, :] <= position_ids[:, :, None]) & (attention_mask[:, None, :] > 0)
        bias = torch.where(allowed, 0.0, torch.finfo(torch.float32).min)[:, None, :, :]
        presents = []
        b, n = input_ids.shape
        for i, block in enumerate(t.h):
            x = block.ln_1(h)
            q, k, v = block.attn.c_attn(x).split(DIM, dim=2)
            q, k, v = (z.reshape(b, n, HEADS, HEAD_DIM).transpose(1, 2) for z in (q, k, v))
            k = torch.cat([past[2 * i], k], dim=2)
            v = torch.cat([past[2 * i + 1], v], dim=2)
            presents += [k, v]
            p = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(HEAD_DIM) + bias, dim=-1)
            a = (p @ v).transpose(1, 2).reshape(b, n, DIM)
            h = h + block.attn.c_proj(a)
            h = h + block.mlp(block.ln_2(h))
        return (self.hf.lm_head(t.ln_f(h)), *presents)


def main(out):
    torch.manual_seed(1)
    config = GPT2Config(
        n_layer=LAYERS,
        n_head=HEADS,
        n_embd=DIM,
        n_positions=CONTEXT,
        vocab_size=VOCAB,
        # No end token, so generation always runs to max_new_tokens.
        bos_token_id=None,
        eos_token_id=None,
        pad_token_id=None,
    )
    hf = GPT2LMHeadModel(config).eval()
    model = CachedGpt2(hf).eval()

    # Check: the prompt in two pieces through the cache = the HF model on the whole prompt.
    ids = torch.randint(0, VOCAB, (2, 10))
    with torch.no_grad():
        want = hf(ids).logits
        empty = [torch.zeros(2, HEADS, 0, HEAD_DIM) for _ in range(2 * LAYERS)]
        first = model(ids[:, :6], torch.ones(2, 6, dtype=torch.long), torch.arange(6).expand(2, 6), *empty)
        second = model(ids[:, 6:], torch.ones(2, 10, dtype=torch.long), torch.arange(6, 10).expand(2, 4), *first[1:])
        got = torch.cat([first[0], second[0]], dim=1)
    err = (got - want).abs().max().item()
    if err > 1e-4:
        sys.exit(f"make-onnx-gpt2: the cached forward differs from GPT2LMHeadModel by {err}")

    os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
    past_names = [f"past_key_values.{i}.{kv}" for i in range(LAYERS) for kv in ("key", "value")]
    present_names = [f"present.{i}.{kv}" for i in range(LAYERS) for kv in ("key", "value")]
    # transformers.js makes the first (empty) cache from these shapes: named dims other
    # than batch_size become 0, so heads and head size must stay numbers.
    axes = {
        "input_ids": {0: "batch_size", 1: "sequence_length"},
        "attention_mask": {0: "batch_size", 1: "total_sequence_length"},
        "position_ids": {0: "batch_size", 1: "sequence_length"},
        "logits": {0: "batch_size", 1: "sequence_length"},
    }
    for name in past_names:
        axes[name] = {0: "batch_size", 2: "past_sequence_length"}
    for name in present_names:
        axes[name] = {0: "batch_size", 2: "total_sequence_length"}
    past = [torch.zeros(1, HEADS, 3, HEAD_DIM) for _ in range(2 * LAYERS)]
    args = (torch.tensor([[1, 2]]), torch.ones(1, 5, dtype=torch.long), torch.tensor([[3, 4]]), *past)
    torch.onnx.export(
        model,
        args,
        os.path.join(out, "onnx", "model.onnx"),
        input_names=["input_ids", "attention_mask", "position_ids", *past_names],
        output_names=["logits", *present_names],
        dynamic_axes=axes,
        opset_version=17,
        dynamo=False,
    )
    config.save_pretrained(out)
    with open(os.path.join(out, "generation_config.json"), "w") as f:
        json.dump({"bos_token_id": None, "eos_token_id": None, "pad_token_id": None}, f)
    print(f"make-onnx-gpt2: wrote {out} (max |logit error| {err:.2e})")


if __name__ == "__main__":
    main(sys.argv[1])
