"""Compare two bench/sample_outputs.sh trees byte for byte, except wall-clock timings, the settings provenance
(digest and changed values: ALTO processingStepSettings, JSON keys, the METS checksums of those ALTO files) and logs.
Usage: python bench/compare_outputs.py BEFORE AFTER  (two bench/sample_outputs.sh trees)"""

import json
import sys
from pathlib import Path

a, b = Path(sys.argv[1]), Path(sys.argv[2])


def norm(p):
    if p.suffix == ".json":
        d = json.loads(p.read_text())
        for k in ("timings", "settings_digest", "settings_changed"):
            d.get("page", {}).pop(k, None)
        for page in d.get("pages", []):
            page.pop("timings", None)
        return json.dumps(d, sort_keys=True, ensure_ascii=False)
    import re

    data = p.read_bytes()
    if p.name.endswith(".alto.xml"):  # settings provenance (intended change)
        data = re.sub(rb"; settings digest: [0-9a-f]+(; settings changed: [^<]*)?", b"", data)
    if p.name.endswith(".mets.xml"):  # checksums of the ALTO files, which carry the provenance
        data = re.sub(rb'CHECKSUM="[0-9a-f]+"', b"", data)
    return data


fa = {p.relative_to(a) for p in a.rglob("*") if p.is_file() and p.suffix != ".log"}
fb = {p.relative_to(b) for p in b.rglob("*") if p.is_file() and p.suffix != ".log"}
bad = 0
for r in sorted(fa ^ fb):
    print("only in one:", r)
    bad += 1
for r in sorted(fa & fb):
    if norm(a / r) != norm(b / r):
        print("differs:", r)
        bad += 1
print(f"{len(fa & fb)} files compared, {bad} differences")
sys.exit(1 if bad else 0)
