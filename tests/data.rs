//! Loading data files: every kind of bad input gives a located Chinese message;
//! `_common.yaml` merges under county files; figures are derived.

mod common;

use common::{MINIMAL, Project};
use nianbao::data;
use nianbao::diag::Diagnostic;

fn load_err(p: &Project, rel: &str) -> Vec<Diagnostic> {
    match data::load(&p.path(rel)) {
        Ok(_) => panic!("{rel} should not load"),
        Err(e) => e.0,
    }
}

fn only(errors: Vec<Diagnostic>) -> Diagnostic {
    assert_eq!(errors.len(), 1, "{errors:#?}");
    errors.into_iter().next().unwrap()
}

#[test]
fn unknown_key_is_located_and_gets_a_suggestion() {
    let src = format!(
        "{MINIMAL}review:\n  sections:\n    - title: 甲\n      items:\n        - title: 乙\n          metricz: []\n"
    );
    let p = Project::new(&[("data/x/2018.yaml", &src)]);
    let d = only(load_err(&p, "data/x/2018.yaml"));
    assert_eq!(d.id, "data.unknown-key");
    assert_eq!(d.message, "未知的键 `metricz`");
    assert_eq!(d.path.as_deref(), Some("review.sections[0].items[0].metricz"));
    assert_eq!(d.help.as_deref(), Some("你是不是想写 `metrics`？"));
    let loc = d.location.unwrap();
    assert_eq!((loc.line, loc.column), (19, 11));
    assert_eq!(loc.source_line.as_deref(), Some("          metricz: []"));
    assert!(loc.file.ends_with("2018.yaml"));
}

#[test]
fn wrong_type_names_what_was_expected() {
    let src = format!(
        "{MINIMAL}review:\n  metrics:\n    - {{ id: a, name: 签约率, value: 1, unit: \"%\" }}\n    - {{ id: b, name: 投入, value: 六十六, unit: 万元 }}\n"
    );
    let p = Project::new(&[("data/x/2018.yaml", &src)]);
    let d = only(load_err(&p, "data/x/2018.yaml"));
    assert_eq!(d.message, "类型不对：应为数字，实际是文字“六十六”");
    assert_eq!(d.path.as_deref(), Some("review.metrics[1].value"));
    let loc = d.location.unwrap();
    assert_eq!((loc.line, loc.column), (17, 33));
    // The rendered message shows the offending line with a caret under the value.
    let shown = format!("{}", only(load_err(&p, "data/x/2018.yaml")));
    assert!(shown.contains("--> "), "{shown}");
    assert!(shown.contains(":17:33"), "{shown}");
    assert!(shown.contains("= 路径：review.metrics[1].value"), "{shown}");
}

/// A unit typed in Chinese quotes, or with a full-width percent sign, would
/// make a rate an amount (a change printed as 增长x% where 提高x个百分点 is
/// meant): refused where it is written.
#[test]
fn a_unit_in_chinese_quotes_or_with_a_fullwidth_percent_is_refused() {
    let src = format!(
        "{MINIMAL}review:\n  metrics:\n    - {{ id: a, name: 签约率, value: 66.2, unit: “%” }}\n    - {{ id: b, name: 建档率, value: 90, unit: ％ }}\n"
    );
    let p = Project::new(&[("data/x/2018.yaml", &src)]);
    let errors = load_err(&p, "data/x/2018.yaml");
    let found: Vec<(&str, &str, (usize, usize))> = errors
        .iter()
        .map(|d| {
            let l = d.location.as_ref().unwrap();
            (d.message.as_str(), d.path.as_deref().unwrap(), (l.line, l.column))
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "指标“签约率”的单位两边加了中文引号（“%”）：YAML 的引号要用英文引号，写成 unit: \"%\"",
                "review.metrics[0].unit",
                (16, 46)
            ),
            ("指标“建档率”的单位用了全角的百分号（％）：请写半角的“%”", "review.metrics[1].unit", (17, 44)),
        ],
        "{errors:#?}"
    );
}

/// A figure typed the way it is printed (with its unit, a percent sign, a
/// thousands comma, full-width digits) is refused with how to write it.
#[test]
fn a_figure_typed_as_printed_gets_the_number_to_write() {
    let mut src = format!("{MINIMAL}review:\n  metrics:\n");
    for (i, v) in ["92.2%", "１１６０", "1,160", "1160万元"].iter().enumerate() {
        src.push_str(&format!("    - id: m{i}\n      name: 指标{i}\n      unit: 个\n      value: {v}\n"));
    }
    let p = Project::new(&[("data/x/2018.yaml", &src)]);
    let found: Vec<(String, Option<String>)> =
        load_err(&p, "data/x/2018.yaml").into_iter().map(|d| (d.message, d.help)).collect();
    let want = |typed: &str, help: &str| (format!("类型不对：应为数字，实际是文字“{typed}”"), Some(help.to_string()));
    assert_eq!(
        found,
        [
            want("92.2%", "单位和 % 写在 unit 里，这里只写数：写成 92.2"),
            want("１１６０", "数字要用半角：写成 1160"),
            want("1,160", "不写千分位逗号：写成 1160"),
            want("1160万元", "单位和 % 写在 unit 里，这里只写数：写成 1160"),
        ]
    );
}

/// A key typed without its colon (`sector 卫生健康`) is the line it is on, not
/// the next key where the parser noticed; in `_common.yaml` and at the end of
/// a file too.
#[test]
fn a_key_without_its_colon_is_located_on_its_own_line() {
    let year = MINIMAL.replace("issuer: 样例县卫生健康局\n", "issuer: 样例县卫生健康局\nsector 卫生健康\n");
    let p = Project::new(&[("data/x/2018.yaml", &year)]);
    let d = only(load_err(&p, "data/x/2018.yaml"));
    let loc = d.location.unwrap();
    assert_eq!(
        (d.id, d.message.as_str(), loc.line, loc.column),
        ("yaml.no-colon", "键 `sector` 后面缺少英文冒号", 6, 7)
    );
    assert_eq!(d.help.as_deref(), Some("改成 `sector: 卫生健康`（英文冒号，后面一个空格）"));

    let p = Project::new(&[
        ("data/x/2018.yaml", MINIMAL),
        ("data/_common.yaml", "issuer: 样例县卫生健康局\nsector 卫生健康\n"),
    ]);
    let d = only(load_err(&p, "data/x/2018.yaml"));
    let loc = d.location.unwrap();
    assert_eq!((d.id, loc.line, loc.column), ("yaml.no-colon", 2, 7));
    assert!(loc.file.ends_with("_common.yaml"), "{}", loc.file);
}

/// `{ value: 1,160 }`: the comma ends the value and `160` reads as a key. The
/// error says a key was expected and why a number stands there.
#[test]
fn a_thousands_comma_in_a_flow_mapping_is_explained() {
    let src = format!("{MINIMAL}review:\n  metrics:\n    - {{ id: a, name: 投入, unit: 万元, value: 1,160 }}\n");
    let p = Project::new(&[("data/x/2018.yaml", &src)]);
    let d = only(load_err(&p, "data/x/2018.yaml"));
    assert_eq!((d.id, d.message.as_str()), ("data.type", "这里应是一个键，实际是整数 160"));
    assert_eq!(d.help.as_deref(), Some("花括号 { } 里的逗号分隔各项：数字里不要写千分位逗号（1,160 写成 1160）"));
    assert_eq!(d.path.as_deref(), Some("review.metrics[0]"));
    assert_eq!(d.location.unwrap().line, 16);
}

/// What serde calls a type is said in Chinese, never in its own words
/// (`a Value::Tagged enum`, `paragraph`); a yes or no typed in Chinese gets
/// the word to write.
#[test]
fn expected_types_are_named_in_chinese() {
    let cases = [
        (
            MINIMAL.replace("kind: speech", "kind: [speech]"),
            "类型不对：应为一个取值（一个词，不是列表或映射），实际是列表",
            None,
        ),
        (MINIMAL.replace("opening: 开场。", "opening: [[开场。]]"), "类型不对：应为一段文字，实际是列表", None),
        (
            format!("{MINIMAL}review:\n  metrics:\n    - {{ id: a, name: 投入, unit: 万元, value: 1, key: 是 }}\n"),
            "类型不对：应为true 或 false，实际是文字“是”",
            Some("“是”要写成 true（是）或 false（否）"),
        ),
    ];
    for (src, message, help) in cases {
        let p = Project::new(&[("data/x/2018.yaml", &src)]);
        let d = only(load_err(&p, "data/x/2018.yaml"));
        assert_eq!((d.message.as_str(), d.help.as_deref()), (message, help));
    }
}

#[test]
fn missing_required_field() {
    let src = MINIMAL.replace("issuer: 样例县卫生健康局\n", "");
    let p = Project::new(&[("data/x/2018.yaml", &src)]);
    let d = only(load_err(&p, "data/x/2018.yaml"));
    assert_eq!(d.id, "data.missing-key");
    assert_eq!(d.message, "缺少必填的键 `issuer`");
    assert_eq!(d.location.unwrap().line, 1);
}

#[test]
fn bad_date() {
    let src = MINIMAL.replace("2018-03-01", "2018-02-30");
    let p = Project::new(&[("data/x/2018.yaml", &src)]);
    let d = only(load_err(&p, "data/x/2018.yaml"));
    assert!(d.message.contains("“2018-02-30”不是有效日期"), "{}", d.message);
    assert_eq!(d.path.as_deref(), Some("meeting.date"));
    assert_eq!(d.location.unwrap().line, 8);
}

#[test]
fn unknown_value_of_an_enumeration() {
    let src = MINIMAL.replace("kind: speech", "kind: speeh");
    let p = Project::new(&[("data/x/2018.yaml", &src)]);
    let d = only(load_err(&p, "data/x/2018.yaml"));
    assert_eq!(d.message, "不认识的取值 `speeh`");
    assert_eq!(d.help.as_deref(), Some("你是不是想写 `speech`？"));
}

#[test]
fn several_errors_are_all_reported() {
    let src = format!("{MINIMAL}closing: [结束。]\nclosng: 多余\nreview:\n  metrics:\n    - {{ id: a, name: 率, value: 高, unit: \"%\" }}\n")
        .replace("2018-03-01", "2018-13-01");
    let p = Project::new(&[("data/x/2018.yaml", &src)]);
    let errors = load_err(&p, "data/x/2018.yaml");
    let paths: Vec<_> = errors.iter().map(|d| d.path.clone().unwrap_or_default()).collect();
    assert_eq!(paths, ["meeting.date", "closng", "review.metrics[0].value"], "{errors:#?}");
}

#[test]
fn syntax_error_is_located() {
    let src = "kind: speech\nunit:\n  name: 县\n   level: 县\n";
    let p = Project::new(&[("data/x/2018.yaml", src)]);
    let d = only(load_err(&p, "data/x/2018.yaml"));
    assert_eq!(d.id, "yaml.syntax");
    assert!(d.message.starts_with("YAML 格式错误"), "{}", d.message);
    assert_eq!(d.location.unwrap().line, 4);
}

#[test]
fn a_key_written_twice_is_located_at_the_second_and_named() {
    // The parser itself would point at the start of the mapping (line 1) and
    // not say which key.
    let src = "kind: speech\nunit:\n  name: 县\n  level: 县\n  name: 乡\n";
    let p = Project::new(&[("data/x/2018.yaml", src)]);
    let d = only(load_err(&p, "data/x/2018.yaml"));
    assert_eq!(d.id, "yaml.duplicate-key");
    assert_eq!(d.message, "键 `name` 在同一层写了两次（第 3 行已经有 `name`）");
    let at = d.location.unwrap();
    assert_eq!((at.line, at.column), (5, 3));
    assert_eq!(d.path.as_deref(), Some("unit.name"));
}

#[test]
fn a_bom_is_accepted() {
    let p = Project::new(&[]);
    p.write("data/x/2018.yaml", format!("\u{feff}{MINIMAL}").as_bytes());
    let loaded = data::load(&p.path("data/x/2018.yaml")).unwrap();
    assert_eq!(loaded.report.unit.name, "样例县");
    assert!(loaded.warnings.is_empty());
}

#[test]
fn gbk_is_read_with_a_warning() {
    let p = Project::new(&[]);
    let (bytes, _, bad) = encoding_rs::GB18030.encode(MINIMAL);
    assert!(!bad);
    p.write("data/x/2018.yaml", &bytes);
    let loaded = data::load(&p.path("data/x/2018.yaml")).unwrap();
    assert_eq!(loaded.report.issuer, "样例县卫生健康局");
    let w = only(loaded.warnings);
    assert_eq!(w.id, "file.gbk");
    assert!(w.message.contains("GBK/GB18030"), "{}", w.message);
}

#[test]
fn undecodable_bytes_are_refused_with_the_reason() {
    let p = Project::new(&[]);
    let mut bytes = b"kind: speech\ntitle: ".to_vec();
    bytes.extend_from_slice(&[0xFF, 0xFF, 0xFF, 0x81, 0x20]);
    p.write("data/x/2018.yaml", &bytes);
    let d = only(load_err(&p, "data/x/2018.yaml"));
    assert_eq!(d.id, "file.encoding");
    assert!(d.message.contains("既不是 UTF-8 编码，也不是 GBK/GB18030 编码"), "{}", d.message);
    assert_eq!(d.location.unwrap().line, 2);
}

#[test]
fn utf16_is_refused() {
    let p = Project::new(&[]);
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(MINIMAL.encode_utf16().flat_map(|u| u.to_le_bytes()));
    p.write("data/x/2018.yaml", &bytes);
    assert!(only(load_err(&p, "data/x/2018.yaml")).message.contains("UTF-16"));
}

#[test]
fn alias_bomb_fails_fast() {
    let mut src = String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (i, name) in ["b", "c", "d", "e", "f", "g", "h", "i"].iter().enumerate() {
        let prev = ["a", "b", "c", "d", "e", "f", "g", "h"][i];
        let refs = vec![format!("*{prev}"); 9].join(",");
        src.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    let p = Project::new(&[("data/x/2018.yaml", &src)]);
    let d = only(load_err(&p, "data/x/2018.yaml"));
    assert_eq!(d.id, "yaml.aliases");
    assert!(d.message.contains("别名炸弹"), "{}", d.message);
}

#[test]
fn absurd_nesting_fails_fast() {
    let src = format!("extra:\n  x: {}{}\n", "[".repeat(5000), "]".repeat(5000));
    let p = Project::new(&[("data/x/2018.yaml", &src)]);
    let d = only(load_err(&p, "data/x/2018.yaml"));
    assert_eq!(d.id, "yaml.depth");
}

#[test]
fn huge_files_are_refused_before_parsing() {
    let p = Project::new(&[]);
    let big = format!("{MINIMAL}extra:\n  filler: \"{}\"\n", "长".repeat(600_000));
    p.write("data/x/2018.yaml", big.as_bytes());
    let d = only(load_err(&p, "data/x/2018.yaml"));
    assert_eq!(d.id, "file.too-large");
    assert!(d.message.contains("最大 1 MB"), "{}", d.message);
}

#[test]
fn year_comes_from_the_file_name_or_must_agree() {
    let p = Project::new(&[("data/x/2018.yaml", MINIMAL), ("data/x/notes.yaml", MINIMAL)]);
    assert_eq!(data::load(&p.path("data/x/2018.yaml")).unwrap().derived.report_year, 2018);
    assert_eq!(only(load_err(&p, "data/x/notes.yaml")).id, "data.year");
    let p = Project::new(&[("data/x/2018.yaml", &format!("{MINIMAL}year: 2019\n"))]);
    assert!(only(load_err(&p, "data/x/2018.yaml")).message.contains("文件名是 2018.yaml"));
}

#[test]
fn common_file_merges_under_the_county() {
    let common = "sector: 卫生计生\nissuer: 共用局\nextra:\n  city: 长治市\n  tags: [甲, 乙]\nclosing: [共用结尾。]\n";
    let county = format!("{MINIMAL}extra:\n  tags: [丙]\n  own: 自有\n");
    let p = Project::new(&[("data/_common.yaml", common), ("data/x/2018.yaml", &county)]);
    let loaded = data::load(&p.path("data/x/2018.yaml")).unwrap();
    let r = &loaded.report;
    // Keys only in the common file come through.
    assert_eq!(r.sector, "卫生计生");
    assert_eq!(r.closing.0, [data::model::Paragraph::Text("共用结尾。".into())]);
    // A scalar in the county file wins.
    assert_eq!(r.issuer, "样例县卫生健康局");
    // Maps merge key by key; a list in the county file replaces the common one.
    let extra = yaml_serde::to_string(&r.extra).unwrap();
    assert!(extra.contains("city: 长治市"), "{extra}");
    assert!(extra.contains("own: 自有"), "{extra}");
    assert!(extra.contains("- 丙") && !extra.contains("甲"), "{extra}");
    assert_eq!(loaded.inputs.len(), 2);
}

#[test]
fn errors_in_the_common_file_point_there() {
    let p = Project::new(&[("data/_common.yaml", "sector: [不是文字]\n"), ("data/x/2018.yaml", MINIMAL)]);
    let d = only(load_err(&p, "data/x/2018.yaml"));
    let loc = d.location.unwrap();
    assert!(loc.file.ends_with("_common.yaml"), "{}", loc.file);
    assert_eq!(loc.line, 1);
}

const METRICS_2018: &str = "
review:
  sections:
    - title: 甲
      items:
        - title: 乙
          paragraphs: 正文。
          metrics:
            - { id: signing_rate, name: 签约率, numerator: 183131, denominator: 276633, unit: \"%\" }
            - { id: investment, name: 投入, value: 338.3, unit: 万元 }
            - { id: wage, name: 工资, value: 800, prior: 600, unit: 元/月 }
            - { id: drug_ratio, name: 药占比, value: 33.8, unit: \"%\", better: lower }
            - { id: flat, name: 持平项, value: 12, prior: 12, unit: 个 }
            - { id: screened, name: 筛查, value: 7703, unit: 人 }
";

const PRIOR_2017: &str = "
review:
  metrics:
    - { id: signing_rate, name: 签约率, value: 45.3, unit: \"%\" }
    - { id: investment, name: 投入, value: 300.7, unit: 万元 }
    - { id: drug_ratio, name: 药占比, value: 36.0, unit: \"%\" }
plan:
  targets:
    - { id: signing_rate, name: 签约率, value: 60, unit: \"%\" }
    - { id: drug_ratio, name: 药占比, value: 35, unit: \"%\", better: lower }
    - { id: screened, name: 筛查, value: 8000, unit: 人 }
    - { id: wage, name: 工资, value: 800, unit: 元/月 }
";

#[test]
fn derived_figures() {
    let prior = MINIMAL.replace("2018", "2017") + PRIOR_2017;
    let p = Project::new(&[("data/x/2018.yaml", &format!("{MINIMAL}{METRICS_2018}")), ("data/x/2017.yaml", &prior)]);
    let loaded = data::load(&p.path("data/x/2018.yaml")).unwrap();
    let r = &loaded.derived;
    assert_eq!(r.whole, "全县");
    assert_eq!(r.short, "样例");
    // What was written stays as written.
    assert_eq!(loaded.report.unit.short, None);
    assert_eq!((r.report_year, r.review_year), (2018, 2017));
    let m = |id: &str| r.metrics.get(id).unwrap_or_else(|| panic!("{id}"));

    // A rate from numerator/denominator, one decimal by default.
    assert_eq!(m("signing_rate").text, "66.2%");
    // Change of a rate in points, against last year's file.
    assert_eq!(m("signing_rate").change.as_ref().unwrap().text, "提高20.9个百分点");
    // Change of an amount, relative.
    assert_eq!(m("investment").change.as_ref().unwrap().text, "增长12.5%");
    assert_eq!(m("investment").prior_text.as_deref(), Some("300.7万元"));
    // A prior typed in the file wins over last year's file.
    assert_eq!(m("wage").change.as_ref().unwrap().text, "增长33.3%");
    assert_eq!(m("flat").change.as_ref().unwrap().text, "持平");
    assert_eq!(m("drug_ratio").change.as_ref().unwrap().text, "下降2.2个百分点");
    // Completion of last year's targets, matched by id.
    let t = m("signing_rate").target.as_ref().unwrap();
    assert_eq!((t.status, t.ratio_text.as_str(), t.text.as_str()), ("超额完成", "110.3%", "超额完成（110.3%）"));
    assert_eq!(m("screened").target.as_ref().unwrap().text, "未完成（96.3%）");
    assert_eq!(m("wage").target.as_ref().unwrap().status, "完成");
    // Lower is better: 33.8% against a ceiling of 35%.
    assert_eq!(m("drug_ratio").target.as_ref().unwrap().status, "超额完成");
    // No target last year: no completion.
    assert!(m("investment").target.is_none());
    assert!(loaded.inputs.iter().any(|i| i.ends_with("2017.yaml")));
}

#[test]
fn metric_validation_reports_every_problem() {
    let src = format!(
        "{MINIMAL}review:\n  metrics:\n    - {{ id: a, name: 甲, unit: \"%\" }}\n    - {{ id: a, name: 乙, numerator: 1, denominator: 0, unit: \"%\" }}\n    - {{ id: c, name: 丙, value: 3, parts: [a, x] }}\n"
    );
    let p = Project::new(&[("data/x/2018.yaml", &src)]);
    let errors = load_err(&p, "data/x/2018.yaml");
    let ids: Vec<_> = errors.iter().map(|d| d.id).collect();
    assert_eq!(ids, ["data.missing-value", "data.duplicate-id", "data.denominator", "data.parts"], "{errors:#?}");
    assert_eq!(errors[2].location.as_ref().unwrap().line, 17);
}

const FIGURES_2017: &str = "kind: figures\nunit: { name: 样例县, level: 县 }\nissuer: 样例县卫生健康局\n";

/// Last year's figures alone (`kind: figures`, no title, no prose) feed the
/// comparisons exactly as a full report of last year does.
#[test]
fn a_figures_file_gives_last_years_figures_and_targets() {
    let full = MINIMAL.replace("2018", "2017") + PRIOR_2017;
    let bare = format!("{FIGURES_2017}{PRIOR_2017}");
    let derived = |prior: &str| {
        let p = Project::new(&[("data/x/2018.yaml", &format!("{MINIMAL}{METRICS_2018}")), ("data/x/2017.yaml", prior)]);
        let r = data::load(&p.path("data/x/2018.yaml")).unwrap().derived;
        r.metrics
            .values()
            .map(|m| (m.change.clone().map(|c| c.text), m.target.clone().map(|t| t.text)))
            .collect::<Vec<_>>()
    };
    let from_figures = derived(&bare);
    assert_eq!(from_figures, derived(&full));
    assert_eq!(from_figures[0], (Some("提高20.9个百分点".into()), Some("超额完成（110.3%）".into())));
}

/// A figures file is not a report: rendering it is refused at its `kind`,
/// naming the year it serves.
#[test]
fn a_figures_file_is_not_rendered() {
    let p = Project::new(&[("data/x/2017.yaml", &format!("{FIGURES_2017}{PRIOR_2017}"))]);
    let d = only(load_err(&p, "data/x/2017.yaml"));
    assert_eq!(d.id, "data.figures-only");
    assert_eq!(d.message, "这个文件只含 2016 年的指标和 2017 年的目标（kind: figures），不生成报告");
    assert_eq!(d.help.as_deref(), Some("它为 2018.yaml 的同比和完成情况提供数据；请生成那一年的报告"));
    assert_eq!(d.location.unwrap().line, 1);
}

/// Last year's file is validated as this year's is: a duplicate id there is an
/// error located in it, not a silently wrong comparison.
#[test]
fn errors_in_last_years_file_point_there() {
    let bad = format!("{FIGURES_2017}{PRIOR_2017}    - {{ id: drug_ratio, name: 药占比, value: 34, unit: \"%\" }}\n");
    let p = Project::new(&[("data/x/2018.yaml", &format!("{MINIMAL}{METRICS_2018}")), ("data/x/2017.yaml", &bad)]);
    let d = only(load_err(&p, "data/x/2018.yaml"));
    assert_eq!(d.id, "data.duplicate-id");
    let loc = d.location.unwrap();
    assert!(loc.file.ends_with("2017.yaml"), "{}", loc.file);
    assert_eq!(loc.line, 16);
}

/// A report must have a title; only a figures file may leave it out.
#[test]
fn a_report_without_a_title_is_an_error() {
    let p = Project::new(&[("data/x/2018.yaml", &MINIMAL.replace("title: 标题\n", ""))]);
    let d = only(load_err(&p, "data/x/2018.yaml"));
    assert_eq!((d.id, d.message.as_str()), ("data.missing-key", "缺少必填的键 `title`（报告的标题）"));
    assert!(d.location.unwrap().file.ends_with("2018.yaml"));
}

/// The Markdown `nianbao render` writes for `data/x/2018.yaml` of `p`.
fn markdown(p: &Project) -> String {
    let dir = p.path("out");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(["render", "data/x/2018.yaml", "--format", "md", "--out", dir.to_str().unwrap()])
        .current_dir(p.dir.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let dir = p.path("out/x/2018");
    let file = std::fs::read_dir(&dir).unwrap().flatten().find(|e| e.path().extension().is_some_and(|x| x == "md"));
    std::fs::read_to_string(file.unwrap().path()).unwrap()
}

/// A figure in the prose is written once: `{=id}` and `{=id.field}` print
/// the metric's derived text, and ordinary braces are left alone.
#[test]
fn prose_refers_to_figures_by_id() {
    let prior = MINIMAL.replace("2018", "2017") + PRIOR_2017;
    let prose = "签约率达到{=signing_rate}，比上年（{=signing_rate.prior}）{=signing_rate.change}，\
                 年度目标{=signing_rate.target}{=signing_rate.completion}；投入{=investment.number}万元，{x}不变。";
    let data = format!("{MINIMAL}{METRICS_2018}").replace("paragraphs: 正文。", &format!("paragraphs: {prose}"));
    let p = Project::new(&[("data/x/2018.yaml", &data), ("data/x/2017.yaml", &prior)]);
    let md = markdown(&p);
    let want =
        "签约率达到66.2%，比上年（45.3%）提高20.9个百分点，年度目标60%超额完成（110.3%）；投入338.3万元，{x}不变。";
    assert!(md.contains(want), "{md}");
    assert!(!md.contains("{="), "{md}");
}

/// A reference to an id that does not exist is an error at the reference,
/// with the nearest id suggested; so is a figure that cannot be worked out.
#[test]
fn an_unknown_reference_is_a_located_error() {
    let data = format!("{MINIMAL}{METRICS_2018}")
        .replace("paragraphs: 正文。", "paragraphs: 签约率{=signing_rat}，投入{=investment.change}。");
    let p = Project::new(&[("data/x/2018.yaml", &data)]);
    let errors = load_err(&p, "data/x/2018.yaml");
    let ids: Vec<_> = errors.iter().map(|d| d.id).collect();
    assert_eq!(ids, ["data.reference", "data.reference"], "{errors:#?}");
    let e = &errors[0];
    assert_eq!(e.message, "引用了不存在的指标或目标“signing_rat”");
    assert_eq!(e.help.as_deref(), Some("是不是 {=signing_rate}？"));
    assert_eq!(e.path.as_deref(), Some("review.sections[0].items[0].paragraphs"));
    let loc = e.location.as_ref().unwrap();
    assert_eq!((loc.line, loc.column), (20, 26));
    // No last year: nothing to compare with.
    assert!(errors[1].message.contains("没有上年数"), "{}", errors[1].message);
}

/// A reference left open is an error at its own `{=`, not at the first
/// reference of the text; the references after it are still resolved.
#[test]
fn an_unclosed_reference_is_located_where_it_opens() {
    for (typed, column) in
        [("签约率{=signing_rate}，投入{=investment。", 44), ("签约率{=signing_rate，投入{=investment}。", 26)]
    {
        let data = format!("{MINIMAL}{METRICS_2018}").replace("paragraphs: 正文。", &format!("paragraphs: {typed}"));
        let p = Project::new(&[("data/x/2018.yaml", &data)]);
        let d = only(load_err(&p, "data/x/2018.yaml"));
        assert_eq!((d.id, d.message.as_str()), ("data.reference", "引用没有写完：`{=` 后面缺少 `}`"), "{typed}");
        let loc = d.location.as_ref().unwrap();
        assert_eq!((loc.line, loc.column), (20, column), "{typed}");
    }
}

/// A reference inside a paragraph of points is located in the point that
/// holds it.
#[test]
fn a_reference_in_points_is_located_in_its_point() {
    let data = format!(
        "{MINIMAL}{METRICS_2018}closing:\n  - lead: 我们要\n    points:\n      - 签约率{{=signing_rate}}；\n      - 投入{{=investmnt}}。\n"
    );
    let p = Project::new(&[("data/x/2018.yaml", &data)]);
    let d = only(load_err(&p, "data/x/2018.yaml"));
    assert_eq!(d.id, "data.reference");
    assert_eq!(d.path.as_deref(), Some("closing[0].points[1]"));
    let loc = d.location.as_ref().unwrap();
    assert_eq!((loc.line, loc.column), (32, 11));
}
