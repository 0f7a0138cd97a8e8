"""Conformance of the DOCX output, read by programs this project did not write:
python-docx opens every sample and finds the GB/T 9704 page; pandoc's reading
carries the Markdown output's paragraphs in order (Word list numbers
aside, which pandoc does not print); the embedded fonts deobfuscate into fonts
fontTools reads; two renders give the same bytes; python-docx finds an inline
chart for each chart of the Markdown output, and openpyxl reads each chart's
embedded workbook as the chart's table of figures; and LibreOffice converts the
document to PDF whose text (pdftotext) holds the data, each chart's title,
series and category names, and a "— N —" page number on every page."""

import io
import json
import os
import pathlib
import re
import subprocess
import sys
import zipfile

from _common import Checks, build, norm, render, samples, strings, tempdir

import docx
import yaml
from docx.enum.shape import WD_INLINE_SHAPE

# GB/T 15834 / clreq: marks that never start a line, and that never end one.
NO_START = set("、，。．：；！？”’」』）】〗〕］｝》〉%‰℃·…")
NO_END = set("“‘「『（【〖〔［｛《〈")
HEADING_LABEL = re.compile(r"^(第[一二三四五六七八九十]+[章节]|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+．|（\d+）)")

LABEL = re.compile(r"^(（?[一二三四五六七八九十百\d]+[）、．]|（[一二三四五六七八九十百\d]+）|第[一二三四五六七八九十百]+[章节])")


def md_paragraphs(md):
    """The Markdown output's paragraphs as printed: markup and heading labels
    removed, each table cell on its own, whitespace removed; charts left out
    (their text is in the chart part, not the body)."""
    out = []
    in_chart = False
    for line in md.splitlines():
        line = line.strip()
        if line.startswith("```"):
            in_chart = line == "```chart"
            continue
        if in_chart or not line or line == "***" or re.fullmatch(r"\|[\s:|-]+\|", line):
            continue
        line = re.sub(r"^#+\s*", "", line)
        cells = [c.strip() for c in line.strip("|").split(" | ")] if line.startswith("|") else [line]
        for c in cells:
            c = re.sub(r"\\(.)", r"\1", c.replace("**", ""))
            c = LABEL.sub("", c)
            if norm(c):
                out.append(norm(c))
    return out


def md_charts(md):
    """The charts of the Markdown output (```chart blocks of YAML), in order."""
    return [yaml.safe_load(b.split("```", 1)[0]) for b in md.split("```chart\n")[1:]]


def chart_widths(charts):
    """Each chart's width in mm: the text block's, or a little under half of it
    for two charts of one or two categories side by side (paired in order)."""
    widths, k = [156] * len(charts), 0
    while k + 1 < len(charts):
        if len(charts[k]["categories"]) <= 2 and len(charts[k + 1]["categories"]) <= 2:
            widths[k] = widths[k + 1] = 75
            k += 2
        else:
            k += 1
    return widths


def chart_texts(chart):
    """What a chart prints as text: title, series (legend) and category names."""
    return [norm(x) for x in [chart["title"], *chart["series"], *(cat["name"] for cat in chart["categories"])]]


def meta_text(v):
    """The text of pandoc AST nodes in document order: a metadata value, or the
    blocks (a table's cells row by row, a line break as a space)."""
    if isinstance(v, dict):
        if v.get("t") == "Str":
            return v["c"]
        if v.get("t") in ("Space", "SoftBreak", "LineBreak"):
            return " "
        return meta_text(v.get("c", ""))
    if isinstance(v, list):
        return "".join(meta_text(x) for x in v)
    return v if isinstance(v, str) else ""


def heading_labels(pdf):
    """The heading labels (一、 （一） 1． …) that start a line of a PDF's text, in order."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    out = []
    for line in text.splitlines():
        m = HEADING_LABEL.match(re.sub(r"\s+", "", line))
        if m:
            out.append(m.group(0))
    return out


def text_lines(pdf):
    """Per page, the lines of the text block as lists of (char, size), left to
    right: characters grouped by baseline (a table row is one line)."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar

    def chars(o):
        if isinstance(o, LTChar):
            yield o
        elif hasattr(o, "__iter__"):
            for x in o:
                yield from chars(x)

    bottom = (297 - 37 - 225) * 72 / 25.4  # the text block's foot, points from the page's foot
    pages = []
    for page in extract_pages(str(pdf), laparams=LAParams(char_margin=50, line_margin=0.01)):
        rows = {}
        for ch in chars(page):
            if ch.get_text().strip() and ch.y0 > bottom - 3:
                rows.setdefault(round(ch.matrix[5]), []).append(ch)
        lines, last = [], None
        for base in sorted(rows, reverse=True):
            row = [(c.x0, c.get_text(), round(c.size, 1)) for c in rows[base]]
            if last is not None and last - base <= 2:  # the same baseline, rounded apart
                lines[-1] += row
            else:
                lines.append(row)
            last = base
        pages.append([[(t, size) for _, t, size in sorted(line)] for line in lines])
    return pages


def deobfuscate(data, key):
    h = re.sub(r"[{}-]", "", key)
    k = bytes(int(h[i:i + 2], 16) for i in range(0, 32, 2))[::-1]
    return bytes(b ^ k[i % 16] for i, b in enumerate(data[:32])) + data[32:]


def main():
    build()
    c = Checks()
    from fontTools.ttLib import TTFont

    with tempdir() as out, tempdir() as again:
        for data in samples():
            name = f"{data.parent.name}/{data.name}"
            [path] = render(data, "docx", out)
            [md] = render(data, "md", out)
            [path2] = render(data, "docx", again)
            c.check(f"{name}: identical bytes across renders", path.read_bytes() == path2.read_bytes())

            d = docx.Document(str(path))
            s = d.sections[0]
            geo = [round(x.mm) for x in (s.page_width, s.page_height, s.top_margin, s.bottom_margin,
                                          s.left_margin, s.right_margin)]
            c.check(f"{name}: python-docx reads A4 with 37/35/28/26 mm margins", geo == [210, 297, 37, 35, 28, 26],
                    str(geo))
            c.check(f"{name}: python-docx reads the title", bool(d.core_properties.title))
            text = norm("".join(p.text for p in d.paragraphs)
                        + "".join(cell.text for t in d.tables for r in t.rows for cell in r.cells))
            missing = [x for x in strings(data) if x not in text]
            c.check(f"{name}: data text in python-docx's reading", not missing, f"missing {missing[:3]}")
            c.check(f"{name}: no figure reference left unresolved", "{=" not in text,
                    text[text.find("{="):][:40])
            charts = md_charts(md.read_text(encoding="utf-8"))
            if charts:
                shapes = [sh for sh in d.inline_shapes if sh.type == WD_INLINE_SHAPE.CHART]
                c.check(f"{name}: python-docx finds an inline chart per chart, the text block or half of it wide",
                        [round(sh.width.mm) for sh in shapes] == chart_widths(charts),
                        f"{[round(sh.width.mm) for sh in shapes]} mm for {chart_widths(charts)}")
                import openpyxl

                zf, wrong = zipfile.ZipFile(path), []
                for i, ch in enumerate(charts, 1):
                    book = zf.read(f"word/embeddings/Microsoft_Excel_Worksheet{i}.xlsx")
                    ws = openpyxl.load_workbook(io.BytesIO(book)).active
                    want = [[None, *ch["series"]]] + [[cat["name"], *cat["values"]] for cat in ch["categories"]]
                    got = [[cell.value for cell in row] for row in ws.iter_rows()]
                    if got != want:
                        wrong.append(f"chart {i}: {got} != {want}")
                c.check(f"{name}: openpyxl reads each chart's embedded workbook as its figures", not wrong,
                        str(wrong[:1]))

            # pandoc takes the Title, Subtitle and Date paragraphs as metadata. Its
            # document tree, not its plain-text output, whose grid tables set the
            # lines of a wrapped cell beside its neighbours' lines.
            tree = json.loads(subprocess.run(["pandoc", "-f", "docx", "-t", "json", str(path)],
                                             capture_output=True, text=True, check=True).stdout)
            head = "".join(meta_text(tree["meta"][k]) for k in ("title", "subtitle", "date") if k in tree["meta"])
            plain = norm(head + meta_text(tree["blocks"]))
            at, lost = 0, []
            for p in md_paragraphs(md.read_text(encoding="utf-8")):
                i = plain.find(p, at)
                if i < 0:
                    lost.append(p)
                else:
                    at = i + len(p)
            c.check(f"{name}: pandoc's text is the Markdown text, in order", not lost, f"not found: {lost[:2]}")

            z = zipfile.ZipFile(path)
            table = z.read("word/fontTable.xml").decode()
            rels = z.read("word/_rels/fontTable.xml.rels").decode()
            fonts, bad = [], []
            for rid, key in re.findall(r'<w:embedRegular r:id="([^"]+)" w:fontKey="([^"]+)"', table):
                target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"', rels).group(1)
                try:
                    f = TTFont(io.BytesIO(deobfuscate(z.read("word/" + target), key)))
                    fonts.append(f["name"].getDebugName(1))
                    if "glyf" not in f:
                        bad.append(f"{target}: no glyf")
                except Exception as e:  # noqa: BLE001
                    bad.append(f"{target}: {e}")
            c.check(f"{name}: embedded fonts decode to TrueType fonts", fonts and not bad, f"{fonts} {bad}")

            r = subprocess.run(["soffice", f"-env:UserInstallation=file://{out}/lo-profile", "--headless",
                                "--convert-to", "pdf", "--outdir", str(out), str(path)],
                               capture_output=True, text=True, timeout=300)
            pdf = pathlib.Path(out) / (path.stem + ".pdf")
            c.check(f"{name}: LibreOffice converts it to PDF", pdf.exists(), (r.stderr or r.stdout)[-200:])
            if not pdf.exists():
                continue
            def pdftext(*mode):
                t = subprocess.run(["pdftotext", *mode, "-enc", "UTF-8", str(pdf), "-"],
                                   capture_output=True, text=True, check=True).stdout.split("\f")
                return [p for p in t if p.strip()]

            # Raw order keeps a table cell's lines together; reading order keeps
            # synthetic bold (drawn twice) whole. A string counts when either has it.
            pages, reading = pdftext("-raw"), pdftext()
            folio = re.compile(r"—\s*(\d+)\s*—")
            wrong = [i + 1 for i, p in enumerate(pages) if str(i + 1) not in folio.findall(p)]
            c.check(f"{name}: LibreOffice prints — N — on every page", pages and not wrong,
                    f"{len(pages)} pages, wrong on {wrong[:5]}")
            # LibreOffice 7.4 reads w:overflowPunct inverted (the document forbids
            # hanging punctuation, as GB/T 9704 and Word read it, so LibreOffice hangs
            # it) and then draws no glyph for a mark it hangs: compare without the
            # marks that can hang; everything else must be there.
            hang = re.compile(r"[、，。．；：！？]")
            bodies = [hang.sub("", norm("".join(folio.sub("", p) for p in t))) for t in (pages, reading)]
            missing = [x for x in strings(data) if not any(hang.sub("", x) in b for b in bodies)]
            c.check(f"{name}: data text in LibreOffice's PDF (hanging marks aside)", not missing,
                    f"missing {missing[:3]}")
            if charts:
                # LibreOffice draws the charts with their text as text.
                plain = [norm("".join(t)) for t in (pages, reading)]
                lost = [x for ch in charts for x in chart_texts(ch) if not any(x in b for b in plain)]
                c.check(f"{name}: chart titles, series and categories in LibreOffice's PDF", not lost,
                        f"missing {lost[:3]}")

            # Heading numbers are Word list numbering: LibreOffice must count them
            # as nianbao's own PDF prints them (it ignores w:lvlRestart).
            [own] = render(data, "pdf", out)
            ours, theirs = heading_labels(own), heading_labels(pdf)
            c.check(f"{name}: LibreOffice numbers the headings as nianbao's PDF does", ours == theirs,
                    f"PDF {' '.join(ours[:12])} / LibreOffice {' '.join(theirs[:12])}")

            lines = text_lines(pdf)
            body = [sum(1 for line in page if any(abs(size - 16) < 0.6 for _, size in line)) for page in lines]
            c.check(f"{name}: LibreOffice sets at most 22 body lines a page", max(body) <= 22, str(body))
            broken = [(i + 1, "".join(t for t, _ in line[-6:])) for i, page in enumerate(lines) for line in page
                      if line[0][0] in NO_START or line[-1][0] in NO_END]
            c.check(f"{name}: no line in LibreOffice's PDF starts or ends with a forbidden mark", not broken,
                    str(broken[:3]))
    c.finish()


if __name__ == "__main__":
    main()
