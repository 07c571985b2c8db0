"""Export the fp32 ONNX model from a model dir (config.json + model.safetensors).

usage: export_onnx.py MODEL_DIR OUT.onnx
Inputs: input_ids, attention_mask, token_type_ids (int64 [batch, seq]);
outputs: logits, pos_logits, chunk_logits (float32 [batch, seq, n])."""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from model import load_trained  # noqa: E402


def export(model_dir, out_path, opset=17):
    torch.set_num_threads(int(os.environ.get("FACTX_THREADS", "2")))
    model, _ = load_trained(model_dir, attn="eager")
    model.eval()
    ids = torch.tensor([[101, 7592, 2088, 1012, 102], [101, 2414, 102, 0, 0]], dtype=torch.int64)
    am = (ids != 0).to(torch.int64)
    tt = torch.tensor([[0, 2, 1, 6, 0], [0, 2, 0, 0, 0]], dtype=torch.int64)
    dyn = {0: "batch", 1: "sequence"}
    # torch >= 2.5 defaults to the dynamo exporter; 2.4 (the torch backend's libtorch, whose
    # venv the tests export with) has only the TorchScript one and no `dynamo` argument.
    import inspect
    legacy_exporter = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
    with torch.no_grad():
        torch.onnx.export(
            model, (ids, am, tt), out_path, opset_version=opset, **legacy_exporter,
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["logits", "pos_logits", "chunk_logits"],
            dynamic_axes={"input_ids": dyn, "attention_mask": dyn, "token_type_ids": dyn,
                          "logits": dyn, "pos_logits": dyn, "chunk_logits": dyn},
            do_constant_folding=True)
    # sanity check against torch
    import numpy as np
    import onnxruntime as ort
    sess = ort.InferenceSession(out_path, providers=["CPUExecutionProvider"])
    got = sess.run(None, {"input_ids": ids.numpy(), "attention_mask": am.numpy(), "token_type_ids": tt.numpy()})
    with torch.no_grad():
        ref = model(ids, am, tt)
    diff = max(float(np.abs(g - r.numpy()).max()) for g, r in zip(got, ref))
    print(f"exported {out_path} ({os.path.getsize(out_path)/1e6:.1f} MB), max |onnx-torch| = {diff:.2e}")
    if diff > 1e-3:
        raise SystemExit("ONNX output differs from torch")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    export(sys.argv[1], sys.argv[2])
