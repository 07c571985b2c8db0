"""Fine-tune all-MiniLM-L6-v2 for CoNLL-2003 NER (+POS, +chunk) with casing token types."""
import argparse
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
from safetensors.torch import load_file, save_file

sys.path.insert(0, os.path.dirname(__file__))
from casing import N_TOKEN_TYPES, NAME as CASING_NAME  # noqa: E402
from common import BASE_DIR, BBC_DIR, DATA_DIR, GOLD, clean_tokenizer_json, collate, load_tokenizer, torch_runner  # noqa: E402
from data import NER_LABELS, WORD, encode_split, label_sets, read_conll, read_marked_dir  # noqa: E402
from decode import evaluate, format_metrics  # noqa: E402
from model import FactxNer, config_from_dict  # noqa: E402


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


def build_config(base_cfg, pos_labels, chunk_labels, max_len):
    d = dict(base_cfg)
    for k in ("_name_or_path", "gradient_checkpointing", "transformers_version", "use_cache"):
        d.pop(k, None)
    d["architectures"] = ["BertForTokenClassification"]
    d["type_vocab_size"] = N_TOKEN_TYPES
    d["id2label"] = {str(i): l for i, l in enumerate(NER_LABELS)}
    d["label2id"] = {l: i for i, l in enumerate(NER_LABELS)}
    d["factx"] = {
        "token_types": CASING_NAME,
        "max_length": max_len,
        "heads": {
            "pos": {"output": "pos_logits", "id2label": {str(i): l for i, l in enumerate(pos_labels)}},
            "chunk": {"output": "chunk_logits", "id2label": {str(i): l for i, l in enumerate(chunk_labels)}},
        },
    }
    return d


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--epochs", type=float, default=10)
    ap.add_argument("--stop-after", type=int, default=0, help="stop after N epochs (schedule unchanged)")
    ap.add_argument("--lr", type=float, default=1.5e-4)
    ap.add_argument("--head-lr", type=float, default=1e-3)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--warmup", type=float, default=0.06)
    ap.add_argument("--aux-weight", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-len", type=int, default=256)
    ap.add_argument("--no-casing", action="store_true", help="ablation: all token types 0")
    ap.add_argument("--bbc", default=BBC_DIR,
                    help="directory of BBC documents marked up in the project's conventions, added to "
                         "the training data ('' for CoNLL-2003 alone)")
    ap.add_argument("--max-steps", type=int, default=0, help="debug: stop after N steps")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    random.seed(args.seed); np.random.seed(args.seed); torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    t0 = time.time()

    tok = load_tokenizer(os.path.join(BASE_DIR, "tokenizer.json"))
    train_docs = read_conll(os.path.join(DATA_DIR, "train.txt"))
    dev_docs = read_conll(os.path.join(DATA_DIR, "dev.txt"))
    pos_labels, chunk_labels = label_sets(train_docs + dev_docs)
    bbc_names = []
    if args.bbc:
        bbc_names, bbc_docs = read_marked_dir(args.bbc)
        # The evaluation fixtures must never be trained on, nor their copies: the BBC corpus
        # holds some articles twice under two names.
        with open(GOLD, encoding="utf-8") as f:
            fixtures = [json.loads(line) for line in f]
        grams = lambda words: {tuple(words[i:i + 5]) for i in range(len(words) - 4)}
        fixture_grams = [(r["id"], grams(WORD.findall(r["text"].lower()))) for r in fixtures]
        for name, doc in zip(bbc_names, bbc_docs):
            mine = grams([t[0].lower() for s in doc for t in s])
            for fid, theirs in fixture_grams:
                shared = len(mine & theirs) / max(1, min(len(mine), len(theirs)))
                if name.replace("__", "/") == fid or shared > 0.2:
                    sys.exit(f"{args.bbc}/{name}: the evaluation fixture {fid} (shares {shared:.0%})")
        train_docs = train_docs + bbc_docs
    maps = {"ner": {l: i for i, l in enumerate(NER_LABELS)},
            "pos": {l: i for i, l in enumerate(pos_labels)},
            "chunk": {l: i for i, l in enumerate(chunk_labels)}}
    for lab in list(maps["chunk"]):  # continuation labels must exist
        if lab.startswith("B-") and "I-" + lab[2:] not in maps["chunk"]:
            chunk_labels.append("I-" + lab[2:]); maps["chunk"]["I-" + lab[2:]] = len(chunk_labels) - 1
    train_enc = encode_split(tok, train_docs, maps, args.max_len)
    dev_enc = encode_split(tok, dev_docs, maps, args.max_len)
    train_w = [w for wins, _, _ in train_enc for w in wins]
    ntoks = sum(len(w["input_ids"]) for w in train_w)
    log(f"train windows {len(train_w)} sub-tokens {ntoks}; dev windows {sum(len(e[0]) for e in dev_enc)}; "
        f"pos {len(pos_labels)} chunk {len(chunk_labels)}; prep {time.time()-t0:.1f}s")

    with open(os.path.join(BASE_DIR, "config.json")) as f:
        cfg_dict = build_config(json.load(f), pos_labels, chunk_labels, args.max_len)
    cfg = config_from_dict(cfg_dict, attn="sdpa")
    model = FactxNer(cfg, len(pos_labels), len(chunk_labels))
    base = load_file(os.path.join(BASE_DIR, "model.safetensors"))
    base = {k: v for k, v in base.items() if not k.startswith("pooler.") and k != "embeddings.position_ids"}
    tte = base["embeddings.token_type_embeddings.weight"]
    base["embeddings.token_type_embeddings.weight"] = tte[0:1].repeat(N_TOKEN_TYPES, 1).clone()
    missing, unexpected = model.bert.load_state_dict(base, strict=False)
    log("missing", [k for k in missing if "position_ids" not in k], "unexpected", unexpected)

    no_decay = ("bias", "LayerNorm.weight")
    params = []
    for enc in (True, False):
        for nd in (False, True):
            ps = [p for n, p in model.named_parameters()
                  if n.startswith("bert.") == enc and n.endswith(no_decay) == nd]
            params.append({"params": ps, "weight_decay": 0.0 if nd else 0.01,
                           "lr": args.lr if enc else args.head_lr})
    opt = torch.optim.AdamW(params, lr=args.lr)
    steps_per_epoch = sum(math.ceil(len(range(c, min(c + args.batch * 50, len(train_w)))) / args.batch)
                          for c in range(0, len(train_w), args.batch * 50))
    total_steps = int(steps_per_epoch * args.epochs)
    warm = int(total_steps * args.warmup)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / max(1, warm) if s < warm else max(0.0, (total_steps - s) / max(1, total_steps - warm)))
    ce = torch.nn.CrossEntropyLoss(ignore_index=-100)

    history = []
    best = -1.0
    step = 0
    rng = random.Random(args.seed)
    n_epochs = math.ceil(args.epochs)
    if args.stop_after:
        n_epochs = min(n_epochs, args.stop_after)
    for ep in range(n_epochs):
        model.train()
        order = list(range(len(train_w)))
        rng.shuffle(order)
        # length bucketing: sort chunks of 50 batches by length, shuffle the batches
        batches = []
        chunk = args.batch * 50
        for c in range(0, len(order), chunk):
            part = sorted(order[c:c + chunk], key=lambda i: len(train_w[i]["input_ids"]))
            batches += [part[b:b + args.batch] for b in range(0, len(part), args.batch)]
        rng.shuffle(batches)
        te = time.time(); seen = 0
        for bidx in batches:
            if step >= total_steps:
                break
            batch = [train_w[i] for i in bidx]
            ids, am, tt, labs = collate(batch, args.no_casing)
            ner, pos, chk = model(torch.from_numpy(ids), torch.from_numpy(am), torch.from_numpy(tt))
            loss = ner_loss = ce(ner.flatten(0, 1), torch.from_numpy(labs["ner"]).flatten())
            if args.aux_weight > 0:
                loss = loss + args.aux_weight * (ce(pos.flatten(0, 1), torch.from_numpy(labs["pos"]).flatten())
                                                 + ce(chk.flatten(0, 1), torch.from_numpy(labs["chunk"]).flatten()))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step(); sched.step(); step += 1; seen += len(batch)
            if step % 10 == 0 or step <= 3:
                el = time.time() - te
                log(f"ep {ep+1} step {step}/{total_steps} loss {loss.item():.4f} ner {ner_loss.item():.4f} lr {sched.get_last_lr()[0]:.2e} "
                    f"{seen/el:.2f} win/s")
            if args.max_steps and step >= args.max_steps:
                log("max steps reached"); return
        train_s = time.time() - te
        model.eval()
        tv = time.time()
        m = evaluate(dev_enc, dev_docs, torch_runner(model, args.no_casing), pos_labels, chunk_labels)
        log(f"epoch {ep+1} train {train_s:.0f}s dev eval {time.time()-tv:.0f}s\n" + format_metrics(m))
        history.append({"epoch": ep + 1, "train_s": train_s, "dev_f1": m["f1"], "dev_pos_acc": m["pos_acc"],
                        "dev_chunk_acc": m["chunk_acc"]})
        if m["f1"] > best:
            best = m["f1"]
            sd = {k: v.detach().contiguous() for k, v in model.state_dict().items()
                  if not k.endswith("position_ids")}
            save_file(sd, os.path.join(args.out, "model.safetensors"), metadata={"format": "pt"})
            with open(os.path.join(args.out, "config.json"), "w") as f:
                json.dump(cfg_dict, f, indent=2)
            clean_tokenizer_json(os.path.join(BASE_DIR, "tokenizer.json"), os.path.join(args.out, "tokenizer.json"))
            log(f"saved best (epoch {ep+1}, dev F1 {100*best:.2f})")
        with open(os.path.join(args.out, "train_log.json"), "w") as f:
            json.dump({"args": vars(args), "history": history, "best_dev_f1": best,
                       "train_windows": len(train_w), "train_subtokens": ntoks,
                       "bbc_docs": len(bbc_names),
                       "total_s": time.time() - t0}, f, indent=2)
    log(f"done in {time.time()-t0:.0f}s, best dev F1 {100*best:.2f}")


if __name__ == "__main__":
    main()
