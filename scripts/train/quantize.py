"""Dynamic int8 quantization of the fp32 ONNX model.

usage: quantize.py IN.onnx OUT.onnx [QInt8|QUInt8] [per-channel|per-tensor]

Default QInt8 per-channel: on the epoch-1 checkpoint (dev F1 fp32 83.87) it scored
83.70 and was the fastest; QUInt8 per-tensor 84.16 but slower; QInt8 per-tensor
lost 2.2 F1 (81.69)."""
import os
import sys

from onnxruntime.quantization import QuantType, quantize_dynamic


def main():
    if len(sys.argv) not in (3, 4, 5):
        raise SystemExit(__doc__)
    src, dst = sys.argv[1], sys.argv[2]
    wt = getattr(QuantType, sys.argv[3] if len(sys.argv) >= 4 else "QInt8")
    per_channel = (sys.argv[4] if len(sys.argv) == 5 else "per-channel") == "per-channel"
    quantize_dynamic(src, dst, weight_type=wt, per_channel=per_channel, reduce_range=False)
    print(f"quantized {src} -> {dst} ({wt}, per_channel={per_channel}), {os.path.getsize(dst)/1e6:.1f} MB")


if __name__ == "__main__":
    main()
