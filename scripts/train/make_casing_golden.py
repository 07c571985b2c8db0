"""Write tests/fixtures/casing_golden.json: tokenizer output + casing-v1 token types
for varied strings (with [CLS]/[SEP], no padding, no truncation)."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from tokenizers import Tokenizer  # noqa: E402

from casing import casing_type_ids  # noqa: E402
from common import BASE_DIR, ROOT  # noqa: E402

TEXTS = [
    "The quick brown fox jumps over the lazy dog.",
    "London is the capital of the United Kingdom.",
    "BBC reports that the U.S. economy grew 2.3% in 2017.",
    "McDonald's opened 45,000 restaurants, earning $1.3bn.",
    "Apple's iPhone and eBay's app: a new era?",
    "UN SECURITY COUNCIL CONDEMNS ATTACK IN KABUL",
    "I met A. J. Smith in Paris on Monday.",
    "She said she did not want to “unduly alarm” people.",
    "Britain’s prime minister Theresa May raised the threat level.",
    "Le café à Montréal s'appelle Émile Zola.",
    "ÉCOLE NORMALE SUPÉRIEURE and élan vital",
    "Tokyo (東京) and Beijing 北京 are big cities.",
    "We ❤️ NYC 😀🎉 #blessed @user",
    "x2 and X2 and 3D and 4k and COVID-19",
    "F.B.I. agents arrested Mr. O'Neill at 10:30 a.m.",
    "GDP rose 0.5 pct to 1,234.56 billion yen.",
    "Self-driving cars from Waymo, Uber and Tesla.",
    "WASHINGTON 1996-08-22",
    "Nasdaq-listed iRobot Corp. fell 3%.",
    "DeepMind's AlphaGo beat Lee Sedol 4-1 in Seoul.",
    "naïve coöperation Zürich ÆON Øresund straße",
    "St. Petersburg, Russia -- Gazprom PJSC",
    "e\u0301cole and caf\u00e9 (decomposed vs composed accents)",
    "ǅemal and ﬁne and ½ and ² and ٣ and Ⅳ",
    "Literal [SEP] and [UNK] markers in text",
    "“Quotes” ‘single’ — dashes – and … ellipsis",
    "ПУТИН встретился с Байденом в Женеве.",
    "USA vs. U.S.A. vs. Usa vs. usa",
    "iOS 17 and macOS Sonoma ship on MacBook Pro M3.",
    "A",
    "",
    "  spaced   out\ttabs\nand newlines  ",
]


def main():
    tk = Tokenizer.from_file(os.path.join(BASE_DIR, "tokenizer.json"))
    tk.no_truncation(); tk.no_padding()
    out = []
    for t in TEXTS:
        e = tk.encode(t, add_special_tokens=True)
        out.append({"text": t, "tokens": e.tokens, "ids": e.ids,
                    "token_type_ids": casing_type_ids(t, e.tokens, e.offsets, e.special_tokens_mask)})
    path = os.path.join(ROOT, "tests", "fixtures", "casing_golden.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
    print(f"wrote {len(out)} cases to {path}")


if __name__ == "__main__":
    main()
