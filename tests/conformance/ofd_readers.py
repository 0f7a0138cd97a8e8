"""Conformance of the OFD output (GB/T 33190-2016), judged by readers this
project did not write, all from PyPI and offline, against the PDF rendered
from the same layout in the same run:

- ofdkit (standard library only): the text of every page, run by run in
  drawing order, equals pdftotext -raw's (the PDF's drawing order, whitespace
  aside); each run starts where PyMuPDF finds the PDF's character; page count
  and page box equal pdfinfo's; the document information (title, author,
  creation date, DocID) is there;
- easyofd: parses every page; its text objects in drawing order equal
  pdftotext -raw's text, and it finds every font embedded;
- ofd2img (easyofd's drawing code, which draws each character with the font
  the OFD embeds, through reportlab): page 1 drawn to a PDF, rasterised by
  pdftoppm beside the PDF's page 1 at the same size; the lines of ink (the
  title and first lines) must lie where the PDF has them and the ink differ
  little; the pixel difference is printed;
- fontTools: every embedded font opens, is TrueType with a cmap that maps
  every character the pages set in it to an outline;
- lxml: the structure, since no package ships the GB/T 33190 schemas: the
  namespace, each part's root and required children in schema order, unique
  IDs up to MaxUnitID, every reference (font, page, file) resolving.

Renders twice to check the bytes are identical."""

import contextlib
import io
import logging
import os
import re
import warnings
import zipfile

from _common import Checks, build, norm, render, run, samples, tempdir

NS = "http://www.ofdspec.org/2016"
Q = "{%s}" % NS
A4 = (210.0, 297.0)
DPI = 100



def pdf_pages(pdf):
    """pdftotext -raw's text per page (in the order it is drawn),
    whitespace removed."""
    rc, out, err = run(["pdftotext", "-enc", "UTF-8", "-raw", str(pdf), "-"])
    if rc != 0:
        raise RuntimeError(err)
    pages = [norm(t) for t in out.split("\f")]
    return pages[:-1] if pages and not pages[-1] else pages


def pdf_info(pdf):
    rc, info, err = run(["pdfinfo", str(pdf)])
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    w, h = map(float, re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M).groups())
    return pages, (w * 25.4 / 72, h * 25.4 / 72)


# ---------------------------------------------------------------- structure

def structure(ofd):
    """Problems with the package's structure, as lxml reads it."""
    from lxml import etree

    problems = []
    z = zipfile.ZipFile(ofd)
    names = set(z.namelist())

    def part(name):
        if name not in names:
            problems.append(f"missing part {name}")
            return None
        root = etree.fromstring(z.read(name))
        if etree.QName(root).namespace != NS:
            problems.append(f"{name}: root not in {NS}")
        return root

    def children(el, *expected):
        """Element children's local names must follow `expected` (each name
        may repeat or be absent unless marked with a leading '!': required)."""
        got = [etree.QName(c).localname for c in el if isinstance(c.tag, str)]
        order = [e.lstrip("!") for e in expected]
        for req in (e[1:] for e in expected if e.startswith("!")):
            if req not in got:
                problems.append(f"{etree.QName(el).localname}: no {req}")
        idx = [order.index(g) if g in order else -1 for g in got]
        if -1 in idx:
            problems.append(f"{etree.QName(el).localname}: unexpected {got[idx.index(-1)]}")
        elif idx != sorted(idx):
            problems.append(f"{etree.QName(el).localname}: children out of schema order {got}")

    root = part("OFD.xml")
    if root is None:
        return problems
    if (root.get("Version"), root.get("DocType"), etree.QName(root).localname) != ("1.0", "OFD", "OFD"):
        problems.append("OFD.xml: root must be OFD with Version=1.0 DocType=OFD")
    body = root.find(Q + "DocBody")
    children(root, "!DocBody")
    children(body, "!DocInfo", "!DocRoot", "Versions", "Signatures")
    info = body.find(Q + "DocInfo")
    children(info, "!DocID", "Title", "Author", "Subject", "Abstract", "CreationDate", "ModDate", "DocUsage",
             "Cover", "Keywords", "Creator", "CreatorVersion", "CustomDatas")
    for d in ("CreationDate", "ModDate"):
        v = info.findtext(Q + d)
        if v is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
            problems.append(f"DocInfo/{d} is not an xs:date: {v}")
    doc_path = body.findtext(Q + "DocRoot")
    doc = part(doc_path)
    if doc is None:
        return problems
    base = os.path.dirname(doc_path)
    children(doc, "!CommonData", "!Pages", "Outlines", "Permissions", "Actions", "VPreferences", "Bookmarks",
             "Annotations", "CustomTags", "Attachments", "Extensions")
    common = doc.find(Q + "CommonData")
    children(common, "!MaxUnitID", "!PageArea", "PublicRes", "DocumentRes", "TemplatePage", "DefaultCS")
    children(common.find(Q + "PageArea"), "!PhysicalBox", "ApplicationBox", "ContentBox", "BleedBox")
    max_id = int(common.findtext(Q + "MaxUnitID"))

    ids = {}

    def take_id(el, where):
        v = el.get("ID")
        if v is None or not v.isdigit():
            problems.append(f"{where}: {etree.QName(el).localname} without an ID")
            return
        if v in ids:
            problems.append(f"{where}: ID {v} used twice")
        ids[v] = etree.QName(el).localname
        if int(v) > max_id:
            problems.append(f"{where}: ID {v} above MaxUnitID {max_id}")

    fonts = {}
    for res_path in common.findall(Q + "PublicRes"):
        res_name = f"{base}/{res_path.text}"
        res = part(res_name)
        if res is None:
            continue
        res_base = f"{os.path.dirname(res_name)}/{res.get('BaseLoc')}"
        for font in res.iter(Q + "Font"):
            take_id(font, res_name)
            children(font, "FontFile")
            if not font.get("FontName"):
                problems.append(f"{res_name}: Font {font.get('ID')} without FontName")
            f = font.findtext(Q + "FontFile")
            if f is None or f"{res_base}/{f}" not in names:
                problems.append(f"{res_name}: Font {font.get('ID')} file {f} not in the package")
            else:
                fonts[font.get("ID")] = f"{res_base}/{f}"
    page_ids = []
    for page in doc.find(Q + "Pages").findall(Q + "Page"):
        take_id(page, doc_path)
        page_ids.append(page.get("ID"))
        content_name = f"{base}/{page.get('BaseLoc')}"
        content = part(content_name)
        if content is None:
            continue
        children(content, "Template", "PageRes", "Area", "Content", "Actions")
        for layer in content.iter(Q + "Layer"):
            take_id(layer, content_name)
        for obj in content.iter(Q + "TextObject", Q + "PathObject"):
            take_id(obj, content_name)
            if len((obj.get("Boundary") or "").split()) != 4:
                problems.append(f"{content_name}: object {obj.get('ID')} without a Boundary")
            if etree.QName(obj).localname == "TextObject":
                if obj.get("Font") not in fonts or obj.get("Size") is None:
                    problems.append(f"{content_name}: text {obj.get('ID')} font {obj.get('Font')} / size missing")
                children(obj, "Actions", "Clips", "FillColor", "StrokeColor", "CGTransform", "!TextCode")
                first = obj.find(Q + "TextCode")
                if first.get("X") is None or first.get("Y") is None:
                    problems.append(f"{content_name}: text {obj.get('ID')}: first TextCode without X and Y")
            else:
                children(obj, "Actions", "Clips", "StrokeColor", "FillColor", "!AbbreviatedData")
    for dest in doc.iter(Q + "Dest"):
        if dest.get("PageID") not in page_ids:
            problems.append(f"outline goes to page ID {dest.get('PageID')}, not a page")
    outlines = doc.find(Q + "Outlines")
    if outlines is not None:
        for el in outlines.iter(Q + "OutlineElem"):
            children(el, "Actions", "OutlineElem")
            if not el.get("Title"):
                problems.append("OutlineElem without a Title")
    return problems


# ---------------------------------------------------------------- fonts

def fonts(ofd):
    """(font ID → fontTools font, characters each font sets) and problems."""
    from fontTools.ttLib import TTFont
    from lxml import etree

    problems = []
    z = zipfile.ZipFile(ofd)
    res = etree.fromstring(z.read("Doc_0/PublicRes.xml"))
    files = {f.get("ID"): f"Doc_0/{res.get('BaseLoc')}/{f.findtext(Q + 'FontFile')}" for f in res.iter(Q + "Font")}
    used = {}
    for name in z.namelist():
        if name.endswith("Content.xml"):
            for obj in etree.fromstring(z.read(name)).iter(Q + "TextObject"):
                used.setdefault(obj.get("Font"), set()).update("".join(obj.itertext()))
    opened = {}
    for fid, path in files.items():
        try:
            font = TTFont(io.BytesIO(z.read(path)))
        except Exception as e:  # noqa: BLE001 - any failure to open is the finding
            problems.append(f"font {fid} ({path}) does not open: {e}")
            continue
        if "glyf" not in font:
            problems.append(f"font {fid} has no TrueType outlines")
        cmap = font.getBestCmap() or {}
        missing = sorted(c for c in used.get(fid, ()) if ord(c) not in cmap)
        if missing:
            problems.append(f"font {fid} does not map {''.join(missing[:10])}")
        glyf = font["glyf"] if "glyf" in font else None
        empty = [c for c in used.get(fid, ()) if ord(c) in cmap and glyf is not None
                 and glyf[cmap[ord(c)]].numberOfContours == 0]
        if empty:
            problems.append(f"font {fid}: no outline for {''.join(sorted(empty)[:10])}")
        opened[fid] = font
    unused = set(files) - set(used)
    if unused:
        problems.append(f"fonts embedded but not used: {sorted(unused)}")
    return opened, problems


def font_names(ofd):
    from lxml import etree

    res = etree.fromstring(zipfile.ZipFile(ofd).read("Doc_0/PublicRes.xml"))
    return [f.get("FontName") for f in res.iter(Q + "Font")]


# ---------------------------------------------------------------- readers

def origins(runs, pdf):
    """How far each of ofdkit's text runs (page millimetres) starts from the
    nearest origin of the same character in the PDF as PyMuPDF reads it: the
    largest distance, and the runs farther than 0.01 mm."""
    import pymupdf

    worst, strays = 0.0, []
    with pymupdf.open(pdf) as doc:
        for page, page_runs in zip(doc, runs):
            chars = {}
            for block in page.get_text("rawdict")["blocks"]:
                for line in block.get("lines", []):
                    for span in line["spans"]:
                        for ch in span["chars"]:
                            x, y = (v * 25.4 / 72 for v in ch["origin"])
                            chars.setdefault(ch["c"], []).append((x, y))
            for r in page_runs:
                d = min((max(abs(x - r.x), abs(y - r.y)) for x, y in chars.get(r.text[0], [])), default=float("inf"))
                worst = max(worst, d)
                if d > 0.01:
                    strays.append((page.number + 1, r.text[:8], round(r.x, 3), round(r.y, 3)))
    return worst, strays


@contextlib.contextmanager
def quiet_in(directory):
    """easyofd and ofd2img write temporary files into the current folder and
    log freely (from the moment they are imported): run them in a folder of
    their own, their chatter captured."""
    cwd = os.getcwd()
    os.chdir(directory)
    logging.disable(logging.CRITICAL)
    sink = io.StringIO()
    try:
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from loguru import logger
            logger.remove()
            logger.add(sink, level="WARNING")
            yield sink
    finally:
        os.chdir(cwd)
        logging.disable(logging.NOTSET)


def ofd2img_pdf(ofd, work):
    """ofd2img's PDF of the OFD, drawn with the embedded fonts, and its log.

    ofd2img 0.1.2 registers each embedded font under the name its drawer reads
    from the key "@FontName", while its parser stores the name under
    "FontName"; the fonts would be registered under their file names and
    never used. The key is copied so that the reader does what it means to
    (draw each text object with its font); nothing else is touched."""
    with quiet_in(work) as log:
        from ofd2img import OFD

        reader = OFD()
        reader.read(str(ofd), fmt="path")
        for font in reader.data[0]["fonts"].values():
            font.setdefault("@FontName", font.get("FontName"))
        pdf = reader.to_pdf()
    return pdf, log.getvalue()


def easyofd_pages(ofd, work):
    """easyofd's parse: per page, the text of its text objects; and the fonts
    it found embedded."""
    with quiet_in(work):
        from easyofd import OFD

        reader = OFD()
        reader.read(str(ofd), fmt="path")
    doc = reader.data[0]
    pages = [norm("".join(t.get("text", "") for t in doc["page_info"][k]["text_list"]))
             for k in sorted(doc["page_info"])]
    embedded = [f for f in doc["fonts"].values() if f.get("font_b64")]
    return pages, embedded, doc


def raster(pdf_path, page, out_png):
    """Page `page` as a greyscale image of an A4 page at DPI (ofd2img draws
    its pages larger than A4, at 200/25.4 points a millimetre: scaled to the
    same pixels)."""
    w, h = (round(mm / 25.4 * DPI) for mm in A4)
    rc, _, err = run(["pdftoppm", "-scale-to-x", str(w), "-scale-to-y", str(h), "-f", str(page), "-l", str(page),
                      "-gray", "-png", "-singlefile", str(pdf_path), str(out_png)[:-4]])
    if rc != 0:
        raise RuntimeError(err)
    from PIL import Image
    return Image.open(out_png).convert("L")


def ink_difference(a, b):
    """Compare two greyscale renderings of a page: (pixels inked in only one
    of them, allowing a one-pixel shift, as a share of the ink in either;
    share of the page's pixels that differ; the ink's bounding boxes)."""
    from PIL import ImageChops, ImageFilter

    if a.size != b.size:
        b = b.resize(a.size)
    ink_a = a.point(lambda v: 255 if v < 128 else 0)
    ink_b = b.point(lambda v: 255 if v < 128 else 0)
    near_a = ink_a.filter(ImageFilter.MaxFilter(3))
    near_b = ink_b.filter(ImageFilter.MaxFilter(3))
    only_a = ImageChops.subtract(ink_a, near_b)
    only_b = ImageChops.subtract(ink_b, near_a)
    count = lambda img: img.histogram()[255]  # noqa: E731
    either = count(ImageChops.lighter(ink_a, ink_b))
    stray = count(only_a) + count(only_b)
    differ = count(ImageChops.difference(ink_a, ink_b))
    total = a.size[0] * a.size[1]
    return stray / max(either, 1), differ / total, ink_a.getbbox(), ink_b.getbbox()


def ink_rows(img, top_share=0.45):
    """The bands of rows with ink in the top part of a page (its lines)."""
    w, h = img.size
    ink = img.point(lambda v: 255 if v < 128 else 0)
    rows = []
    for y in range(int(h * top_share)):
        rows.append(ink.crop((0, y, w, y + 1)).getbbox() is not None)
    bands, start = [], None
    for y, r in enumerate(rows + [False]):
        if r and start is None:
            start = y
        elif not r and start is not None:
            bands.append((start, y))
            start = None
    return bands


def main():
    build()
    import ofdkit

    c = Checks()
    figures = []
    with tempdir() as out, tempdir() as again, tempdir() as work:
        for data in samples():
            name = f"{data.parent.name}/{data.name}"
            written = render(data, "pdf,ofd", out)
            pdf = next(p for p in written if p.suffix == ".pdf")
            ofd = next(p for p in written if p.suffix == ".ofd")
            ofd2 = next(p for p in render(data, "ofd", again) if p.suffix == ".ofd")
            c.check(f"{name}: same bytes on a second render", ofd.read_bytes() == ofd2.read_bytes(), "differ")

            problems = structure(ofd)
            c.check(f"{name}: lxml: namespace, required elements in schema order, IDs, references",
                    not problems, "; ".join(problems[:5]))
            _, font_problems = fonts(ofd)
            c.check(f"{name}: fontTools: every font embedded, TrueType, mapping every character it sets",
                    not font_problems, "; ".join(font_problems[:5]))

            pdf_drawn = pdf_pages(pdf)
            pdf_count, pdf_size = pdf_info(pdf)
            with ofdkit.open(ofd) as doc:
                runs = [p.runs for p in doc.pages]
                boxes = [p.box for p in doc.pages]
                info = doc.info
            texts = [norm("".join(r.text for r in page)) for page in runs]
            c.check(f"{name}: ofdkit: {len(texts)} pages, as the PDF", len(texts) == pdf_count,
                    f"OFD {len(texts)}, PDF {pdf_count}")
            bad = [i + 1 for i, b in enumerate(boxes)
                   if abs(b[2] - A4[0]) > 0.01 or abs(b[3] - A4[1]) > 0.01
                   or abs(b[2] - pdf_size[0]) > 0.1 or abs(b[3] - pdf_size[1]) > 0.1]
            c.check(f"{name}: ofdkit: every page 210 x 297 mm, the PDF's size", not bad, f"pages {bad}: {boxes[0]}")
            differ = [i + 1 for i, (o, p) in enumerate(zip(texts, pdf_drawn)) if o != p]
            detail = ""
            if differ:
                i = differ[0] - 1
                at = next((k for k, (x, y) in enumerate(zip(texts[i], pdf_drawn[i])) if x != y),
                          min(len(texts[i]), len(pdf_drawn[i])))
                detail = f"pages {differ[:5]}; page {i + 1} at {at}: OFD …{texts[i][at:at + 20]} PDF …{pdf_drawn[i][at:at + 20]}"
            c.check(f"{name}: ofdkit: each page's text, in drawing order, equals pdftotext -raw's",
                    not differ and len(texts) == len(pdf_drawn), detail)
            worst, strays = origins(runs, pdf)
            print(f"     {sum(map(len, runs))} text runs; the farthest from where the PDF draws its first character: "
                  f"{worst:.4f} mm")
            c.check(f"{name}: ofdkit: each text run starts where PyMuPDF finds the PDF's character (0.01 mm)",
                    not strays, f"{len(strays)} runs off, e.g. {strays[:3]}")
            c.check(f"{name}: ofdkit: title, author, creation date, DocID",
                    info.title and info.author and info.creation_date and re.fullmatch(r"[0-9a-f]{32}", info.doc_id or ""),
                    str(info))

            pages, embedded, parsed = easyofd_pages(ofd, work)
            c.check(f"{name}: easyofd: each page's text objects equal pdftotext -raw's text", pages == pdf_drawn,
                    f"{len(pages)} pages; first differing "
                    f"{next((i + 1 for i, (o, p) in enumerate(zip(pages, pdf_drawn)) if o != p), None)}")
            c.check(f"{name}: easyofd: fonts embedded ({len(embedded)})",
                    embedded and len(embedded) == len(parsed["fonts"]), f"{len(embedded)} of {len(parsed['fonts'])}")

            drawn, log = ofd2img_pdf(ofd, work)
            drawn_pdf = os.path.join(work, "ofd2img.pdf")
            with open(drawn_pdf, "wb") as f:
                f.write(drawn)
            unregistered = re.findall(r"register_font_error[^\n]*\n[^\n]*", log)
            c.check(f"{name}: ofd2img: every embedded font loads", not unregistered, " | ".join(unregistered)[:200])
            rc, listed, _ = run(["pdffonts", drawn_pdf])
            tags = {f.split("+")[0] for f in font_names(ofd)}
            unused = sorted(t for t in tags if f"+{t}+" not in listed)
            c.check(f"{name}: ofd2img: draws the text with the fonts the OFD embeds", rc == 0 and not unused,
                    f"not drawn with {unused}")
            png_ofd = raster(drawn_pdf, 1, os.path.join(work, "ofd-1.png"))
            png_pdf = raster(pdf, 1, os.path.join(work, "pdf-1.png"))
            stray, differ_px, box_ofd, box_pdf = ink_difference(png_ofd, png_pdf)
            lines_ofd, lines_pdf = ink_rows(png_ofd), ink_rows(png_pdf)
            figures.append((name, stray, differ_px, len(lines_pdf)))
            print(f"     page 1 at {DPI} dpi: {stray:.2%} of the ink in only one rendering (1 px slack), "
                  f"{differ_px:.3%} of the page's pixels differ; ink box OFD {box_ofd} PDF {box_pdf}")
            same_lines = len(lines_ofd) == len(lines_pdf) and all(
                abs(a[0] - b[0]) <= 2 and abs(a[1] - b[1]) <= 2 for a, b in zip(lines_ofd, lines_pdf))
            c.check(f"{name}: ofd2img page 1: the title and first lines where the PDF has them",
                    same_lines, f"OFD bands {lines_ofd[:6]}, PDF {lines_pdf[:6]}")
            c.check(f"{name}: ofd2img page 1: under 3% of the ink differs from the PDF's", stray < 0.03,
                    f"{stray:.2%}")
    c.finish()


if __name__ == "__main__":
    main()
