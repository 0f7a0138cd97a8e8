"""Shared helpers for the conformance suite: build the release binary, find the
sample data files, render them into a temporary folder, and collect the Chinese
strings each data file holds (what every output must contain).

Each conformance script prints one PASS/FAIL line per check and exits 1 when
any check failed. The scripts drive third-party readers only; they never import
the project's own code.
"""

import os
import pathlib
import re
import subprocess
import sys
import tempfile

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")).resolve() / "release" / "nianbao"


def build():
    subprocess.run(["cargo", "build", "--release", "--locked", "-q"], cwd=ROOT, check=True)


def samples():
    """Every report of the repository (data/<county>/<year>.yaml but not the
    `kind: figures` files, which only feed the next year's report), sorted."""
    return sorted(
        p for p in (ROOT / "data").glob("*/*.yaml")
        if re.fullmatch(r"\d{4}", p.stem)
        and yaml.safe_load(p.read_text(encoding="utf-8-sig")).get("kind") != "figures"
    )


def render(data, fmt, out, *extra):
    """Render one data file; returns the paths written."""
    r = subprocess.run(
        [str(BIN), "render", str(data), "--format", fmt, "--out", str(out), *extra],
        cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "1523404800")},
    )
    if r.returncode != 0:
        raise RuntimeError(f"render {data} failed:\n{r.stderr}")
    return [pathlib.Path(line.split(" ", 1)[1]) for line in r.stderr.splitlines() if line.startswith("已生成 ")]


def strings(data, min_len=6):
    """Every text of a data file with at least `min_len` characters, four of
    them Chinese, whitespace removed: each must appear whole in every output
    (the same rule as the project's reference checkers). A figure reference
    (`{=signing_rate}`) prints as the figure, whose wording is nianbao's to
    choose, so a text holding one contributes the pieces around it instead."""
    doc = yaml.safe_load(pathlib.Path(data).read_text(encoding="utf-8-sig"))
    out = []

    def walk(v):
        if isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
        elif isinstance(v, str):
            for s in re.split(r"\{=[^{}]*\}", norm(v)):
                if len(s) >= min_len and len(re.findall(r"[\u3400-\u9fff]", s)) >= 4:
                    out.append(s)

    walk(doc)
    return out


def run(cmd):
    """A tool's exit code, output and errors (127 when it is not installed)."""
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        return p.returncode, p.stdout, p.stderr
    except FileNotFoundError:
        return 127, "", f"{cmd[0]}: not installed"


def norm(s):
    return re.sub(r"\s+", "", s)


class Checks:
    """Collects PASS/FAIL lines and the exit status."""

    def __init__(self):
        self.failed = 0
        self.passed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"PASS {name}")
        else:
            self.failed += 1
            print(f"FAIL {name}: {detail}")

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed")
        sys.exit(1 if self.failed else 0)


def tempdir():
    return tempfile.TemporaryDirectory(prefix="nianbao-conf-")
