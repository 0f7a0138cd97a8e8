"""`nianbao import` reads a DOCX that LibreOffice wrote, with Word's own
numbering on its headings (the numbers are not in the text), into the same
structure as the seed's plain text:

* seed 003's text becomes a flat ODT whose headings (一、 （一） 1．, recognised
  here by their typed numbers, which are then dropped) are outline levels 1-3
  numbered by the outline style (一、 （一） 1．), and LibreOffice converts it
  to DOCX;
* the DOCX has Word numbering (numbering.xml, headings with numPr through
  their style or themselves) and no typed number in its headings' text;
* `nianbao import --dry-run` prints the same outline for the DOCX as for the
  text, and the data files written from each hold the same headings, items,
  points and paragraphs."""

import html
import pathlib
import re
import subprocess
import tempfile
import zipfile

import yaml
from _common import BIN, ROOT, Checks, build, tempdir

# The seeds beside the repository, or where the project's machines keep them
# (as tests/import.rs finds them).
SEEDS = next((d for d in (ROOT.parent / "shared" / "seeds", pathlib.Path("/work/shared/seeds")) if d.is_dir()),
             ROOT.parent / "shared" / "seeds")
LEVELS = [
    (1, re.compile(r"^[一二三四五六七八九十]+、")),
    (2, re.compile(r"^（[一二三四五六七八九十]+）")),
    (3, re.compile(r"^\d{1,2}．")),
]

FODT_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:styles>
 <text:outline-style style:name="Outline">
  <text:outline-level-style text:level="1" style:num-format="一, 二, 三, ..." style:num-suffix="、"/>
  <text:outline-level-style text:level="2" style:num-format="一, 二, 三, ..." style:num-prefix="（" style:num-suffix="）"/>
  <text:outline-level-style text:level="3" style:num-format="1" style:num-suffix="．"/>
 </text:outline-style>
</office:styles>
<office:body><office:text>
"""


def spaces(s):
    """Runs of spaces kept (ODF collapses them unless written as text:s)."""
    return re.sub(r"  +", lambda m: f'<text:s text:c="{len(m.group(0))}"/>', s)


def fodt(text):
    """The seed as flat ODT: headings by their typed numbers, numbers dropped."""
    out = [FODT_HEAD]
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        level = next((lv for lv, rx in LEVELS if rx.match(line)), None)
        if level:
            body = next(rx for lv, rx in LEVELS if lv == level).sub("", line, count=1)
            out.append(f'<text:h text:outline-level="{level}">{spaces(html.escape(body))}</text:h>\n')
        else:
            out.append(f"<text:p>{spaces(html.escape(line))}</text:p>\n")
    out.append("</office:text></office:body></office:document>\n")
    return "".join(out)


def nianbao(*args, cwd):
    return subprocess.run([str(BIN), *map(str, args)], cwd=cwd, capture_output=True, text=True)


def shape(data):
    """Headings, items, points and paragraphs of a data file, texts whitespace-free."""
    def clean(v):
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        if isinstance(v, list):
            return [clean(x) for x in v]
        return re.sub(r"\s", "", v) if isinstance(v, str) else v
    doc = yaml.safe_load(data)
    return clean({k: doc.get(k) for k in ("kind", "title", "opening", "review", "plan", "closing")})


def main():
    c = Checks()
    build()
    seed = next(SEEDS.glob("003_*.txt"))
    with tempdir() as d:
        d = pathlib.Path(d)
        (d / "speech.fodt").write_text(fodt(seed.read_text(encoding="utf-8")), encoding="utf-8")
        with tempfile.TemporaryDirectory(prefix="nianbao-lo-") as profile:
            subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                            "docx:MS Word 2007 XML", "--outdir", str(d), str(d / "speech.fodt")],
                           check=True, capture_output=True, timeout=300)
        docx = d / "speech.docx"
        c.check("LibreOffice wrote the DOCX", docx.is_file())
        z = zipfile.ZipFile(docx)
        document = z.read("word/document.xml").decode()
        styles = z.read("word/styles.xml").decode()
        c.check("the DOCX numbers its headings with Word numbering",
                "word/numbering.xml" in z.namelist() and "<w:numPr>" in document + styles,
                "no numbering.xml or numPr")
        texts = ["".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", p)) for p in re.findall(r"<w:p[ >].*?</w:p>", document, re.S)]
        c.check("no heading carries a typed number",
                not any(t.startswith("一、2017年") or t.startswith("（一）深化") for t in texts))

        text_outline = nianbao("import", seed, "--dry-run", "-o", "data/xiangyuan/2018.yaml", cwd=d)
        docx_outline = nianbao("import", docx, "--dry-run", "-o", "data/xiangyuan/2018.yaml", cwd=d)
        c.check("both import", text_outline.returncode == 0 and docx_outline.returncode == 0,
                text_outline.stderr + docx_outline.stderr)
        c.check("the same outline", text_outline.stdout == docx_outline.stdout,
                f"text:\n{text_outline.stdout}\ndocx:\n{docx_outline.stdout}")
        print(docx_outline.stdout)

        a = nianbao("import", seed, "-o", "text/xiangyuan/2018.yaml", cwd=d)
        b = nianbao("import", docx, "-o", "docx/xiangyuan/2018.yaml", cwd=d)
        c.check("both written", a.returncode == 0 and b.returncode == 0, a.stderr + b.stderr)
        sa = shape((d / "text/xiangyuan/2018.yaml").read_text(encoding="utf-8"))
        sb = shape((d / "docx/xiangyuan/2018.yaml").read_text(encoding="utf-8"))
        for part in sa:
            c.check(f"the same {part}", sa[part] == sb[part], f"\ntext: {str(sa[part])[:400]}\ndocx: {str(sb[part])[:400]}")
    c.finish()


if __name__ == "__main__":
    main()
