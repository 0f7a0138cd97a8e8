"""Fonts found by name on the system, through fontconfig: a copy of the carried
FandolFang renamed to the family 仿宋_GB2312 (PostScript name FangSong_GB2312,
as the real font calls itself), made with fontTools and installed for
fontconfig in a temporary folder (FONTCONFIG_FILE naming only that folder).
With no change to nianbao.yaml, the sample speech's PDF sets its body in that
font (pdffonts, and pdfminer for the body's characters), the DOCX names and
embeds it, and `nianbao fonts` says where it was found. Without the folder,
the same render uses the carried FandolFang."""

import io
import os
import pathlib
import re
import subprocess
import zipfile

from _common import BIN, ROOT, Checks, build, tempdir
from fontTools.ttLib import TTFont

DATA = ROOT / "data" / "xiangyuan" / "2018.yaml"


def renamed_font(dest):
    """FandolFang as 仿宋_GB2312 / FangSong_GB2312."""
    f = TTFont(str(ROOT / "fonts" / "FandolFang-Regular.otf"))
    names = f["name"]
    for rec in list(names.names):
        if rec.nameID in (1, 3, 4, 6, 16, 17):
            names.removeNames(nameID=rec.nameID)
    for lang, family in ((0x409, "FangSong_GB2312"), (0x804, "仿宋_GB2312")):
        names.setName(family, 1, 3, 1, lang)
        names.setName(family, 4, 3, 1, lang)
    names.setName("Regular", 2, 3, 1, 0x409)
    names.setName("FangSong_GB2312", 6, 3, 1, 0x409)
    names.setName("FangSong_GB2312 test copy", 3, 3, 1, 0x409)
    f["CFF "].cff.fontNames = ["FangSong_GB2312"]
    f.save(str(dest))


def run(args, out, env):
    r = subprocess.run([str(BIN), *args, "--out", str(out)] if args[0] == "render" else [str(BIN), *args],
                       cwd=ROOT, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise RuntimeError(f"nianbao {' '.join(args)} failed:\n{r.stderr}")
    return r


def body_fonts(pdf):
    """Font names of the 16 pt characters of the text block's body (pdfminer)."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar

    seen = {}

    def walk(o):
        if isinstance(o, LTChar):
            if abs(o.size - 16) < 0.6 and re.match(r"[\u4e00-\u9fff]", o.get_text()):
                name = o.fontname.split("+", 1)[-1]
                seen[name] = seen.get(name, 0) + 1
        elif hasattr(o, "__iter__"):
            for x in o:
                walk(x)

    for page in extract_pages(str(pdf)):
        walk(page)
    return seen


def docx_body_font(docx):
    """The Normal style's East Asian font, and the PostScript name of the font
    embedded under that name."""
    z = zipfile.ZipFile(docx)
    styles = z.read("word/styles.xml").decode()
    normal = re.search(r'w:styleId="Normal"[^>]*>.*?</w:style>', styles, re.S)
    name = re.search(r'w:eastAsia="([^"]+)"', normal.group(0)).group(1)
    table = z.read("word/fontTable.xml").decode()
    entry = re.search(r'<w:font w:name="' + re.escape(name) + r'">(.*?)</w:font>', table, re.S).group(1)
    rid, key = re.search(r'r:id="([^"]+)" w:fontKey="([^"]+)"', entry).groups()
    rels = z.read("word/_rels/fontTable.xml.rels").decode()
    target = re.search(r'Id="' + rid + r'"[^>]*Target="([^"]+)"', rels).group(1)
    h = re.sub(r"[{}-]", "", key)
    k = bytes(int(h[i:i + 2], 16) for i in range(0, 32, 2))[::-1]
    data = z.read("word/" + target)
    font = TTFont(io.BytesIO(bytes(b ^ k[i % 16] for i, b in enumerate(data[:32])) + data[32:]))
    return name, font["name"].getDebugName(6)


def main():
    build()
    c = Checks()
    with tempdir() as tmp:
        tmp = pathlib.Path(tmp)
        fonts = tmp / "fonts"
        fonts.mkdir()
        renamed_font(fonts / "fangsong_gb2312.otf")
        conf = tmp / "fonts.conf"
        conf.write_text(f'<?xml version="1.0"?>\n<fontconfig><dir>{fonts}</dir></fontconfig>\n', encoding="utf-8")
        fc = subprocess.run(["fc-list", ":family=仿宋_GB2312", "file"], capture_output=True, text=True,
                            env={**os.environ, "FONTCONFIG_FILE": str(conf)})
        c.check("fontconfig sees the renamed copy as 仿宋_GB2312", str(fonts) in fc.stdout, fc.stdout + fc.stderr)

        before = (ROOT / "nianbao.yaml").read_bytes()
        env = {**os.environ, "FONTCONFIG_FILE": str(conf), "SOURCE_DATE_EPOCH": "1523404800"}
        out = tmp / "out"
        run(["render", str(DATA), "--format", "pdf,docx"], out, env)
        [pdf] = out.glob("*/*/*.pdf")
        [docx] = out.glob("*/*/*.docx")

        listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
        c.check("pdffonts: the body font is the system's 仿宋_GB2312 (FangSong_GB2312), FandolFang gone",
                "+FangSong_GB2312 " in listing and "FandolFang" not in listing, listing)
        seen = body_fonts(pdf)
        c.check("pdfminer: every 16 pt body character is set in FangSong_GB2312",
                seen and set(seen) <= {"FangSong_GB2312", "FandolKai-Regular", "FandolHei-Regular",
                                       "NotoSerifCJKsc-Regular"}
                and max(seen, key=seen.get) == "FangSong_GB2312", str(seen))

        name, ps = docx_body_font(docx)
        c.check("the DOCX names 仿宋_GB2312 for the body and embeds the system's font under that name",
                name.startswith("仿宋_GB2312 ") and ps.startswith("FangSong_GB2312-"), f"{name} / {ps}")

        listing = run(["fonts"], out, env).stdout
        fang = next((l for l in listing.splitlines() if l.startswith("fang ")), "")
        c.check("nianbao fonts: fang found on the system, with its file", "系统" in fang and str(fonts) in fang, fang)
        c.check("nianbao.yaml unchanged", (ROOT / "nianbao.yaml").read_bytes() == before, "changed")

        # The same render without the folder: the carried FandolFang.
        plain = tmp / "plain"
        run(["render", str(DATA), "--format", "pdf,docx"], plain, {**os.environ, "SOURCE_DATE_EPOCH": "1523404800"})
        [pdf] = plain.glob("*/*/*.pdf")
        [docx] = plain.glob("*/*/*.docx")
        listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
        name, ps = docx_body_font(docx)
        c.check("without it: FandolFang in the PDF, and embedded in the DOCX under the official name",
                "+FandolFang-Regular " in listing and name.startswith("仿宋_GB2312 ")
                and ps.startswith("FandolFang-Regular-"), f"{listing}\n{name} / {ps}")
    c.finish()


if __name__ == "__main__":
    main()
