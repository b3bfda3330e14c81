#!/usr/bin/env bash
# Packaging check (issue 17): does each extra leave the base install working?
# For the base wheel alone and for each extra: a fresh venv, `pip install WHEEL`, then `pip install 'WHEEL[extra]'`
# on top; then `import cv2, numpy`, `pip check`, the demo page with `digitize run` (also --engine paddle for the
# paddle extra), `validate` before the schemas are fetched (must exit 3 with the hint), the fetch into the venv's
# own cache, and `validate` of the run's ALTO, METS, NewsML-G2 and a PAGE 2019 file (must exit 0).
#
#   bench/extras_check.sh [EXTRA...]          default: none paddle batch agreement bench browser test
#   SCHEMA_SOURCE=DIR     folder holding the official XSDs to fetch from (default ../shared/schemas beside the
#                         checkout); SCHEMA_SOURCE=download fetches them from their publishers instead
#   WORK=DIR              where the venvs, outputs and results.tsv go (default /tmp/digitize-extras)
#
# Needs PyPI (pip), so it is a bench script, not a test. One extra at a time: an install takes 1-3 min, a page
# about 30 s on an idle 2-core machine. Results: WORK/results.tsv, one line per extra; bench/packaging.md has a run.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-/tmp/digitize-extras}
PYTHON=${PYTHON:-python3}
SCHEMA_SOURCE=${SCHEMA_SOURCE:-$ROOT/../shared/schemas}
PAGE=$ROOT/samples/jinzhong-front-clean.png
if [ $# -gt 0 ]; then EXTRAS=("$@"); else EXTRAS=(none paddle batch agreement bench browser test); fi
unset DIGITIZE_SCHEMA_DIR PYTHONPATH
mkdir -p "$WORK"

# One wheel for every venv, built from this checkout by `python -m build` in a scratch venv.
if [ ! -x "$WORK/build-env/bin/python" ]; then
  "$PYTHON" -m venv "$WORK/build-env" && "$WORK/build-env/bin/pip" install -q build || exit 2
fi
rm -rf "$WORK/dist"
"$WORK/build-env/bin/python" -m build --wheel --outdir "$WORK/dist" "$ROOT" >"$WORK/build.log" 2>&1 || { tail "$WORK/build.log"; exit 2; }
WHEEL=$(ls "$WORK"/dist/digitize-*.whl)

# A PAGE 2019 document (no digitize command writes PAGE; `validate` reads it).
cat >"$WORK/page.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15">
 <Metadata><Creator>extras_check</Creator><Created>2026-01-01T00:00:00</Created><LastChange>2026-01-01T00:00:00</LastChange></Metadata>
 <Page imageFilename="p.png" imageWidth="1000" imageHeight="800">
  <TextRegion id="r1" type="heading"><Coords points="10,10 900,10 900,59 10,59"/>
   <TextLine id="l1"><Coords points="10,10 900,10 900,59 10,59"/><TextEquiv><Unicode>Harbour Plans</Unicode></TextEquiv></TextLine>
  </TextRegion>
 </Page>
</PcGts>
XML

RESULTS=$WORK/results.tsv
[ -f "$RESULTS" ] || printf 'extra\topencv wheels\tcv2\tnumpy\tpip check\tinstall s\tpage ppocr\tpage paddle\tvalidate before fetch\tfetch\tvalidate after fetch\n' >"$RESULTS"

for extra in "${EXTRAS[@]}"; do
  V=$WORK/venv-$extra; OUT=$WORK/run-$extra; LOG=$WORK/$extra.log
  rm -rf "$V" "$OUT"; mkdir -p "$OUT"
  echo "== $extra ($(date -u +%H:%M:%S))" | tee "$LOG"
  t0=$(date +%s)
  { "$PYTHON" -m venv "$V" && "$V/bin/pip" install -q "$WHEEL" &&
    if [ "$extra" != none ]; then "$V/bin/pip" install -q "$WHEEL[$extra]"; fi; } >>"$LOG" 2>&1
  rc_install=$?; t_install=$(( $(date +%s) - t0 ))
  if [ $rc_install -ne 0 ]; then printf '%s\tinstall failed (rc %s)\n' "$extra" $rc_install >>"$RESULTS"; continue; fi
  export DIGITIZE_CACHE_DIR=$V/cache  # the venv's own cache: no schemas fetched, no model folders yet
  wheels=$("$V/bin/pip" list 2>/dev/null | awk 'tolower($1) ~ /^opencv/ {printf "%s%s %s", sep, $1, $2; sep=", "}')
  cvinfo=$(cd "$OUT" && "$V/bin/python" -c "import cv2, numpy; print(cv2.__version__ + (' +contrib' if hasattr(cv2, 'ximgproc') else ''), numpy.__version__, sep='\t')" 2>>"$LOG") || cvinfo=$'import failed\t-'
  "$V/bin/pip" check >>"$LOG" 2>&1 && pipcheck=ok || pipcheck=broken
  run_page() {  # engine → "ok 31 s" or "rc N"
    local s=$(date +%s)
    (cd "$OUT" && "$V/bin/digitize" run "$PAGE" -o "$OUT/$1" --engine "$1" --format txt,alto,json,newsml) >>"$LOG" 2>&1
    local rc=$?; [ $rc -eq 0 ] && echo "ok $(( $(date +%s) - s )) s, $(wc -m <"$OUT/$1/jinzhong-front-clean.txt") chars" || echo "rc $rc"
  }
  page=$(run_page ppocr)
  if [ "$extra" = paddle ]; then paddle=$(run_page paddle); else paddle=-; fi
  # `run` writes METS for multi-page issues only; one page's METS is made from its ALTO by the library.
  (cd "$OUT" && "$V/bin/python" -c "import sys; from pathlib import Path
from digitize.read import read_bytes; from digitize.export.mets import document_to_mets
alto = Path(sys.argv[1]); doc = read_bytes(alto.read_bytes(), alto)
Path(sys.argv[2]).write_bytes(document_to_mets(doc, lambda d, p: alto.name, {1: alto.read_bytes()}))" \
    "$OUT/ppocr/jinzhong-front-clean.alto.xml" "$OUT/ppocr/jinzhong-front-clean.mets.xml") >>"$LOG" 2>&1
  files=("$OUT"/ppocr/*.xml "$WORK/page.xml")
  (cd "$OUT" && "$V/bin/digitize" validate "${files[@]}") >>"$LOG" 2>&1; before=$?
  if (cd "$OUT" && "$V/bin/digitize" fetch-schemas --help) >/dev/null 2>&1; then
    if [ "$SCHEMA_SOURCE" = download ]; then fetch=(fetch-schemas --download); else fetch=(fetch-schemas --from "$SCHEMA_SOURCE"); fi
    (cd "$OUT" && "$V/bin/digitize" "${fetch[@]}") >>"$LOG" 2>&1; fetched=$?
  else  # the command is not wired yet: call the library function it wraps
    (cd "$OUT" && "$V/bin/python" -c "import sys; from digitize.schemas import fetch_schemas
src = sys.argv[1]; got = fetch_schemas(None if src == 'download' else src, download=src == 'download')
print(sum(bool(f.origin) for f in got), 'schemas fetched')" "$SCHEMA_SOURCE") >>"$LOG" 2>&1; fetched=$?
  fi
  (cd "$OUT" && "$V/bin/digitize" validate "${files[@]}") >>"$LOG" 2>&1; after=$?
  kinds=$(cd "$OUT" && "$V/bin/digitize" validate "${files[@]}" 2>/dev/null | sed -n 's/.*: valid (\([^,]*\),.*/\1/p' | paste -sd/ -)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\texit %s\t%s\texit %s (%s)\n' "$extra" "$wheels" "$cvinfo" "$pipcheck" "$t_install" \
    "$page" "$paddle" "$before" "$([ $fetched -eq 0 ] && echo ok || echo "rc $fetched")" "$after" "$kinds" | tee -a "$RESULTS"
done
