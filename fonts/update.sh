#!/usr/bin/env bash
# Rebuild fonts/ from Debian's packages (see README.md). Needs apt-get and
# python3 with fontTools (pip install fonttools).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download texlive-lang-chinese fonts-noto-cjk
for deb in *.deb; do dpkg-deb -x "$deb" x; done
fandol=x/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol
for f in FandolSong-Regular FandolSong-Bold FandolFang-Regular FandolHei-Regular FandolKai-Regular; do
  cp "$fandol/$f.otf" "$here/"
done
zcat x/usr/share/doc/texlive-doc/fonts/fandol/COPYING.gz > "$here/LICENSE-Fandol-GPL-3.0.txt"
python3 - "$here/NotoSerifCJKsc-Regular.otf" <<'PY'
import sys
from fontTools.ttLib import TTCollection
# Face 2 of the collection is Noto Serif CJK SC; lazy loading copies its tables
# unchanged, and the head timestamp is kept so the output is reproducible.
TTCollection("x/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", lazy=True, recalcTimestamp=False, recalcBBoxes=False).fonts[2].save(sys.argv[1])
PY
cd "$here" && sed -n '/^```$/,/^```$/p' README.md | grep otf | sha256sum -c
