"""Encoder features for the dependency head, taken from the shipped int8 model.onnx itself, so
that the head trains on exactly the tensor it reads at run time.

usage: features.py SILVER_DIR OUT_DIR [SPLIT...]     (default splits: train dev fixtures)

The head reads the outputs of encoder layers 1-5 (their closing LayerNorm; HIDDEN below), which
become extra graph outputs. Layer 5 (the last) is what the NER/POS/chunk classifiers read; it was
fine-tuned for them and, alone, parses worst: on 300 CoNLL dev windows (150 steps, same head)
layer 5 gave 49 UAS, layer 4 58, layer 3 67, layer 2 70; the head mixes layers 1-5 with learned
weights. Each window is run alone
(batch 1), as the runtime does: the int8 model quantises activations with one scale per call,
so batching windows would change the features.

Writes OUT_DIR/SPLIT.npz with, per window, its [CLS] row (the root) then one row per word
(its first sub-token), concatenated over windows:
  x      float16 [rows, len(LAYERS), 384]
  ptr    int64 [windows + 1]   window w owns rows ptr[w]:ptr[w+1]
  head   int32 [rows]          head row within the window: 0 = root ([CLS]), -1 = the head is
                               outside this window (not trainable), -2 on the [CLS] row itself
  label  str [rows]            silver label ("" on [CLS] rows)
  punct  int8 [rows]           1 if the word is punctuation (for punct-excluded scores)
  pos    int32 [rows]          the row's sub-token position in the window (0 for [CLS])
"""
import json
import os
import sys
import time

import numpy as np
import onnx

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from common import ROOT  # noqa: E402

MODEL = os.path.join(ROOT, "models", "factx-ner-minilm-l6", "model.onnx")
LAYERS = (1, 2, 3, 4, 5)
HIDDEN = [f"/bert/encoder/layer.{k}/output/LayerNorm/LayerNormalization_output_0" for k in LAYERS]
CLS, SEP = 101, 102


def with_hidden_outputs(model):
    """The model with HIDDEN as extra outputs, float32 [batch, sequence, 384] each."""
    produced = {o for n in model.graph.node for o in n.output}
    for name in HIDDEN:
        if name not in produced:
            raise SystemExit(f"{name} not in the graph: the encoder's LayerNorms were renamed")
        model.graph.output.append(onnx.helper.make_tensor_value_info(
            name, onnx.TensorProto.FLOAT, ["batch", "sequence", 384]))
    return model


def session(model_bytes, threads=1):
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(model_bytes, so, providers=["CPUExecutionProvider"])


def window_inputs(doc, a, b):
    ids = np.array([[CLS] + doc["ids"][a:b] + [SEP]], dtype=np.int64)
    tt = np.array([[0] + doc["type_ids"][a:b] + [0]], dtype=np.int64)
    return {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": tt}


def extract(sess, docs):
    xs, heads, labels, puncts, poss, ptr = [], [], [], [], [], [0]
    for doc in docs:
        first = [w[0] for w in doc["words"]]
        wi = 0
        for a, b in doc["windows"]:
            h = np.stack([o[0] for o in sess.run(HIDDEN, window_inputs(doc, a, b))], 1)
            ws = []
            while wi < len(first) and first[wi] < b:
                ws.append(wi); wi += 1
            row = {w: k + 1 for k, w in enumerate(ws)}
            pos = [0] + [first[w] - a + 1 for w in ws]
            xs.append(h[pos].astype(np.float16))
            poss.extend(pos)
            heads.append(-2)
            heads.extend(0 if doc["head"][w] < 0 else row.get(doc["head"][w], -1) for w in ws)
            labels.append("")
            labels.extend(doc["label"][w] for w in ws)
            puncts.append(0)
            puncts.extend(doc["punct"][w] for w in ws)
            ptr.append(ptr[-1] + len(pos))
    return dict(x=np.concatenate(xs), ptr=np.array(ptr, dtype=np.int64),
                head=np.array(heads, dtype=np.int32), label=np.array(labels),
                punct=np.array(puncts, dtype=np.int8), pos=np.array(poss, dtype=np.int32))


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    silver, out = sys.argv[1], sys.argv[2]
    splits = sys.argv[3:] or ["train", "dev", "fixtures"]
    os.makedirs(out, exist_ok=True)
    sess = session(with_hidden_outputs(onnx.load(MODEL)).SerializeToString())
    for split in splits:
        with open(os.path.join(silver, f"{split}.json"), encoding="utf-8") as f:
            docs = json.load(f)
        t = time.time()
        feats = extract(sess, docs)
        np.savez(os.path.join(out, f"{split}.npz"), **feats)
        n = len(feats["ptr"]) - 1
        print(f"{split}: {n} windows, {len(feats['x']) - n} words, "
              f"{(feats['head'] == -1).sum()} heads outside their window, {time.time() - t:.0f} s")


if __name__ == "__main__":
    main()
