#!/usr/bin/env bash
# Reproduce models/factx-ner-minilm-l6 from CoNLL-2003 (fixed seed, 2 CPU threads).
#   scripts/train/setup.sh          # once: venv + base model
#   scripts/train/train.sh          # train -> export -> int8 -> eval -> ship
# env: WORK (scratch dir, default .cache/train-work), OUT (ship dir, default
#      models/factx-ner-minilm-l6), QTYPE (QInt8|QUInt8), ABLATION=1 to also run the
#      1-epoch no-casing ablation, EXTRA_ARGS passed to train.py.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
PY="$ROOT/.cache/train-venv/bin/python"
S="$ROOT/scripts/train"
WORK="${WORK:-$ROOT/.cache/train-work}"
OUT="${OUT:-$ROOT/models/factx-ner-minilm-l6}"
QTYPE="${QTYPE:-QInt8}"
QGRAN="${QGRAN:-per-channel}"
export OMP_NUM_THREADS=2 MKL_NUM_THREADS=2 PYTHONHASHSEED=0
mkdir -p "$WORK" "$OUT"
T0=$(date +%s)

"$PY" "$S/train.py" --out "$WORK/run" ${EXTRA_ARGS:-} 2>&1 | tee "$WORK/train.log"
"$PY" "$S/export_onnx.py" "$WORK/run" "$WORK/run/model_fp32.onnx"
"$PY" "$S/quantize.py" "$WORK/run/model_fp32.onnx" "$WORK/run/model.onnx" "$QTYPE" "$QGRAN"
for m in model_fp32 model; do
  for split in dev test; do
    "$PY" "$S/eval_onnx.py" "$WORK/run/$m.onnx" "$split" --model-dir "$WORK/run" --json "$WORK/run/eval_${m}_${split}.json"
  done
done
if [ "${ABLATION:-0}" = "1" ]; then
  "$PY" "$S/train.py" --out "$WORK/ablation" --no-casing --stop-after 1 ${EXTRA_ARGS:-} 2>&1 | tee "$WORK/ablation.log"
fi
for f in model.onnx model.safetensors config.json tokenizer.json; do
  cp "$WORK/run/$f" "$OUT/$f"
done
# The figures the Rust runtime itself gets (its windows, its decoder) go into the card too.
DATA="${FACTX_DATA_DIR:-$ROOT/../shared/data/conll2003}"
(cd "$ROOT" && scripts/setup >/dev/null && cargo build --release --quiet)
for split in dev test; do
  "$ROOT/target/release/factx" eval --model "$OUT" --conll "$DATA/$split.txt" --json > "$WORK/factx_conll_$split.json"
done
"$PY" "$S/make_card.py" "$WORK" "$OUT"
echo "pipeline done in $(( $(date +%s) - T0 ))s -> $OUT"
