//! Figures from the statistics section's workbook: read as a person reads the
//! sheet, rendered into the report, every mistake named by its cell; batch
//! stamps per county row; the city office's comparison written back out.

mod common;

#[path = "common/counties.rs"]
mod counties;
#[path = "common/sample_workbook.rs"]
mod sample_workbook;

use std::path::Path;
use std::process::{Command, Output};

use common::{Project, root};
use nianbao::data;
use nianbao::diag::Diagnostic;
use rust_xlsxwriter::{Format, Workbook};

/// A county's 2018 speech whose figures come from `指标.xlsx`.
fn speech(unit: &str, metrics: &str) -> String {
    format!(
        "kind: speech
unit: {{ name: {unit}, level: 县 }}
issuer: {unit}卫生健康局
meeting: {{ name: {unit}2018年卫生健康工作会议, date: 2018-03-01 }}
speaker: {{ post: 局长, name: 王某 }}
title: 标题
opening: 开场。
figures: {{ file: 指标.xlsx, sheet: 2018年, key: 单位 }}
review:
  metrics:
{metrics}"
    )
}

const METRICS: &str = concat!(
    "    - { id: signing_rate, name: 常住人口家庭医生签约率, unit: \"%\" }\n",
    "    - { id: investment, name: 基层医疗设备投入, unit: 万元 }\n",
    "    - { id: key_group, name: 重点人群家庭医生签约率, unit: \"%\" }\n",
    "    - { id: clinics, name: 村卫生所, unit: 个 }\n",
);

/// A cell as the tests write it.
#[derive(Clone, Copy)]
enum C<'a> {
    S(&'a str),
    N(f64),
    /// A number with a number format.
    F(f64, &'a str),
    E,
}

/// A workbook of one sheet, `rows` from A1, with the merged areas `merges`
/// (first row, first column, last row, last column, 0-based).
fn xlsx(sheet: &str, rows: &[Vec<C>], merges: &[(u32, u16, u32, u16)]) -> Vec<u8> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet).unwrap();
    for &(r0, c0, r1, c1) in merges {
        let text = match rows[r0 as usize][c0 as usize] {
            C::S(s) => s,
            _ => "",
        };
        ws.merge_range(r0, c0, r1, c1, text, &Format::new()).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            if merges.iter().any(|m| (m.0..=m.2).contains(&r) && (m.1..=m.3).contains(&c)) {
                continue;
            }
            match *cell {
                C::S(s) => ws.write_string(r, c, s).map(|_| ()),
                C::N(x) => ws.write_number(r, c, x).map(|_| ()),
                C::F(x, f) => ws.write_number_with_format(r, c, x, &Format::new().set_num_format(f)).map(|_| ()),
                C::E => Ok(()),
            }
            .unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

/// The statistics section's sheet: a title, a header with a merged group
/// (分子 and 分母 under its name), a serial-number column before the units,
/// an empty row, and 襄垣县 in row 7 with `signing_rate` in C7.
fn sheet_rows<'a>(xiangyuan_rate: C<'a>) -> Vec<Vec<C<'a>>> {
    use C::*;
    vec![
        vec![S("2018年各县卫生健康主要指标"), E, E, E, E, E, E],
        vec![
            S("序号"),
            S("单位"),
            S("常住人口家庭医生签约率（%）"),
            S("基层医疗设备投入（万元）"),
            S("重点人群家庭医生签约率"),
            E,
            S("村卫生所（个）"),
        ],
        vec![E, E, E, E, S("分子"), S("分母"), E],
        vec![N(1.0), S("长治县"), F(0.5, "0.0%"), N(100.0), N(1.0), N(2.0), N(3.0)],
        vec![E, E, E, E, E, E, E],
        vec![N(2.0), S("屯留县"), F(0.6, "0.0%"), N(200.0), N(3.0), N(4.0), N(5.0)],
        vec![N(3.0), S("襄 垣 县"), xiangyuan_rate, S("338.3万元"), S("54,490"), N(59945.0), S("３３")],
    ]
}

const MERGES: &[(u32, u16, u32, u16)] = &[(0, 0, 0, 6), (1, 0, 2, 0), (1, 1, 2, 1), (1, 4, 1, 5)];

fn project(metrics: &str, workbook: Vec<u8>) -> Project {
    let p = Project::new(&[("data/xiangyuan/2018.yaml", &speech("襄垣县", metrics))]);
    p.write("data/指标.xlsx", &workbook);
    p
}

fn nianbao(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao")).args(args).current_dir(dir).output().expect("run nianbao")
}

/// The report rendered as Markdown.
fn markdown(p: &Project) -> String {
    let o = nianbao(p.dir.path(), &["render", "data/xiangyuan/2018.yaml", "--format", "md"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let dir = p.path("out/xiangyuan/2018");
    let file = std::fs::read_dir(&dir).unwrap().flatten().find(|e| e.path().extension().is_some_and(|x| x == "md"));
    std::fs::read_to_string(file.unwrap().path()).unwrap()
}

/// The errors of loading the report.
fn errors(p: &Project) -> Vec<Diagnostic> {
    match data::load(&p.path("data/xiangyuan/2018.yaml")) {
        Ok(_) => panic!("should not load"),
        Err(e) => e.0,
    }
}

fn only(errors: Vec<Diagnostic>) -> Diagnostic {
    assert_eq!(errors.len(), 1, "{errors:#?}");
    errors.into_iter().next().unwrap()
}

/// The `-->` line of a finding: where it is.
fn place(d: &Diagnostic) -> String {
    d.location.as_ref().expect("located").place()
}

#[test]
fn figures_are_read_as_a_person_reads_the_sheet() {
    let p = project(METRICS, xlsx("2018年", &sheet_rows(C::F(0.66198, "0.0%")), MERGES));
    let md = markdown(&p);
    // 0.66198 shown as 66.2% is 66.2; "338.3万元" is 338.3 (万元); "54,490" and
    // 59945 make 90.9%; full-width "３３" is 33; title, merged header, empty row skipped.
    for row in [
        "| 常住人口家庭医生签约率 | % | 66.2 |",
        "| 基层医疗设备投入 | 万元 | 338.3 |",
        "| 重点人群家庭医生签约率 | % | 90.9 |",
        "| 村卫生所 | 个 | 33 |",
    ] {
        assert!(md.contains(row), "{row} not in\n{md}");
    }
}

#[test]
fn a_header_of_ids_under_the_names_and_targets_and_last_year() {
    use C::*;
    let rows = vec![
        vec![S("单位"), S("签约率"), S("签约率"), S("投入（万元）"), S("今年目标")],
        vec![E, S("signing_rate"), S("signing_rate.prior"), S("investment"), S("signing_rate.target")],
        vec![S("襄垣县"), S("66.2%"), F(0.453, "0.0%"), S("1,338.3"), N(70.0)],
    ];
    let metrics = format!(
        "{METRICS}plan:\n  targets:\n    - {{ id: signing_rate, name: 常住人口家庭医生签约率, unit: \"%\" }}\n"
    );
    let metrics = metrics.replace(
        "    - { id: key_group, name: 重点人群家庭医生签约率, unit: \"%\" }\n    - { id: clinics, name: 村卫生所, unit: 个 }\n",
        "",
    );
    let p = project(&metrics, xlsx("2018年", &rows, &[]));
    let md = markdown(&p);
    assert!(md.contains("| 常住人口家庭医生签约率 | % | 45.3 | 66.2 | 提高20.9个百分点 |\n"), "{md}");
    assert!(md.contains("| 基层医疗设备投入 | 万元 | — | 1338.3 | — |\n"), "{md}");
    assert!(md.contains("| 常住人口家庭医生签约率 | % | 70 |"), "{md}");
}

#[test]
fn a_csv_saved_by_excel_on_a_chinese_windows() {
    let text = "单位,常住人口家庭医生签约率（%）,基层医疗设备投入（万元）,重点人群家庭医生签约率（分子）,重点人群家庭医生签约率（分母）,村卫生所\r\n\
                长治县,50%,100,1,2,3\r\n\
                襄垣县,66.2%,\"1,338.3\",\"54,490\",59945,33\r\n";
    let (gbk, _, _) = encoding_rs::GB18030.encode(text);
    let p = Project::new(&[(
        "data/xiangyuan/2018.yaml",
        &speech("襄垣县", METRICS).replace("file: 指标.xlsx, sheet: 2018年, key: 单位", "file: 指标.csv"),
    )]);
    p.write("data/指标.csv", &gbk);
    let md = markdown(&p);
    assert!(md.contains("| 常住人口家庭医生签约率 | % | 66.2 |"), "{md}");
    assert!(md.contains("| 基层医疗设备投入 | 万元 | 1338.3 |"), "{md}");
    assert!(md.contains("| 重点人群家庭医生签约率 | % | 90.9 |"), "{md}");

    // A cell of a CSV is named without a sheet.
    p.write("data/指标.csv", &encoding_rs::GB18030.encode(&text.replace("66.2%", "六十六")).0);
    let d = only(errors(&p));
    assert_eq!(d.message, "应为数字，实际是文字“六十六”");
    assert_eq!(place(&d), format!("{} B3（襄垣县，常住人口家庭医生签约率）", p.path("data/指标.csv").display()));
}

#[test]
fn text_in_a_number_cell_is_named_by_its_cell() {
    let p = project(METRICS, xlsx("2018年", &sheet_rows(C::S("六十六")), MERGES));
    let d = only(errors(&p));
    assert_eq!(d.id, "figures.number");
    assert_eq!(d.message, "应为数字，实际是文字“六十六”");
    let workbook = p.path("data/指标.xlsx").display().to_string();
    assert_eq!(place(&d), format!("{workbook} 表“2018年”C7（襄垣县，常住人口家庭医生签约率）"));
    assert_eq!(d.path.as_deref(), Some("review.metrics[0]"));
    let shown = d.to_string();
    assert!(shown.contains(&format!("--> {workbook} 表“2018年”C7（襄垣县，常住人口家庭医生签约率）")), "{shown}");
    // The same through the command line, relative to where it runs.
    let o = nianbao(p.dir.path(), &["check", "data"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("错误[figures.number]：应为数字，实际是文字“六十六”\n --> data/指标.xlsx 表“2018年”C7（襄垣县，常住人口家庭医生签约率）"),
        "{err}"
    );
}

#[test]
fn a_rate_over_100_from_a_cell_is_named_by_its_cell() {
    let p = project(METRICS, xlsx("2018年", &sheet_rows(C::F(1.234, "0.0%")), MERGES));
    let o = nianbao(p.dir.path(), &["check", "data"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err.contains("错误[figure.rate-over-100]：指标“常住人口家庭医生签约率”是比率，却超过了100%（123.4%）\n --> data/指标.xlsx 表“2018年”C7（襄垣县，常住人口家庭医生签约率）"),
        "{err}"
    );
}

#[test]
fn a_county_with_no_row() {
    let p = project(METRICS, xlsx("2018年", &sheet_rows(C::N(66.2)), MERGES));
    std::fs::write(p.path("data/xiangyuan/2018.yaml"), speech("潞城县", METRICS)).unwrap();
    let d = only(errors(&p));
    assert_eq!(d.id, "figures.no-row");
    assert_eq!(d.message, "表里没有“潞城县”这一行");
    assert!(place(&d).ends_with("指标.xlsx 表“2018年”B2（“单位”列）"), "{}", place(&d));
    assert_eq!(d.help.as_deref(), Some("B列里的单位：长治县、屯留县、襄 垣 县"));
}

#[test]
fn a_county_with_two_rows() {
    let mut rows = sheet_rows(C::N(66.2));
    rows.push(vec![C::N(4.0), C::S("襄垣县"), C::N(1.0)]);
    let p = project(METRICS, xlsx("2018年", &rows, MERGES));
    let d = only(errors(&p));
    assert_eq!(d.id, "figures.duplicate-row");
    assert_eq!(d.message, "“襄垣县”有两行：第7行和第8行");
    assert!(place(&d).ends_with("指标.xlsx 表“2018年”B8（“单位”列）"), "{}", place(&d));
}

#[test]
fn a_column_that_misses_a_metric_name() {
    let mut rows = sheet_rows(C::N(66.2));
    rows[1][2] = C::S("常住人口家庭签约率（%）");
    let p = project(METRICS, xlsx("2018年", &rows, MERGES));
    let d = only(errors(&p));
    assert_eq!(d.id, "figures.column");
    assert_eq!(
        d.message,
        "表头“常住人口家庭签约率（%）”不是这份报告里的指标，而指标“常住人口家庭医生签约率”在表里没有列，也没有数值"
    );
    assert!(place(&d).ends_with("指标.xlsx 表“2018年”C2（表头“常住人口家庭签约率（%）”）"), "{}", place(&d));
    // Another report's column is no error: a sheet serves every county.
    let mut rows = sheet_rows(C::N(66.2));
    rows[1].push(C::S("床位数（张）"));
    rows[6].push(C::N(500.0));
    let p = project(METRICS, xlsx("2018年", &rows, MERGES));
    assert!(data::load(&p.path("data/xiangyuan/2018.yaml")).is_ok());
}

#[test]
fn an_empty_cell_for_a_metric_without_a_value() {
    let p = project(METRICS, xlsx("2018年", &sheet_rows(C::S("—")), MERGES));
    let d = only(errors(&p));
    assert_eq!(d.id, "figures.empty");
    assert_eq!(d.message, "单元格是空的：指标“常住人口家庭医生签约率”没有数值，数据文件里也没有写");
    assert!(place(&d).ends_with("表“2018年”C7（襄垣县，常住人口家庭医生签约率）"), "{}", place(&d));
}

#[test]
fn a_figure_in_both_places_must_agree() {
    let metrics = METRICS.replace("unit: \"%\" }", "unit: \"%\", value: 63 }");
    let p = project(&metrics, xlsx("2018年", &sheet_rows(C::F(0.662, "0.0%")), MERGES));
    let d = only(errors(&p));
    assert_eq!(d.id, "figures.conflict");
    assert_eq!(
        d.message,
        "表里是 66.2，数据文件里写的是 63（data/xiangyuan/2018.yaml:11:64）"
            .replace("data/", &format!("{}/data/", p.dir.path().display()))
    );
    assert!(place(&d).ends_with("表“2018年”C7（襄垣县，常住人口家庭医生签约率）"));
    // Agreeing figures are fine.
    let metrics = METRICS.replace("unit: \"%\" }", "unit: \"%\", value: 66.2 }");
    let p = project(&metrics, xlsx("2018年", &sheet_rows(C::F(0.662, "0.0%")), MERGES));
    assert!(data::load(&p.path("data/xiangyuan/2018.yaml")).is_ok());
}

#[test]
fn a_percentage_for_a_count_a_unit_in_the_header_and_a_column_twice() {
    let mut rows = sheet_rows(C::N(66.2));
    rows[6][6] = C::F(0.33, "0%");
    let d = only(errors(&project(METRICS, xlsx("2018年", &rows, MERGES))));
    assert_eq!((d.id, d.message.as_str()), ("figures.number", "单元格是百分数（33%），但这个数的单位是“个”"));
    assert!(place(&d).ends_with("表“2018年”G7（襄垣县，村卫生所）"), "{}", place(&d));

    let mut rows = sheet_rows(C::N(66.2));
    rows[1][3] = C::S("基层医疗设备投入（元）");
    let d = only(errors(&project(METRICS, xlsx("2018年", &rows, MERGES))));
    assert_eq!((d.id, d.message.as_str()), ("figures.unit", "表头写的单位是“元”，但“基层医疗设备投入”的单位是“万元”"));
    assert!(place(&d).ends_with("表“2018年”D2（表头“基层医疗设备投入（元）”）"), "{}", place(&d));

    let mut rows = sheet_rows(C::N(66.2));
    rows[1].push(C::S("村卫生所"));
    rows[6].push(C::N(34.0));
    let d = only(errors(&project(METRICS, xlsx("2018年", &rows, MERGES))));
    assert_eq!((d.id, d.message.as_str()), ("figures.duplicate-column", "“村卫生所”有两列：G列和H列"));
    assert!(place(&d).ends_with("表“2018年”H2（表头“村卫生所”）"), "{}", place(&d));
}

#[test]
fn a_missing_sheet_or_file_and_a_file_outside_the_project() {
    let p = project(METRICS, xlsx("2017年", &sheet_rows(C::N(66.2)), MERGES));
    let d = only(errors(&p));
    assert_eq!(d.id, "figures.sheet");
    assert!(d.message.ends_with("指标.xlsx 里没有名为“2018年”的表"), "{}", d.message);
    assert_eq!(d.help.as_deref(), Some("这个文件里的表：“2017年”"));
    assert_eq!(d.location.as_ref().map(|l| (l.line, l.column)), Some((8, 34)));

    std::fs::remove_file(p.path("data/指标.xlsx")).unwrap();
    let d = only(errors(&p));
    assert_eq!(d.id, "figures.file");

    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("外面.xlsx"), xlsx("2018年", &sheet_rows(C::N(66.2)), MERGES)).unwrap();
    let text = speech("襄垣县", METRICS)
        .replace("file: 指标.xlsx", &format!("file: {}", outside.path().join("外面.xlsx").display()));
    std::fs::write(p.path("data/xiangyuan/2018.yaml"), text).unwrap();
    let d = only(errors(&p));
    assert_eq!(d.id, "figures.outside");
}

#[test]
fn an_ods_file_reads_its_percentages_and_merged_header() {
    // A minimal ODS as LibreOffice writes it: a percentage cell shows 66.2%,
    // a name merged over 分子 and 分母.
    let content = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>
<table:table table:name="2018年">
<table:table-row><table:table-cell office:value-type="string"><text:p>序号</text:p></table:table-cell><table:table-cell office:value-type="string" table:number-rows-spanned="2"><text:p>单位</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>常住人口家庭医生签约率</text:p></table:table-cell><table:table-cell office:value-type="string" table:number-columns-spanned="2"><text:p>重点人群家庭医生签约率</text:p></table:table-cell><table:covered-table-cell/></table:table-row>
<table:table-row><table:table-cell/><table:covered-table-cell/><table:table-cell/><table:table-cell office:value-type="string"><text:p>分子</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>分母</text:p></table:table-cell></table:table-row>
<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="5"/></table:table-row>
<table:table-row><table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>襄垣县</text:p></table:table-cell><table:table-cell office:value-type="percentage" office:value="0.66198"><text:p>66.2%</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="54490"><text:p>54,490</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="59945"><text:p>59,945</text:p></table:table-cell></table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>"#;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    std::io::Write::write_all(&mut zip, b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
    zip.start_file("content.xml", stored).unwrap();
    std::io::Write::write_all(&mut zip, content.as_bytes()).unwrap();
    zip.start_file("META-INF/manifest.xml", stored).unwrap();
    std::io::Write::write_all(&mut zip, br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#).unwrap();
    let ods = zip.finish().unwrap().into_inner();
    let metrics = "    - { id: signing_rate, name: 常住人口家庭医生签约率, unit: \"%\" }\n    - { id: key_group, name: 重点人群家庭医生签约率, unit: \"%\" }\n";
    let p = Project::new(&[("data/xiangyuan/2018.yaml", &speech("襄垣县", metrics).replace("指标.xlsx", "指标.ods"))]);
    p.write("data/指标.ods", &ods);
    let md = markdown(&p);
    assert!(md.contains("| 常住人口家庭医生签约率 | % | 66.2 |"), "{md}");
    assert!(md.contains("| 重点人群家庭医生签约率 | % | 90.9 |"), "{md}");
}

/// A project of `n` generated counties whose figures are in one workbook.
fn city(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    counties::generate_with_workbook(root(), &dir.path().join("data"), n);
    dir
}

/// Set cell (`row`, `col`) of the generated city's workbook to `x`.
fn set_cell(dir: &Path, row: u32, col: u16, x: &str) {
    use calamine::{Data, Reader};
    let path = dir.join("data/指标.xlsx");
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    for (r, c, v) in range.used_cells() {
        let (r, c) = (r as u32, c as u16);
        match v {
            Data::String(s) => ws.write_string(r, c, s).map(|_| ()),
            Data::Float(f) => ws.write_number(r, c, *f).map(|_| ()),
            Data::Int(i) => ws.write_number(r, c, *i as f64).map(|_| ()),
            _ => Ok(()),
        }
        .unwrap();
    }
    ws.write_string(row, col, x).unwrap();
    std::fs::write(path, book.save_to_buffer().unwrap()).unwrap();
}

#[test]
fn batch_renders_again_only_the_county_whose_row_changed() {
    let p = city(3);
    let run = || {
        let o = nianbao(p.path(), &["batch", "--format", "md", "--depfile"]);
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(o.status.success(), "{err}");
        err
    };
    assert!(run().contains("共 3 份：生成 3，已是最新 0，失败 0"));
    let depfile = std::fs::read_to_string(p.path().join("out/.nianbao/c001/2018.d")).unwrap();
    assert!(depfile.contains("data/指标.xlsx"), "{depfile}");
    assert!(run().contains("共 3 份：生成 0，已是最新 3，失败 0"));

    // Row 3 is the second county (c001, 西山县): change one of its figures.
    set_cell(p.path(), 2, 1, "95");
    let err = run();
    assert!(err.contains("共 3 份：生成 1，已是最新 2，失败 0"), "{err}");
    assert!(err.contains("已生成 c001/2018"), "{err}");
    let md = common::tree(&p.path().join("out/c001"));
    assert!(md.values().any(|b| String::from_utf8_lossy(b).contains("| 95 |")));

    // A header changes: every county reads it.
    set_cell(p.path(), 0, 40, "备注");
    assert!(run().contains("共 3 份：生成 3，已是最新 0，失败 0"));
}

#[test]
fn the_comparison_for_the_city_office() {
    use calamine::{Data, Reader};
    let out = tempfile::tempdir().unwrap();
    let xlsx_path = out.path().join("指标汇总.xlsx");
    let o = nianbao(root(), &["table", "data", "-o", xlsx_path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&xlsx_path).unwrap();
    assert_eq!(wb.sheet_names(), ["2018年"]);
    let range = wb.worksheet_range("2018年").unwrap();
    let styles = wb.worksheet_style("2018年").unwrap();
    let text = |r: u32, c: u32| range.get_value((r, c)).map(|d| d.to_string()).unwrap_or_default();
    let format = |r: u32, c: u32| styles.get((r, c)).and_then(|s| s.number_format.clone()).map(|f| f.format_code);
    assert_eq!(text(0, 0), "单位");
    assert_eq!((text(2, 0), text(3, 0), text(4, 0)), ("金华市".into(), "襄垣县".into(), "样例区".into()));
    // The first indicator of 襄垣县: 县医院临床路径管理病种, 87 against 62.
    assert_eq!(text(0, 1), "县医院临床路径管理病种（个）");
    assert_eq!((1..6).map(|c| text(1, c)).collect::<Vec<_>>(), ["2017年", "2016年", "同比", "2017年目标", "完成率"]);
    assert_eq!(range.get_value((3, 1)), Some(&Data::Float(87.0)));
    assert_eq!(format(3, 1).as_deref(), Some("#,##0"));
    assert_eq!(format(3, 3).as_deref(), Some("+0.0%;-0.0%;0.0%"));
    // 县级公立医院药占比 33.8% as a true percentage, its change in points, completion.
    let col = (0..range.width() as u32).find(|&c| text(0, c) == "县级公立医院药占比（%）").unwrap();
    assert_eq!(range.get_value((3, col)), Some(&Data::Float(0.338)));
    assert_eq!(format(3, col).as_deref(), Some("0.0%"));
    assert_eq!(range.get_value((3, col + 2)), Some(&Data::Float(-2.2)));
    assert_eq!(format(3, col + 2).as_deref(), Some("+0.0\"个百分点\";-0.0\"个百分点\";0.0\"个百分点\""));
    assert_eq!(range.get_value((3, col + 3)), Some(&Data::Float(0.35)));
    // Same input, same bytes.
    let again = out.path().join("again.xlsx");
    assert!(nianbao(root(), &["table", "data", "-o", again.to_str().unwrap()]).status.success());
    assert_eq!(std::fs::read(&xlsx_path).unwrap(), std::fs::read(&again).unwrap());

    let csv_path = out.path().join("指标汇总.csv");
    assert!(nianbao(root(), &["table", "data", "-o", csv_path.to_str().unwrap()]).status.success());
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    assert!(header.starts_with("\u{feff}报告年份,单位,县医院临床路径管理病种（个）本年,县医院临床路径管理病种（个）上年,县医院临床路径管理病种（个）同比（%）,"), "{header}");
    let xiangyuan = lines.find(|l| l.contains("襄垣县")).unwrap();
    assert!(xiangyuan.starts_with("2018,襄垣县,87,62,+40.3,,"), "{xiangyuan}");
}

#[test]
fn the_sample_workbook_is_what_its_script_writes() {
    assert!(
        std::fs::read(root().join("data/指标.xlsx")).unwrap() == sample_workbook::build(),
        "data/指标.xlsx differs from tests/common/sample_workbook.rs: run `cargo run --example sample_workbook`"
    );
}

#[test]
fn a_stray_cell_at_the_far_corner_costs_nothing() {
    // A dense range to XFD1048576 would be seventeen billion cells.
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("2018年").unwrap();
    ws.write_string(0, 0, "单位").unwrap();
    ws.write_string(0, 1, "村卫生所").unwrap();
    ws.write_string(1, 0, "襄垣县").unwrap();
    ws.write_number(1, 1, 33.0).unwrap();
    ws.write_number(1_048_575, 16_383, 1.0).unwrap();
    let p = project("    - { id: clinics, name: 村卫生所, unit: 个 }\n", book.save_to_buffer().unwrap());
    let loaded = data::load(&p.path("data/xiangyuan/2018.yaml")).unwrap();
    assert_eq!(loaded.derived.metrics["clinics"].value, Some(33.0));
}
