"""Conformance of the figures workbook and the comparison, with third-party
spreadsheet software:

* openpyxl reads the comparison `nianbao table` writes from the samples: the
  header (names with units merged over five columns, the column headings), the
  values as numbers, the number formats, the frozen header, byte-identical on a
  second run; and the CSV with Python's csv module;
* LibreOffice converts the sample workbook `data/指标.xlsx` to ODS, and the
  samples rendered with their figures from that ODS are the same as from the
  XLSX (percent cells, merged header, ids row all read from the ODS);
* openpyxl reads the sample workbook itself: every figure the reports print
  for 样例区 is there as the statistics section wrote it.
"""

import csv
import pathlib
import shutil
import subprocess

import openpyxl

from _common import BIN, ROOT, Checks, build, tempdir


def run(*args, cwd=ROOT):
    r = subprocess.run([str(BIN), *args], cwd=cwd, capture_output=True, text=True,
                       env={"SOURCE_DATE_EPOCH": "1523404800", "PATH": "/usr/bin:/bin"})
    if r.returncode != 0:
        raise RuntimeError(f"nianbao {' '.join(args)} failed:\n{r.stderr}")
    return r


def comparison(c, out):
    xlsx = out / "指标汇总.xlsx"
    run("table", "data", "-o", str(xlsx))
    wb = openpyxl.load_workbook(xlsx)
    c.check("table: one sheet per report year", wb.sheetnames == ["2018年"], wb.sheetnames)
    ws = wb["2018年"]
    c.check("table: header frozen under two rows and the unit column", ws.freeze_panes == "B3", ws.freeze_panes)
    c.check("table: 单位 merged over the two header rows", "A1:A2" in {str(r) for r in ws.merged_cells.ranges})
    names = [ws.cell(1, col).value for col in range(2, ws.max_column + 1, 5)]
    c.check("table: indicator names with units", names[:3] == [
        "县医院临床路径管理病种（个）", "县级公立医院药占比（%）", "培训全科医师（名）"], names[:3])
    merged = {str(r) for r in ws.merged_cells.ranges}
    c.check("table: each name merged over its five columns", "B1:F1" in merged and "G1:K1" in merged, merged)
    subs = [ws.cell(2, col).value for col in range(2, 7)]
    c.check("table: column headings exact", subs == ["2017年", "2016年", "同比", "2017年目标", "完成率"], subs)
    counties = [ws.cell(r, 1).value for r in range(3, ws.max_row + 1)]
    c.check("table: one row per county", counties == ["金华市", "襄垣县", "样例区"], counties)

    def row_of(name):
        return next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value == name)

    def col_of(heading):
        return next(col for col in range(2, ws.max_column + 1) if ws.cell(1, col).value == heading)

    x = row_of("襄垣县")
    cells = [ws.cell(x, col) for col in range(col_of("县级公立医院药占比（%）"), col_of("县级公立医院药占比（%）") + 5)]
    values = [cell.value for cell in cells]
    formats = [cell.number_format for cell in cells]
    c.check("table: a rate as a true percentage, change in points, completion",
            values[0] == 0.338 and values[1] == 0.36 and abs(values[2] + 2.2) < 1e-9 and values[3] == 0.35
            and values[4] == 1.036, values)
    c.check("table: rate formats", formats == [
        "0.0%", "0.0%", '+0.0"个百分点";-0.0"个百分点";0.0"个百分点"', "0.0%", "0.0%"], formats)
    money = ws.cell(x, col_of("基层医疗设备投入（万元）"))
    c.check("table: 万元 with thousands separators and its decimals",
            money.value == 338.3 and money.number_format == "#,##0.0", (money.value, money.number_format))
    y = row_of("样例区")
    rate = ws.cell(y, col_of("常住人口家庭医生签约率（%）"))
    c.check("table: a derived rate from the workbook's numerator and denominator",
            rate.value == 0.352 and rate.number_format == "0.0%", (rate.value, rate.number_format))
    # (the figure as the report prints it, 35.2%, not 114930 / 326500 to fifteen places)
    change = ws.cell(y, col_of("卫生计生信息化投入（万元）") + 2)
    c.check("table: an amount's change as a signed percentage",
            change.value == 0.349 and change.number_format == "+0.0%;-0.0%;0.0%",
            (change.value, change.number_format))
    empty = ws.cell(row_of("金华市"), 2).value
    c.check("table: a county without the indicator has empty cells", empty is None, empty)

    again = out / "again.xlsx"
    run("table", "data", "-o", str(again))
    c.check("table: same data, same bytes", xlsx.read_bytes() == again.read_bytes())

    csv_path = out / "指标汇总.csv"
    run("table", "data", "-o", str(csv_path))
    rows = list(csv.reader(csv_path.read_text(encoding="utf-8-sig").splitlines()))
    c.check("table csv: header", rows[0][:5] == ["报告年份", "单位", "县医院临床路径管理病种（个）本年",
                                                  "县医院临床路径管理病种（个）上年", "县医院临床路径管理病种（个）同比（%）"],
            rows[0][:5])
    xy = next(r for r in rows if r[1] == "襄垣县")
    c.check("table csv: figures as printed", xy[:5] == ["2018", "襄垣县", "87", "62", "+40.3"], xy[:5])


def rendered(project, county, out):
    run("render", f"data/{county}", "--format", "md", "--out", str(out), "--force", cwd=project)
    [md] = list((out / pathlib.Path(county).parent.name).rglob("*.md"))
    return md.read_text(encoding="utf-8")


def ods(c, out):
    project = out / "ods"
    shutil.copytree(ROOT / "data", project / "data")
    shutil.copytree(ROOT / "templates", project / "templates", dirs_exist_ok=True) \
        if (ROOT / "templates").is_dir() else None
    # An ASCII name for LibreOffice, whatever the locale it runs in.
    shutil.copy(project / "data" / "指标.xlsx", out / "figures.xlsx")
    r = subprocess.run(["soffice", "--headless", "--convert-to", "ods", "--outdir", str(out), str(out / "figures.xlsx")],
                       capture_output=True, text=True, timeout=180)
    made = project / "data" / "指标.ods"
    if (out / "figures.ods").is_file():
        shutil.move(out / "figures.ods", made)
    c.check("ods: LibreOffice converts the sample workbook", made.is_file(), r.stderr)
    if not made.is_file():
        return
    for county in ["yangli/2018.yaml", "xiangyuan/2018.yaml"]:
        from_xlsx = rendered(project, county, out / "from-xlsx")
        for f in (project / "data").rglob("*.yaml"):
            f.write_text(f.read_text(encoding="utf-8").replace("指标.xlsx", "指标.ods"), encoding="utf-8")
        from_ods = rendered(project, county, out / "from-ods")
        for f in (project / "data").rglob("*.yaml"):
            f.write_text(f.read_text(encoding="utf-8").replace("指标.ods", "指标.xlsx"), encoding="utf-8")
        c.check(f"ods: {county} renders the same from the ODS", from_ods == from_xlsx)
        if county.startswith("yangli"):
            for row in ["| 区级公立医院药占比 | % | 34.2 | 31.5 |", "| 常住人口家庭医生签约率 | % | 28.6 | 35.2 |",
                        "| 符合政策生育率 | % | 96.2 | 96.81 |"]:
                c.check(f"ods: {row}", row in from_ods, "not in the report")


def xls(c, out):
    """An XLS file does not say which cells are percentages: the sample's
    percentage cells, saved as XLS by LibreOffice, are refused by cell rather
    than printed as 0.315%."""
    project = out / "xls"
    shutil.copytree(ROOT / "data", project / "data")
    shutil.copy(project / "data" / "指标.xlsx", out / "figures.xlsx")
    subprocess.run(["soffice", "--headless", "--convert-to", "xls", "--outdir", str(out), str(out / "figures.xlsx")],
                   capture_output=True, text=True, timeout=180)
    made = out / "figures.xls"
    c.check("xls: LibreOffice converts the sample workbook", made.is_file())
    if not made.is_file():
        return
    shutil.move(made, project / "data" / "指标.xls")
    for f in (project / "data").rglob("*.yaml"):
        f.write_text(f.read_text(encoding="utf-8").replace("指标.xlsx", "指标.xls"), encoding="utf-8")
    r = subprocess.run([str(BIN), "check", "data/yangli/2018.yaml"], cwd=project, capture_output=True, text=True)
    c.check("xls: a percentage cell is refused, named by its cell",
            r.returncode == 1 and "错误[figures.fraction]：读到的是 0.315" in r.stderr
            and "--> data/指标.xls 表“2018年”C5（样例区，区级公立医院药占比）" in r.stderr, r.stderr[:800])
    c.check("xls: counts and sums of money are read", "监督检查" not in r.stderr and "信息化投入" not in r.stderr,
            r.stderr[:800])


def sample_workbook(c):
    wb = openpyxl.load_workbook(ROOT / "data" / "指标.xlsx")
    c.check("sample workbook: a sheet per report year", wb.sheetnames == ["2018年", "2017年"], wb.sheetnames)
    ws = wb["2018年"]
    ids = {ws.cell(3, col).value: col for col in range(2, ws.max_column + 1)}
    y = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value == "样例区")
    ratio = ws.cell(y, ids["drug_ratio"])
    c.check("sample workbook: 药占比 as a percentage cell", ratio.value == 0.315 and ratio.number_format == "0.0%",
            (ratio.value, ratio.number_format))
    c.check("sample workbook: 签约 numerator and denominator",
            (ws.cell(y, ids["signing_rate.numerator"]).value, ws.cell(y, ids["signing_rate.denominator"]).value)
            == (114930, 326500))


def main():
    build()
    c = Checks()
    with tempdir() as tmp:
        out = pathlib.Path(tmp)
        comparison(c, out)
        sample_workbook(c)
        ods(c, out)
        xls(c, out)
    c.finish()


if __name__ == "__main__":
    main()
