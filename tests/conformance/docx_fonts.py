"""The DOCX's embedded fonts hold up in LibreOffice, with no CJK font installed:

* one `soffice --convert-to pdf` call converts every sample DOCX: each PDF sets
  every character in a font its own document embeds (pdffonts lists only those;
  pdfminer finds each character in the cmap of its document's font of that
  name), and gives the same text as converting that document alone;
* a paragraph appended with python-docx (Normal style) renders in the body's
  embedded font where that font has the glyphs: the document's own characters
  with the default subsets, any character of FandolFang with
  `--docx-fonts embed`;
* and the sizes of the three `--docx-fonts` modes are printed.

Word keeps one embedded font per name for a session too ([MS-OI29500]
2.1.260), which is why each document's subsets carry names of their own."""

import collections
import io
import os
import pathlib
import re
import subprocess
import tempfile
import zipfile

from _common import ROOT, Checks, build, norm, render, samples, tempdir
from fontTools.ttLib import TTFont

SPEECH = ROOT / "data" / "xiangyuan" / "2018.yaml"
# Common characters none of the samples uses (checked below): typed later by the writer.
TYPED = "蝴蝶翩跹鹦鹉"


def deobfuscate(data, key):
    h = re.sub(r"[{}-]", "", key)
    k = bytes(int(h[i:i + 2], 16) for i in range(0, 32, 2))[::-1]
    return bytes(b ^ k[i % 16] for i, b in enumerate(data[:32])) + data[32:]


def embedded(docx):
    """PostScript name -> the characters of every font the DOCX embeds (the
    name LibreOffice writes into its PDF), and the body's (Normal) font name."""
    z = zipfile.ZipFile(docx)
    table = z.read("word/fontTable.xml").decode()
    rels = dict(re.findall(r'Id="([^"]+)"[^>]*Target="([^"]+)"', z.read("word/_rels/fontTable.xml.rels").decode()))
    fonts = {}
    for body in re.findall(r'<w:font w:name="[^"]+">(.*?)</w:font>', table, re.S):
        for rid, key in re.findall(r'r:id="([^"]+)" w:fontKey="([^"]+)"', body):
            f = TTFont(io.BytesIO(deobfuscate(z.read("word/" + rels[rid]), key)))
            fonts[f["name"].getDebugName(6)] = set(map(chr, f.getBestCmap()))
    styles = z.read("word/styles.xml").decode()
    normal = re.search(r'w:styleId="Normal"[^>]*>.*?</w:style>', styles, re.S).group(0)
    return fonts, re.search(r'w:eastAsia="([^"]+)"', normal).group(1)


def convert(docx_files, outdir):
    """Every file in one LibreOffice session (a fresh profile)."""
    with tempfile.TemporaryDirectory(prefix="nianbao-lo-") as profile:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(outdir), *map(str, docx_files)], check=True, capture_output=True, timeout=600)
    return [outdir / (p.stem + ".pdf") for p in docx_files]


def lines(pdf):
    """Every text line of the PDF as [(character, PostScript name without subset tag)], per pdfminer."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar, LTTextLine

    out = []

    def walk(o):
        if isinstance(o, LTTextLine):
            out.append([(ch.get_text(), ch.fontname.split("+", 1)[-1]) for ch in o
                        if isinstance(ch, LTChar) and ch.get_text().strip()])
        elif hasattr(o, "__iter__"):
            for x in o:
                walk(x)

    for page in extract_pages(str(pdf)):
        walk(page)
    return out


def chars(pdf):
    """(PostScript name without subset tag, character) -> count."""
    return collections.Counter((font, ch) for line in lines(pdf) for ch, font in line)


def line_of(pdf, text):
    """The characters of the line that reads `text`."""
    return next((line for line in lines(pdf) if "".join(ch for ch, _ in line) == text), [])


def strays(pdf, fonts):
    """Characters set in a font the document does not embed, or that its
    embedded font of that name lacks."""
    bad = collections.Counter()
    for (font, ch), n in chars(pdf).items():
        if font not in fonts or any(c not in fonts[font] for c in ch):
            bad[font] += n
    return bad


def pdffonts(pdf):
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [line.split()[0].split("+", 1)[-1] for line in out.splitlines()[2:] if line.strip()]


def pdftext(pdf):
    return norm(subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True).stdout)


def append(docx, text, dest):
    import docx as python_docx

    d = python_docx.Document(str(docx))
    d.add_paragraph(text)
    d.save(str(dest))
    return dest


def main():
    build()
    c = Checks()
    with tempdir() as tmp:
        tmp = pathlib.Path(tmp)
        files = [render(data, "docx", tmp / "subset")[0] for data in samples()]
        c.check("the typed characters are in no sample", not any(ch in pathlib.Path(d).read_text(encoding="utf-8")
                                                              for d in samples() for ch in TYPED), TYPED)

        # Every sample in one LibreOffice session, and each alone.
        pdfs = convert(files, tmp / "lo")
        alone = [convert([f], tmp / f"alone-{i}")[0] for i, f in enumerate(files)]
        for data, docx, pdf, single in zip(samples(), files, pdfs, alone):
            name = f"{data.parent.name}/{data.name}"
            fonts, _ = embedded(docx)
            bad = strays(pdf, fonts)
            c.check(f"{name}: one session, every character in a font its own document embeds", not bad, dict(bad))
            listed = set(pdffonts(pdf))
            c.check(f"{name}: pdffonts lists only the document's embedded fonts", listed <= set(fonts),
                    str(listed - set(fonts)))
            text, own = pdftext(pdf), pdftext(single)
            c.check(f"{name}: one session, the same text as converting the document alone", text == own,
                    f"{len(text)} / {len(own)} characters")

        # A paragraph appended with python-docx, in the body's (Normal) embedded font.
        speech = next(f for f in files if "讲话" in f.name)
        whole = render(SPEECH, "docx", tmp / "embed", "--docx-fonts", "embed")[0]
        own = "同志们，我们要以健康建设为统领。"
        for mode, docx, text in (("subset", speech, own), ("embed", whole, TYPED)):
            fonts, _ = embedded(docx)
            body_ps = next(ps for ps in fonts if ps.startswith("FandolFang-Regular-"))
            appended = append(docx, text, tmp / f"appended-{mode}.docx")
            [pdf] = convert([appended], tmp / f"lo-{mode}")
            line = line_of(pdf, text)
            where = {font for _, font in line}
            c.check(f"--docx-fonts {mode}: an appended paragraph “{text}” renders in the embedded body font",
                    line and where == {body_ps} and all(ch in fonts[body_ps] for ch in text), str(line))

        # What the default subsets cannot do: characters typed later fall back (documented).
        appended = append(speech, TYPED, tmp / "appended-typed.docx")
        [pdf] = convert([appended], tmp / "lo-typed")
        fonts, _ = embedded(appended)
        body = next(ps for ps in fonts if ps.startswith("FandolFang-Regular-"))
        used = sorted({font for (font, ch), _ in chars(pdf).items() if ch in TYPED})
        lacking = "".join(ch for ch in TYPED if ch not in fonts[body])
        print(f"info: with the default subsets, {TYPED} typed later is set in {used}; the embedded body subset "
              f"lacks {lacking} (LibreOffice falls back to an installed CJK font, none here)")

        # Sizes per mode (seed 003).
        for mode in ("subset", "embed", "names"):
            [docx] = render(SPEECH, "docx", tmp / f"size-{mode}", "--docx-fonts", mode)
            print(f"info: xiangyuan/2018.yaml --docx-fonts {mode}: {os.path.getsize(docx):,} bytes")
    c.finish()


if __name__ == "__main__":
    main()
