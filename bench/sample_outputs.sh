#!/usr/bin/env bash
# Usage (from the repository root, or a worktree of it): bash bench/sample_outputs.sh OUTDIR
# Digitizes the sample pages with every format, to compare two revisions byte for byte (bench/compare_outputs.py).
set -u
out=${1:?outdir}
PY=${PYTHON:-.venv/bin/python}
export PYTHONPATH=$PWD
rm -rf "$out"; mkdir -p "$out"
$PY -m digitize.cli run samples/jinzhong-front-clean.png samples/jinzhong-front-scan.jpg -o "$out/front" --format txt,alto,json,newsml --threads 1 2>"$out/front.log"
$PY -m digitize.cli run samples/issue/p1.png samples/issue/p4.png --issue -o "$out/issue" --format txt,alto,json,newsml --threads 1 2>"$out/issue.log"
$PY -m digitize.cli run samples/issue-en/a1.png samples/issue-en/a4.png --issue -o "$out/issue-en" --format txt,alto,json,newsml --threads 1 2>"$out/issue-en.log"
$PY -m digitize.cli run samples/families/cols5-lshape-scan.jpg samples/families/english-tabloid-clean.png samples/families/vertical-headline-scan.jpg samples/families/cols6-photos-clean.png samples/families/english-textlayer.pdf -o "$out/families" --format txt,alto,json,newsml --threads 1 2>"$out/families.log"
echo "done: $out"
