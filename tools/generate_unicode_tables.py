#!/usr/bin/env python3
"""Generates core/text/unicode_tables.inc, the Unicode data of the CLIP tokenizer.

The C++ tokenizer must give the same ids as transformers' CLIPTokenizer, whose work is done
by the Rust `tokenizers` crate. That crate takes its Unicode data from three places, each of
a different Unicode version:
  * \\p{L}, \\p{N}, \\s of its regexes: the Oniguruma library bundled by the `onig` crate;
  * the Lowercase normalizer: Rust's `char::to_lowercase` (the Rust compiler's Unicode);
  * the NFC normalizer: the `unicode-normalization-alignments` crate (old: about Unicode 9).

This script starts from Python's `unicodedata` (Unicode 14.0.0 for Python 3.11) and then,
with the pinned `tokenizers` package of the project's virtual environment, probes the real
behaviour for every code point and keeps the library's answer where the two differ (the
differences are counted in the generated file's header). Run without `tokenizers`
(--no-tokenizers) it writes plain unicodedata tables, which differ from transformers on
the code points listed in the header of the committed file.

Regenerate (from the repository root):
    .venv/bin/python tools/generate_unicode_tables.py core/text/unicode_tables.inc
"""
from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path

MAX_CODEPOINT = 0x110000
HANGUL_S_BASE, HANGUL_S_COUNT = 0xAC00, 11172
WHITE_SPACE = [0x9, 0xA, 0xB, 0xC, 0xD, 0x20, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x2028, 0x2029,
               0x202F, 0x205F, 0x3000]  # PropList.txt White_Space (stable since Unicode 6)


def all_codepoints() -> list[int]:
    return [c for c in range(MAX_CODEPOINT) if not 0xD800 <= c <= 0xDFFF]


def to_ranges(members: set[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for c in sorted(members):
        if out and out[-1][1] == c - 1:
            out[-1] = (out[-1][0], c)
        else:
            out.append((c, c))
    return out


def is_hangul_syllable(c: int) -> bool:
    return HANGUL_S_BASE <= c < HANGUL_S_BASE + HANGUL_S_COUNT


def canonical_mapping(c: int) -> list[int] | None:
    d = unicodedata.decomposition(chr(c))
    if not d or d.startswith("<"):
        return None
    return [int(x, 16) for x in d.split()]


# --------------------------------------------------------------------------------------
# The data as Python's unicodedata has it.
# --------------------------------------------------------------------------------------
def python_tables(cps: list[int]) -> dict:
    letters = {c for c in cps if unicodedata.category(chr(c)).startswith("L")}
    numbers = {c for c in cps if unicodedata.category(chr(c)).startswith("N")}
    lower = {}
    for c in cps:
        low = chr(c).lower()  # one character alone: no Final_Sigma context, like char::to_lowercase
        if low != chr(c):
            lower[c] = [ord(x) for x in low]
    ccc = {c: unicodedata.combining(chr(c)) for c in cps if unicodedata.combining(chr(c))}
    decomp = {c: m for c in cps if (m := canonical_mapping(c)) is not None}
    # Primary composites: a two-character canonical mapping that NFC recomposes (this leaves
    # out the composition exclusions and the non-starter decompositions).
    compose = {}
    for c, m in decomp.items():
        if len(m) == 2 and unicodedata.normalize("NFC", chr(c)) == chr(c):
            compose[(m[0], m[1])] = c
    return dict(letters=letters, numbers=numbers, whitespace=set(WHITE_SPACE), lower=lower, ccc=ccc,
                decomp=decomp, compose=compose)


# --------------------------------------------------------------------------------------
# Probing the pinned tokenizers library.
# --------------------------------------------------------------------------------------
def probe_regex_class(cps: list[int], pattern: str) -> set[int]:
    from tokenizers import Regex, normalizers

    text = "".join(map(chr, cps))
    members: set[int] = set()
    # Two markers: a matched code point equal to one marker is still seen by the other run.
    for marker in ("\uE000", "\uE001"):
        out = normalizers.Replace(Regex(pattern), marker).normalize_str(text)
        assert len(out) == len(text), "a class pattern must replace one character by one"
        members |= {cps[i] for i, ch in enumerate(out) if ch != text[i]}
    return members


def apply_tokenizers(cps: list[int], t: dict, notes: list[str]) -> dict:
    from tokenizers import normalizers

    def adopt(name: str, probed: set[int]) -> None:
        ours = t[name]
        added, removed = probed - ours, ours - probed
        if added or removed:
            notes.append(f"{name}: tokenizers adds {len(added)} code points, removes {len(removed)} "
                         f"(e.g. {', '.join(f'U+{c:04X}' for c in sorted(added | removed)[:6])})")
        t[name] = probed

    adopt("letters", probe_regex_class(cps, r"\p{L}"))
    adopt("numbers", probe_regex_class(cps, r"\p{N}"))
    adopt("whitespace", probe_regex_class(cps, r"\s"))

    lowercase = normalizers.Lowercase()
    lower = {}
    for c in cps:
        low = lowercase.normalize_str(chr(c))
        if low != chr(c):
            lower[c] = [ord(x) for x in low]
    changed = [c for c in set(lower) | set(t["lower"]) if lower.get(c) != t["lower"].get(c)]
    if changed:
        notes.append(f"lowercase: tokenizers maps {len(changed)} code points differently "
                     f"(e.g. {', '.join(f'U+{c:04X}' for c in sorted(changed)[:6])})")
    t["lower"] = lower

    nfd, nfc = normalizers.NFD(), normalizers.NFC()
    # Decompositions the library does not know (its data is older) are dropped.
    dropped = [c for c in t["decomp"] if nfd.normalize_str(chr(c)) == chr(c)]
    for c in dropped:
        del t["decomp"][c]
    if dropped:
        notes.append(f"decompositions: tokenizers' NFC lacks {len(dropped)} "
                     f"(e.g. {', '.join(f'U+{c:04X}' for c in sorted(dropped)[:6])})")
    # Combining classes never change once assigned, so the library's class of a code point is
    # either Python's or 0 (unassigned in its older data). A non-starter reorders against
    # U+0334 (class 1) or U+0301 (class 230).
    zeroed = []
    for c in list(t["ccc"]):
        if c in t["decomp"]:
            continue  # always decomposed before its class is asked for
        base = nfd.normalize_str(chr(c))
        moved = (nfd.normalize_str(chr(c) + "\u0334") != base + "\u0334"
                 or nfd.normalize_str("\u0301" + chr(c)) != "\u0301" + base)
        if not moved:
            zeroed.append(c)
            del t["ccc"][c]
    if zeroed:
        notes.append(f"combining classes: tokenizers' NFC treats {len(zeroed)} marks as starters "
                     f"(e.g. {', '.join(f'U+{c:04X}' for c in sorted(zeroed)[:6])})")
    uncomposed = [pair for pair, c in t["compose"].items()
                  if c not in t["decomp"] or nfc.normalize_str(chr(pair[0]) + chr(pair[1])) != chr(c)]
    for pair in uncomposed:
        del t["compose"][pair]
    if uncomposed:
        notes.append(f"compositions: tokenizers' NFC lacks {len(uncomposed)}")
    return t


# --------------------------------------------------------------------------------------
# A Python model of the C++ NFC, to check the tables against the library.
# --------------------------------------------------------------------------------------
def model_nfc(text: str, t: dict) -> str:
    def decompose(c: int, out: list[int]) -> None:
        if is_hangul_syllable(c):
            s = c - HANGUL_S_BASE
            out += [0x1100 + s // 588, 0x1161 + (s % 588) // 28]
            if s % 28:
                out.append(0x11A7 + s % 28)
            return
        m = t["decomp"].get(c)
        if m is None:
            out.append(c)
        else:
            for x in m:
                decompose(x, out)

    d: list[int] = []
    for ch in text:
        decompose(ord(ch), d)
    # Canonical ordering: a stable sort of each run of non-starters.
    i = 0
    while i < len(d):
        if t["ccc"].get(d[i], 0) == 0:
            i += 1
            continue
        j = i
        while j < len(d) and t["ccc"].get(d[j], 0) != 0:
            j += 1
        d[i:j] = sorted(d[i:j], key=lambda c: t["ccc"][c])
        i = j

    def compose(a: int, b: int) -> int | None:
        if 0x1100 <= a < 0x1113 and 0x1161 <= b < 0x1176:
            return HANGUL_S_BASE + ((a - 0x1100) * 21 + (b - 0x1161)) * 28
        if is_hangul_syllable(a) and (a - HANGUL_S_BASE) % 28 == 0 and 0x11A7 < b < 0x11C3:
            return a + (b - 0x11A7)
        return t["compose"].get((a, b))

    out: list[int] = []
    starter = -1
    last_class = 0
    for c in d:
        cc = t["ccc"].get(c, 0)
        if starter >= 0 and (len(out) - 1 == starter or (last_class != 0 and last_class < cc)):
            composite = compose(out[starter], c)
            if composite is not None:
                out[starter] = composite
                continue
        if cc == 0:
            starter = len(out)
        last_class = cc
        out.append(c)
    return "".join(map(chr, out))


def check_against_tokenizers(cps: list[int], t: dict) -> None:
    from tokenizers import normalizers

    nfc = normalizers.NFC()
    samples = [chr(c) for c in cps]
    samples += [chr(a) + chr(b) for (a, b) in t["compose"]]
    samples += [chr(a) + chr(m) + chr(b) for (a, b) in list(t["compose"])[::7] for m in (0x0316, 0x0301, 0x0334)]
    samples += [chr(0x1100 + i) + chr(0x1161 + j) + chr(0x11A8 + k) for i in range(0, 19, 3) for j in range(21)
                for k in range(0, 27, 5)]
    marks = sorted(t["ccc"])[::3]
    samples += ["e" + chr(a) + chr(b) + "\u0301" for a in marks[::4] for b in marks[::5]]
    bad = [s for s in samples if model_nfc(s, t) != nfc.normalize_str(s)]
    if bad:
        raise SystemExit(f"NFC model differs from tokenizers on {len(bad)} samples, e.g. "
                         + ", ".join(repr(s) for s in bad[:5]))


# --------------------------------------------------------------------------------------
# Output.
# --------------------------------------------------------------------------------------
def lowercase_runs(lower: dict[int, list[int]]) -> tuple[list[tuple[int, int, int, int]], list[tuple[int, list[int]]]]:
    singles = sorted((c, m[0]) for c, m in lower.items() if len(m) == 1)
    multi = sorted((c, m) for c, m in lower.items() if len(m) != 1)
    runs: list[list[int]] = []  # first, last, stride, delta
    for c, low in singles:
        delta = low - c
        if runs and runs[-1][3] == delta:
            first, last, stride, _ = runs[-1]
            if first == last and c - last in (1, 2):
                runs[-1][1:3] = [c, c - last]
                continue
            if first != last and c - last == stride:
                runs[-1][1] = c
                continue
        runs.append([c, c, 1, delta])
    return [tuple(r) for r in runs], multi


def emit(name: str, ctype: str, rows: list[str], per_line: int) -> str:
    lines = [f"static constexpr {ctype} {name}[] = {{"]
    for i in range(0, len(rows), per_line):
        lines.append("    " + ", ".join(rows[i:i + per_line]) + ",")
    lines.append("};")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output", type=Path)
    parser.add_argument("--no-tokenizers", action="store_true",
                        help="use Python's unicodedata alone (the result then differs from transformers)")
    args = parser.parse_args()

    cps = all_codepoints()
    tables = python_tables(cps)
    notes: list[str] = []
    source = f"Python {sys.version.split()[0]} unicodedata {unicodedata.unidata_version}"
    if not args.no_tokenizers:
        import tokenizers

        tables = apply_tokenizers(cps, tables, notes)
        check_against_tokenizers(cps, tables)
        source += f", corrected by probing tokenizers {tokenizers.__version__}"

    runs, multi = lowercase_runs(tables["lower"])
    hx = lambda c: f"0x{c:X}"
    ccc_ranges: list[list[int]] = []
    for c in sorted(tables["ccc"]):
        v = tables["ccc"][c]
        if ccc_ranges and ccc_ranges[-1][1] == c - 1 and ccc_ranges[-1][2] == v:
            ccc_ranges[-1][1] = c
        else:
            ccc_ranges.append([c, c, v])
    for m in multi:
        assert len(m[1]) <= 3
    header = [
        "// Generated by tools/generate_unicode_tables.py. Do not edit; regenerate with",
        "//   .venv/bin/python tools/generate_unicode_tables.py core/text/unicode_tables.inc",
        f"// Source: {source}.",
        "// The tables reproduce what the pinned Rust `tokenizers` crate does, which mixes Unicode",
        "// versions: \\p{L}/\\p{N}/\\s come from its Oniguruma, lowercase from Rust's char::to_lowercase,",
        "// NFC from unicode-normalization-alignments (older, about Unicode 9).",
    ]
    if notes:
        header.append("// Where that differs from Python's unicodedata, the library's behaviour was kept:")
        header += [f"//   - {n}" for n in notes]
    else:
        header.append("// No correction from the tokenizers library was applied.")
    parts = ["\n".join(header) + "\n"]
    parts.append(emit("kLetterRanges", "CodepointRange", [f"{{{hx(a)}, {hx(b)}}}" for a, b in to_ranges(tables["letters"])], 6))
    parts.append(emit("kNumberRanges", "CodepointRange", [f"{{{hx(a)}, {hx(b)}}}" for a, b in to_ranges(tables["numbers"])], 6))
    parts.append(emit("kWhitespaceRanges", "CodepointRange", [f"{{{hx(a)}, {hx(b)}}}" for a, b in to_ranges(tables["whitespace"])], 6))
    parts.append("// {first, last, stride, delta}: every stride-th code point from first to last maps to itself + delta.\n")
    parts.append(emit("kLowercaseRuns", "LowercaseRun", [f"{{{hx(a)}, {hx(b)}, {s}, {d}}}" for a, b, s, d in runs], 4))
    parts.append(emit("kLowercaseMulti", "LowercaseMulti",
                      [f"{{{hx(c)}, {{{', '.join(hx(x) for x in m)}}}}}" for c, m in multi], 4))
    parts.append(emit("kCombiningClasses", "CombiningClassRange", [f"{{{hx(a)}, {hx(b)}, {v}}}" for a, b, v in ccc_ranges], 5))
    parts.append("// Canonical decomposition mappings (one level; applied recursively). Hangul is algorithmic.\n")
    parts.append(emit("kDecompositions", "Decomposition",
                      [f"{{{hx(c)}, {hx(m[0])}, {hx(m[1]) if len(m) > 1 else 0}}}" for c, m in sorted(tables["decomp"].items())], 5))
    parts.append("// Primary composites, sorted by (first, second).\n")
    parts.append(emit("kCompositions", "Composition",
                      [f"{{{hx(a)}, {hx(b)}, {hx(c)}}}" for (a, b), c in sorted(tables["compose"].items())], 5))
    args.output.write_text("\n".join(parts), encoding="utf-8")
    print(f"wrote {args.output}: {len(to_ranges(tables['letters']))} letter ranges, {len(runs)} lowercase runs, "
          f"{len(tables['decomp'])} decompositions, {len(tables['compose'])} compositions")
    for n in notes:
        print("  " + n)


if __name__ == "__main__":
    main()
