#!/usr/bin/env python3
"""Whole-process cost of `nianbao render` for the seed-003 speech beside
Typst compiling the same speech to PDF from the same fonts (`make bench`).

The speech is nianbao's own Markdown output for data/xiangyuan/2018.yaml,
turned into Typst markup with the same page (A4, GB/T 9704 margins), faces
(the Fandol fonts nianbao ships, as nianbao sets them: title in FandolSong
bold, body FandolFang 16 pt, headings FandolHei and FandolKai) and the
attachment table. Typst runs in this process through the `typst` package
(PyPI), a fresh compile each time, fonts read afresh, system fonts ignored;
its figure leaves out Python's start-up, so the comparison favours Typst.
nianbao runs as the office writer runs it: a new process each time, with
--force so it does not skip an unchanged report.

Prints the median of each and the ratio; the goal (issue 20) is nianbao's
DOCX + PDF at most a quarter of Typst's PDF.

Usage: benches/typst_compare.py [NIANBAO] [RUNS]
"""

import pathlib
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = "data/xiangyuan/2018.yaml"


def typst_source(md: str) -> str:
    """The speech's Markdown as Typst markup, styled like nianbao's PDF."""
    out = [
        '#set page(paper: "a4", margin: (top: 37mm, bottom: 35mm, left: 28mm, right: 26mm),',
        '  footer: context align(center, text(font: "FandolSong", size: 14pt)[— #counter(page).display() —]))',
        '#set text(font: "FandolFang", size: 16pt, lang: "zh", region: "cn")',
        '#set par(justify: true, first-line-indent: (amount: 2em, all: true), leading: 12.9pt, spacing: 12.9pt)',
        '#show heading: set block(above: 12.9pt, below: 12.9pt)',
        '#show heading.where(level: 1): set text(font: "FandolSong", weight: "bold", size: 22pt)',
        '#show heading.where(level: 1): set align(center)',
        '#show heading.where(level: 2): set text(font: "FandolHei", weight: "regular", size: 16pt)',
        '#show heading.where(level: 3): set text(font: "FandolKai", weight: "regular", size: 16pt)',
        '#show heading.where(level: 4): set text(font: "FandolFang", weight: "bold", size: 16pt)',
        '#set table(inset: 4pt)',
        "",
    ]
    lines = md.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                cells = [c.strip() for c in lines[i].strip().strip("|").split("|")]
                if not all(re.fullmatch(r":?-+:?", c) for c in cells):
                    rows.append(cells)
                i += 1
            cols = len(rows[0])
            body = ", ".join("[" + escape(c) + "]" for r in rows for c in r)
            out.append(f"#text(size: 12pt, table(columns: {cols}, {body}))")
            out.append("")
            continue
        m = re.match(r"(#+) (.*)", line)
        if m:
            out.append("=" * len(m.group(1)) + " " + escape(m.group(2)))
        elif line.strip():
            out.append(escape(line))
        else:
            out.append("")
        i += 1
    return "\n".join(out) + "\n"


def escape(text: str) -> str:
    return re.sub(r"([\\#\[\]*_`$<>@=\-+/~])", r"\\\1", text)


def median_ms(fn, runs: int) -> float:
    fn()  # warm the disk cache
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> int:
    exe = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "target/release/nianbao").resolve()
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    try:
        import typst
    except ImportError:
        print("typst_compare: the `typst` package is not installed (pip install typst), skipped")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)

        def nianbao(fmt):
            subprocess.run(
                [exe, "render", DATA, "--force", "--format", fmt, "--out", tmp / "out"],
                cwd=ROOT, check=True, capture_output=True,
            )

        nianbao("md")
        md = next((tmp / "out").rglob("*.md")).read_text(encoding="utf-8")
        src = tmp / "speech.typ"
        src.write_text(typst_source(md), encoding="utf-8")
        fonts = [str(ROOT / "fonts")]

        def typst_pdf():
            typst.compile(str(src), output=str(tmp / "speech.pdf"), font_paths=fonts, ignore_system_fonts=True)

        t_typst = median_ms(typst_pdf, runs)
        pages = subprocess.run(["pdfinfo", tmp / "speech.pdf"], capture_output=True, text=True).stdout
        pages = re.search(r"Pages:\s+(\d+)", pages)
        print(f"Typst {typst.__version__} PDF: {t_typst:7.1f} ms (median of {runs}, "
              f"{pages.group(1) if pages else '?'} pages)")
        for fmt in ["pdf", "docx", "docx,pdf"]:
            t = median_ms(lambda: nianbao(fmt), runs)
            print(f"nianbao --format {fmt:9} {t:7.1f} ms  = {t / t_typst:.2f} of Typst's PDF")
    return 0


if __name__ == "__main__":
    sys.exit(main())
