"""Conformance of the PDF output, judged by readers this project did not write:
poppler (pdffonts: every font embedded, subset, with a ToUnicode map; pdftotext:
the data's Chinese text is all there; pdfinfo: A4 pages and a title), qpdf
(--check: structure and streams) and mupdf (mutool draw renders without errors),
on every sample report. Renders twice to check the bytes are identical."""

import re
import tempfile

from _common import Checks, build, norm, render, run, samples, strings, tempdir



def page_texts(pdf):
    """pdftotext's text per page, whitespace removed, the page number "— N —" dropped."""
    rc, out, err = run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"])
    return rc, [re.sub(r"[—－-]+\d+[—－-]+$", "", norm(t)) for t in out.split("\f")], err


def main():
    build()
    c = Checks()
    with tempdir() as out, tempdir() as again:
        for data in samples():
            name = f"{data.parent.name}/{data.name}"
            [pdf] = render(data, "pdf", out)
            [pdf2] = render(data, "pdf", again)
            c.check(f"{name}: same bytes on a second render", pdf.read_bytes() == pdf2.read_bytes(), "differ")

            rc, fonts, err = run(["pdffonts", str(pdf)])
            rows = [l.split() for l in fonts.splitlines()[2:] if l.strip()]
            bad = [r[0] for r in rows if r[-5:-2] != ["yes", "yes", "yes"]]
            c.check(f"{name}: pdffonts: all fonts embedded, subset, with ToUnicode",
                    rc == 0 and rows and not bad, err.strip() or f"{len(rows)} fonts; not emb/sub/uni: {bad}")

            rc, qout, qerr = run(["qpdf", "--check", str(pdf)])
            c.check(f"{name}: qpdf --check", rc == 0 and "No syntax or stream encoding errors" in qout,
                    (qout + qerr).strip()[-200:])

            with tempfile.TemporaryDirectory() as d:
                rc, _, merr = run(["mutool", "draw", "-q", "-r", "20", "-o", f"{d}/p%d.png", str(pdf)])
            errs = [l for l in merr.splitlines() if ("error" in l.lower() or "warning" in l.lower())
                    and "ICC support is not available" not in l]
            c.check(f"{name}: mutool draw renders without errors", rc == 0 and not errs, "; ".join(errs)[:200])

            rc, texts, err = page_texts(pdf)
            text = "".join(texts)
            missing = [s for s in strings(data) if s not in text]
            c.check(f"{name}: pdftotext holds the data's text", rc == 0 and not missing,
                    err.strip() or f"missing {len(missing)}: {[m[:30] for m in missing[:3]]}")
            c.check(f"{name}: no replacement characters", "\ufffd" not in text, "U+FFFD in the text")
            c.check(f"{name}: no figure reference left unresolved", "{=" not in text,
                    text[text.find("{="):][:40])

            rc, info, err = run(["pdfinfo", str(pdf)])
            size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
            a4 = size and abs(float(size.group(1)) - 595.28) < 1 and abs(float(size.group(2)) - 841.89) < 1
            c.check(f"{name}: A4 pages", rc == 0 and a4, size.group(0) if size else err.strip())
            c.check(f"{name}: a title in the metadata", re.search(r"^Title:\s+\S", info, re.M), "no Title")

            rc, outline, err = run(["mutool", "show", str(pdf), "outline"])
            c.check(f"{name}: bookmarks", rc == 0 and len([l for l in outline.splitlines() if l.strip()]) >= 2,
                    err.strip() or "fewer than 2 bookmarks")
    c.finish()


if __name__ == "__main__":
    main()
