//! Templates: errors name the template and line; loops run out of fuel; data
//! can never change the document's structure; the genre's filters work in templates.

mod common;

use common::{MINIMAL, Project};
use nianbao::doc::Block;
use nianbao::render;
use nianbao::template::Templates;

/// The Markdown a report at data/x/2018.yaml with `data` renders to with
/// the built-in templates.
fn markdown(data: &str) -> String {
    let p = Project::new(&[("data/x/2018.yaml", data)]);
    let built = render::build(&p.path("data/x/2018.yaml"), &Templates::new(None), None).unwrap();
    nianbao::writer::markdown::write(&built.doc)
}

fn build_with(p: &Project, template: &str) -> Result<render::Built, nianbao::diag::Errors> {
    let templates = Templates::new(Some(&p.path("templates")));
    render::build(&p.path("data/x/2018.yaml"), &templates, Some(template))
}

const HEAD: &str = "---\nfile: t\ndate: 2018-01-01\n---\n\n";

#[test]
fn a_typo_in_a_template_names_the_template_and_line() {
    let tpl = format!("{HEAD}# {{{{ unit.name }}}}\n\n{{{{ unit.nmae }}}}\n");
    let p = Project::new(&[("data/x/2018.yaml", MINIMAL), ("templates/mine.md.j2", &tpl)]);
    let e = build_with(&p, "mine.md.j2").unwrap_err();
    let d = &e.0[0];
    assert_eq!(d.id, "template.undefined");
    let loc = d.location.as_ref().unwrap();
    assert!(loc.file.ends_with("templates/mine.md.j2"), "{}", loc.file);
    assert_eq!(loc.line, 8);
    assert_eq!(loc.source_line.as_deref(), Some("{{ unit.nmae }}"));
    assert!(d.message.contains("未定义"), "{}", d.message);
}

#[test]
fn an_error_in_an_included_template_points_into_it() {
    let p = Project::new(&[
        ("data/x/2018.yaml", MINIMAL),
        ("templates/main.md.j2", &format!("{HEAD}{{% include \"part.md.j2\" %}}\n")),
        ("templates/part.md.j2", "正文\n\n{{ speaker.nmae }}\n"),
    ]);
    let d = &build_with(&p, "main.md.j2").unwrap_err().0[0];
    let loc = d.location.as_ref().unwrap();
    assert!(loc.file.ends_with("part.md.j2"), "{}", loc.file);
    assert_eq!(loc.line, 3);
}

#[test]
fn a_looping_template_runs_out_of_fuel() {
    let tpl =
        format!("{HEAD}{{% for i in range(100000) %}}{{% for j in range(100000) %}}{{% endfor %}}{{% endfor %}}\n");
    let p = Project::new(&[("data/x/2018.yaml", MINIMAL), ("templates/loop.md.j2", &tpl)]);
    let d = &build_with(&p, "loop.md.j2").unwrap_err().0[0];
    assert_eq!(d.id, "template.fuel");
    assert!(d.message.contains("死循环"), "{}", d.message);
}

#[test]
fn runaway_recursion_is_stopped() {
    let tpl = format!("{HEAD}{{% macro f(n) %}}{{{{ f(n + 1) }}}}{{% endmacro %}}{{{{ f(0) }}}}\n");
    let p = Project::new(&[("data/x/2018.yaml", MINIMAL), ("templates/rec.md.j2", &tpl)]);
    let d = &build_with(&p, "rec.md.j2").unwrap_err().0[0];
    assert!(d.id == "template.recursion" || d.id == "template.fuel", "{d}");
}

#[test]
fn printing_a_missing_optional_value_is_an_error_not_a_blank() {
    let tpl = format!("{HEAD}{{{{ subtitle }}}}\n");
    let p = Project::new(&[("data/x/2018.yaml", MINIMAL), ("templates/none.md.j2", &tpl)]);
    let d = &build_with(&p, "none.md.j2").unwrap_err().0[0];
    assert!(d.message.contains("空值"), "{}", d.message);
}

#[test]
fn data_cannot_change_the_structure() {
    let nasty = "# 不是标题 | 不是表格 | *不是强调* <b>不是HTML</b> 1. 不是列表 {.title} \\\\ 20230%";
    let data = MINIMAL
        .replace("opening: 开场。", &format!("opening: \"{nasty}\""))
        .replace("title: 标题", "title: \"*粗* # 标题\"");
    let p = Project::new(&[("data/x/2018.yaml", &data)]);
    let built = render::build(&p.path("data/x/2018.yaml"), &Templates::new(None), None).unwrap();
    let paragraphs: Vec<String> = built
        .doc
        .blocks
        .iter()
        .filter_map(|b| if let Block::Paragraph(t) = b { Some(t.plain()) } else { None })
        .collect();
    assert_eq!(paragraphs, [nasty.replace("\\\\", "\\")]);
    let Block::Title(lines) = &built.doc.blocks[0] else { panic!("{:?}", built.doc.blocks[0]) };
    assert_eq!(lines[0].plain(), "*粗* # 标题");
    assert!(lines[0].spans.iter().all(|s| !s.strong));
}

#[test]
fn filters_in_templates() {
    let tpl = format!(
        "{HEAD}{{{{ 27|cn }}}} {{{{ 110|cn }}}} {{{{ 2|ordinal }}}} {{{{ 3|ordinal(\"（{{}}）\") }}}} {{{{ 0.662|percent }}}} \
         {{{{ 0.0049|permille(decimals=2) }}}} {{{{ 3383000|yuan }}}} {{{{ 112.5|change(100) }}}} \
         {{{{ 66.2|change(63, kind=\"rate\") }}}} {{{{ meeting.date|cn_date }}}} {{{{ meeting.date|cn_date(\"chinese\") }}}} \
         {{{{ [\"甲\", \"乙\", \"丙\"]|join_cn }}}} {{{{ 2.675|number(2) }}}}\n"
    );
    let p = Project::new(&[("data/x/2018.yaml", MINIMAL), ("templates/f.md.j2", &tpl)]);
    let built = build_with(&p, "f.md.j2").unwrap();
    let Block::Paragraph(t) = &built.doc.blocks[0] else { panic!() };
    assert_eq!(
        t.plain(),
        "二十七 一百一十 二是 （三） 66.2% 4.90‰ 338.3万元 增长12.5% 提高3.2个百分点 2018年3月1日 二〇一八年三月一日 甲、乙和丙 2.68"
    );
}

#[test]
fn a_filter_given_a_wrong_argument_says_so() {
    let tpl = format!("{HEAD}{{{{ 5|yuan(unit=\"美元\") }}}}\n");
    let p = Project::new(&[("data/x/2018.yaml", MINIMAL), ("templates/f.md.j2", &tpl)]);
    let d = &build_with(&p, "f.md.j2").unwrap_err().0[0];
    assert!(d.message.contains("元、万元、亿元"), "{}", d.message);
    assert_eq!(d.location.as_ref().unwrap().line, 6);
}

#[test]
fn a_project_template_overrides_a_builtin_and_can_extend_builtins() {
    let tpl = "{% extends \"speech.md.j2\" %}{% block body %}自定义正文。\n{% endblock %}\n";
    let p = Project::new(&[("data/x/2018.yaml", MINIMAL), ("templates/speech.md.j2", tpl)]);
    let err = build_with(&p, "speech.md.j2").unwrap_err();
    // extends "speech.md.j2" from itself would recurse; the project file shadows the built-in.
    assert!(!err.0.is_empty());
    let p = Project::new(&[("data/x/2018.yaml", MINIMAL), ("templates/mine.md.j2", tpl)]);
    let built = build_with(&p, "mine.md.j2").unwrap();
    assert!(matches!(built.doc.blocks.last(), Some(Block::Paragraph(t)) if t.plain() == "自定义正文。"));
    assert!(matches!(built.doc.blocks[0], Block::Title(_)));
}

/// The cells of the table following the heading `caption` in the document.
fn table_after(doc: &nianbao::doc::Document, caption: &str) -> Vec<Vec<String>> {
    let at = doc
        .blocks
        .iter()
        .position(|b| matches!(b, Block::Heading(h) if h.text.plain() == caption))
        .unwrap_or_else(|| panic!("no heading {caption}"));
    match &doc.blocks[at + 1] {
        Block::Table(t) => t.rows.iter().map(|r| r.iter().map(|c| c.plain()).collect()).collect(),
        other => panic!("expected a table after {caption}, got {other:?}"),
    }
}

#[test]
fn the_speech_ends_with_the_indicator_attachment_from_the_derived_figures() {
    let last_year = MINIMAL.replace("2018", "2017")
        + "review:\n  metrics:\n    - { id: rate, name: 签约率, value: 45.3, unit: \"%\" }\n    \
           - { id: beds, name: 床位数, value: 400, unit: 张 }\n\
           plan:\n  targets:\n    - { id: rate, name: 签约率, value: 60, unit: \"%\" }\n    \
           - { id: beds, name: 床位数, value: 500, unit: 张 }\n";
    let this_year = MINIMAL.to_string()
        + "review:\n  metrics:\n    - { id: rate, name: 签约率, numerator: 662, denominator: 1000, unit: \"%\", key: true }\n    \
           - { id: beds, name: 床位数, value: 450, unit: 张, key: true }\n    - { id: new, name: 新指标, value: 3, unit: 个 }\n    \
           - { id: cover, name: 覆盖率, value: 97.25, unit: \"%\", key: true }\n\
           plan:\n  targets:\n    - { id: rate, name: 签约率, value: 70, unit: \"%\", deadline: 2018-12 }\n";
    let p = Project::new(&[("data/x/2017.yaml", &last_year), ("data/x/2018.yaml", &this_year)]);
    let doc = build_with(&p, "speech.md.j2").unwrap().doc;
    let attachment = doc.blocks.iter().rev().find_map(|b| match b {
        Block::Attachment(a) => Some(a.title.plain()),
        _ => None,
    });
    assert_eq!(attachment.as_deref(), Some("2017年主要指标完成情况和2018年主要目标"));
    // Unit in its own column; figures as the data has them (a rate derived from
    // numerator/denominator to 1 decimal), change and completion derived.
    assert_eq!(
        table_after(&doc, "2017年主要指标完成情况"),
        [
            ["签约率", "%", "45.3", "66.2", "提高20.9个百分点", "60", "超额完成（110.3%）"],
            ["床位数", "张", "400", "450", "增长12.5%", "500", "未完成（90.0%）"],
            ["新指标", "个", "—", "3", "—", "—", "—"],
            ["覆盖率", "%", "—", "97.25", "—", "—", "—"],
        ]
    );
    assert_eq!(table_after(&doc, "2018年主要目标"), [["签约率", "%", "70", "2018年12月"]]);
    let columns = doc.blocks.iter().find_map(|b| match b {
        Block::Table(t) => Some(t.columns.clone()),
        _ => None,
    });
    use nianbao::doc::Align::*;
    assert_eq!(columns.unwrap(), [Left, Center, Decimal, Decimal, Left, Decimal, Left]);
    // One chart per unit over the key metrics: last year, this year, last year's target.
    let charts: Vec<_> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Chart(c) => Some(c),
            _ => None,
        })
        .collect();
    assert_eq!(charts.len(), 2);
    assert_eq!(charts[0].title, "2017年主要指标对比（%）");
    assert_eq!(charts[0].series, ["2016年", "2017年", "年度目标"]);
    let values =
        |c: &nianbao::doc::Chart| c.categories.iter().map(|c| (c.name.clone(), c.values.clone())).collect::<Vec<_>>();
    assert_eq!(
        values(charts[0]),
        [
            ("签约率".to_string(), vec![Some(45.3), Some(66.2), Some(60.0)]),
            ("覆盖率".to_string(), vec![None, Some(97.25), None])
        ]
    );
    assert_eq!(
        (charts[1].unit.as_str(), values(charts[1])),
        ("张", vec![("床位数".to_string(), vec![Some(400.0), Some(450.0), Some(500.0)])])
    );
    assert!(matches!(doc.blocks.last(), Some(Block::Paragraph(t)) if t.plain() == "数据来源：样例县卫生健康局。"));
}

#[test]
fn key_points_end_with_the_issuing_body_and_date() {
    let data = MINIMAL.replace("kind: speech", "kind: key-points") + "date: 2018-03-02\nplan:\n  requirement: 要求。\n";
    let p = Project::new(&[("data/x/2018.yaml", &data)]);
    let doc = build_with(&p, "key-points.md.j2").unwrap().doc;
    match doc.blocks.last() {
        Some(Block::Signature(lines)) => {
            assert_eq!(lines.iter().map(|l| l.plain()).collect::<Vec<_>>(), ["样例县卫生健康局", "2018年3月2日"])
        }
        other => panic!("expected the signature last, got {other:?}"),
    }
}

#[test]
fn chinese_numerals_take_every_integer_and_refuse_what_is_not_one() {
    let tpl = format!("{HEAD}{{{{ (-9223372036854775807-1)|cn }}}}\n");
    let p = Project::new(&[("data/x/2018.yaml", MINIMAL), ("templates/f.md.j2", &tpl)]);
    let built = build_with(&p, "f.md.j2").unwrap();
    let Block::Paragraph(t) = &built.doc.blocks[0] else { panic!() };
    assert_eq!(t.plain(), "负九百二十二亿亿三千三百七十二万亿零三百六十八亿五千四百七十七万五千八百零八");
    for (value, why) in [("1e300", "太大"), ("2.5", "不是整数"), ("\"十\"", "不是数字")] {
        let tpl = format!("{HEAD}{{{{ {value}|cn }}}}\n");
        let p = Project::new(&[("data/x/2018.yaml", MINIMAL), ("templates/f.md.j2", &tpl)]);
        let d = &build_with(&p, "f.md.j2").unwrap_err().0[0];
        assert_eq!(d.id, "template.error", "{d}");
        assert!(d.message.contains("cn 需要一个整数") && d.message.contains(why), "{}", d.message);
        assert_eq!(d.location.as_ref().unwrap().line, 6);
    }
}

/// A template that nests a list in itself 28 times (2^28 copies of "ab", a
/// few hundred bytes of template) and then spells it out with `use`.
fn doubling(use_: &str) -> String {
    let mut t = String::from(HEAD);
    t.push_str("{% set s0 = [\"ab\"] %}\n");
    for i in 1..=28 {
        t.push_str(&format!("{{% set s{i} = [s{0}, s{0}] %}}\n", i - 1));
    }
    t.push_str(use_);
    t.push('\n');
    t
}

#[test]
fn a_template_that_spells_out_a_doubled_list_is_stopped_by_size() {
    for use_ in [
        "{{ s28 }}",
        "{{ s28|string }}",
        "{{ s28|join }}",
        "{{ s28|tojson }}",
        "{{ s28|pprint }}",
        "{{ s28|join_cn }}",
        "{{ s28|upper }}",
        "{{ s28|map(\"string\")|list }}",
    ] {
        let p = Project::new(&[("data/x/2018.yaml", MINIMAL), ("templates/big.md.j2", &doubling(use_))]);
        let d = &build_with(&p, "big.md.j2").unwrap_err().0[0];
        assert_eq!(d.id, "template.size", "{use_}: {d}");
        assert!(d.message.contains("超过 8 MB"), "{}", d.message);
        let loc = d.location.as_ref().unwrap();
        assert!(loc.file.ends_with("templates/big.md.j2"), "{}", loc.file);
        assert_eq!(loc.line, 35, "{use_}");
    }
}

#[test]
fn a_template_whose_output_grows_past_the_limit_is_stopped() {
    // Each line is a few bytes; the loop writes 10 MB without a single large value.
    let tpl = format!(
        "{HEAD}{{% for i in range(100000) %}}{{{{ \"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十\" }}}}\n{{% endfor %}}"
    );
    let p = Project::new(&[("data/x/2018.yaml", MINIMAL), ("templates/long.md.j2", &tpl)]);
    let d = &build_with(&p, "long.md.j2").unwrap_err().0[0];
    assert_eq!(d.id, "template.size", "{d}");
    assert!(d.message.contains("模板生成的内容超过 8 MB"), "{}", d.message);
}

/// The wording a built-in template adds around the data is the data's when
/// it says so (`phrases:`), in every genre; unset, the genre's own.
/// In a first year (no data for the year before) and without targets, the
/// attachment's table prints no column of dashes only: no last year, change,
/// target or completion; no deadline column for targets without one; and the
/// key metrics' chart has this year's bars alone.
#[test]
fn an_indicator_column_no_metric_has_a_figure_for_is_left_out() {
    let data = MINIMAL.to_string()
        + "review:\n  metrics:\n    - { id: rate, name: 签约率, value: 66.2, unit: \"%\", key: true }\n    \
           - { id: beds, name: 床位数, value: 450, unit: 张 }\n\
           plan:\n  targets:\n    - { id: rate, name: 签约率, value: 70, unit: \"%\" }\n";
    let p = Project::new(&[("data/x/2018.yaml", &data)]);
    let doc = build_with(&p, "speech.md.j2").unwrap().doc;
    let header = |caption: &str| {
        let at = doc.blocks.iter().position(|b| matches!(b, Block::Heading(h) if h.text.plain() == caption)).unwrap();
        match &doc.blocks[at + 1] {
            Block::Table(t) => t.header.iter().map(|c| c.plain()).collect::<Vec<_>>(),
            other => panic!("expected a table after {caption}, got {other:?}"),
        }
    };
    assert_eq!(header("2017年主要指标完成情况"), ["指标", "单位", "2017年"]);
    assert_eq!(table_after(&doc, "2017年主要指标完成情况"), [["签约率", "%", "66.2"], ["床位数", "张", "450"]]);
    assert_eq!(header("2018年主要目标"), ["指标", "单位", "目标值"]);
    assert_eq!(table_after(&doc, "2018年主要目标"), [["签约率", "%", "70"]]);
    let chart = doc.blocks.iter().find_map(|b| match b {
        Block::Chart(c) => Some(c),
        _ => None,
    });
    let chart = chart.expect("a chart of the key metric");
    assert_eq!(chart.series, ["2017年"]);
    assert_eq!(chart.categories[0].values, [Some(66.2)]);
}

/// The honours continue the summary's sentence, or start their own after a
/// summary that ends with 。; an honour's own closing mark gives way to the
/// ； or 。 that joins them.
#[test]
fn honours_follow_the_summary_whatever_mark_it_ends_with() {
    let honours = "  honours:\n    - text: 获评省级先进单位。\n    - { date: 2017-11, text: 被评为示范县 }\n";
    for (summary, joined) in [
        ("工作取得新成效", "工作取得新成效，获评省级先进单位；2017年11月，被评为示范县。"),
        ("工作取得新成效。", "工作取得新成效。获评省级先进单位；2017年11月，被评为示范县。"),
        ("工作取得新成效，", "工作取得新成效，获评省级先进单位；2017年11月，被评为示范县。"),
    ] {
        let md = markdown(&format!("{MINIMAL}review:\n  summary: {summary}\n{honours}"));
        assert!(md.contains(joined), "{summary}: {md}");
    }
}

#[test]
fn phrases_replace_the_templates_wording() {
    let plan = "plan:\n  requirement: 坚持以人民健康为中心。\n  sections:\n    - title: 深化改革\n      items:\n        - title: 推进分级诊疗\n          paragraphs: 正文。\n";
    let phrases =
        "phrases:\n  requirement: 2018年是开局之年。全县卫生健康工作的总体思路是：\n  tasks: 重点抓好以下工作：\n";
    for (kind, default_requirement, default_tasks) in [
        ("speech", "全县卫生健康工作的总体要求是：坚持以人民健康为中心。", Some("重点抓好一个方面1项重点工作。")),
        ("key-points", "2018年，全县卫生健康工作的总体要求是：坚持以人民健康为中心。", Some("重点做好以下工作：")),
        ("work-report", "2018年全县卫生健康工作的总体思路是：坚持以人民健康为中心。", None),
        ("plan", "坚持以人民健康为中心。", None),
    ] {
        let base = MINIMAL.replace("kind: speech", &format!("kind: {kind}"));
        let md = |data: &str| {
            let p = Project::new(&[("data/x/2018.yaml", data)]);
            let templates = Templates::new(None);
            let built = render::build(&p.path("data/x/2018.yaml"), &templates, None).unwrap();
            nianbao::writer::markdown::write(&built.doc)
        };
        let plain = md(&format!("{base}{plan}"));
        assert!(plain.contains(default_requirement), "{kind}: {plain}");
        if let Some(t) = default_tasks {
            assert!(plain.contains(t), "{kind}: {plain}");
        }
        // A requirement written with its own lead-in is not led a second time.
        let led = md(&format!("{base}{}", plan.replace("坚持以", "2018年全县卫生健康工作的总体要求是：坚持以")));
        assert!(led.contains("2018年全县卫生健康工作的总体要求是：坚持以人民健康为中心。"), "{kind}: {led}");
        assert_eq!(led.matches("总体").count(), 1, "{kind}: {led}");
        let own = md(&format!("{base}{plan}{phrases}"));
        assert!(
            own.contains("2018年是开局之年。全县卫生健康工作的总体思路是：坚持以人民健康为中心。"),
            "{kind}: {own}"
        );
        assert!(own.contains("重点抓好以下工作："), "{kind}: {own}");
        assert!(
            !own.contains("总体要求是") && !own.contains("重点做好") && !own.contains("项重点工作"),
            "{kind}: {own}"
        );
    }
}

/// A plan's indicator table shows, beside each target, the review's value of
/// the same id (the base it is set from), and — for a target without one; a
/// plan without such values keeps the three columns.
#[test]
fn a_plans_targets_stand_beside_the_reviews_values() {
    let base = MINIMAL.replace("kind: speech", "kind: plan");
    let plan = "plan:\n  targets:\n    - { id: life, name: 人均预期寿命, value: 78.5, unit: 岁, deadline: 2025-12 }\n    - { id: gp, name: 每万人口全科医生数, value: 3.5, unit: 人 }\n  sections:\n    - title: 深化改革\n      items:\n        - title: 推进分级诊疗\n          paragraphs: 正文。\n";
    let review = "review:\n  summary: 发展取得成效\n  sections:\n    - title: 健康水平提高\n      items:\n        - title: 指标向好\n          paragraphs: 人均预期寿命达到77.6岁。\n          metrics:\n            - { id: life, name: 人均预期寿命, value: 77.6, unit: 岁 }\n";
    let table = |data: &str| {
        let p = Project::new(&[("data/x/2018.yaml", data)]);
        let built = render::build(&p.path("data/x/2018.yaml"), &Templates::new(None), None).unwrap();
        let t = built.doc.blocks.iter().find_map(|b| match b {
            Block::Table(t) => Some(t.clone()),
            _ => None,
        });
        let t = t.expect("the indicator table");
        let header: Vec<String> = t.header.iter().map(|c| c.plain()).collect();
        let rows: Vec<Vec<String>> = t.rows.iter().map(|r| r.iter().map(|c| c.plain()).collect()).collect();
        (header, rows)
    };
    let (header, rows) = table(&format!("{base}{review}{plan}"));
    assert_eq!(header, ["指标", "2017年", "目标值", "完成时限"]);
    assert_eq!(rows, [["人均预期寿命", "77.6岁", "78.5岁", "2025年12月"], ["每万人口全科医生数", "—", "3.5人", ""]]);
    let (header, rows) = table(&format!("{base}{plan}"));
    assert_eq!(header, ["指标", "目标值", "完成时限"]);
    assert_eq!(rows[0], ["人均预期寿命", "78.5岁", "2025年12月"]);
}

/// A banner (旗) of Inner Mongolia, an autonomous prefecture (州) and a league
/// (盟) are units of their own level: 全旗, 全州, 全盟 wherever the templates
/// say 全县, and the English names are accepted too.
#[test]
fn banners_prefectures_and_leagues_speak_of_themselves() {
    for (name, level, whole) in
        [("鄂温克族自治旗", "旗", "全旗"), ("延边朝鲜族自治州", "prefecture", "全州"), ("锡林郭勒盟", "league", "全盟")]
    {
        let data = MINIMAL
            .replace("kind: speech", "kind: key-points")
            .replace("样例县", name)
            .replace("level: 县", &format!("level: {level}"))
            + "plan:\n  requirement: 坚持以人民健康为中心。\n";
        let md = markdown(&data);
        assert!(md.contains(&format!("2018年，{whole}卫生健康工作的总体要求是：")), "{name}: {md}");
        assert!(!md.contains("全县"), "{name}: {md}");
    }
}

/// A general requirement pasted whole from last year's document, as seed 002
/// (a province's key points) writes it: a sentence that sets the scene, its
/// own lead-in, and the line that announces the tasks. Each is printed once.
#[test]
fn a_requirement_pasted_with_its_lead_in_and_announcement_is_printed_once() {
    let requirement = "2018年是开局之年。全县卫生健康工作的总体思路是：坚持以人民健康为中心。重点抓好以下工作：";
    let plan = format!(
        "plan:\n  requirement: {requirement}\n  sections:\n    - title: 深化改革\n      items:\n        - title: 推进分级诊疗\n          paragraphs: 正文。\n"
    );
    for kind in ["speech", "key-points", "work-report"] {
        let base = MINIMAL.replace("kind: speech", &format!("kind: {kind}"));
        let p = Project::new(&[("data/x/2018.yaml", &format!("{base}{plan}"))]);
        let built = render::build(&p.path("data/x/2018.yaml"), &Templates::new(None), None).unwrap();
        let md = nianbao::writer::markdown::write(&built.doc);
        assert!(md.contains(requirement), "{kind}: {md}");
        assert_eq!(md.matches("总体").count(), 1, "{kind}: {md}");
        assert_eq!(md.matches("重点").count(), 1, "{kind}: {md}");
    }
}

/// A section's heading runs into its first paragraph when the data says
/// `runin`, at the top level of key points and at （一） of a speech or a
/// work report; without `runin` (or without text to run into) it stands alone.
#[test]
fn a_section_heading_runs_into_its_text_when_asked() {
    let plan = "plan:\n  sections:\n    - title: 加强人口监测和形势分析\n      runin: true\n      intro: [初步建立人口监测体系。, 第二段。]\n      items:\n        - title: 完善制度\n          paragraphs: 正文。\n    - title: 深化改革\n      intro: 单独一段。\n    - title: 没有正文\n      runin: true\n      items:\n        - title: 推进分级诊疗\n          paragraphs: 正文。\n";
    for (kind, runin, alone, bare) in [
        (
            "key-points",
            "一、加强人口监测和形势分析。初步建立人口监测体系。",
            "二、深化改革\n\n单独一段。",
            "三、没有正文\n\n",
        ),
        (
            "speech",
            "（一）加强人口监测和形势分析。初步建立人口监测体系。",
            "（二）深化改革\n\n单独一段。",
            "（三）没有正文\n\n",
        ),
        (
            "work-report",
            "（一）加强人口监测和形势分析。初步建立人口监测体系。",
            "（二）深化改革\n\n单独一段。",
            "（三）没有正文\n\n",
        ),
    ] {
        let data = format!("{}{plan}", MINIMAL.replace("kind: speech", &format!("kind: {kind}")));
        let md = markdown(&data);
        for want in [runin, "\n\n第二段。\n\n", alone, bare] {
            assert!(md.contains(want), "{kind}: {want:?} in\n{md}");
        }
    }
}

/// A work report counts a section's items 一是……二是……; an item's own points
/// are its sentences, not counted again inside it ("一是…。一是…二是…二是…"
/// printed before).
#[test]
fn a_work_reports_items_are_counted_once() {
    let plan = "plan:\n  sections:\n    - title: 提升服务能力\n      items:\n        - title: 加快县医院建设\n          points: [推进新院区建设。, 加强重症医学科建设。]\n        - title: 做实家庭医生签约\n          lead: 重点是：\n          points: [扩大覆盖。]\n          paragraphs: 提高质量。\n";
    let md = markdown(&format!("{}{plan}", MINIMAL.replace("kind: speech", "kind: work-report")));
    let want =
        "一是加快县医院建设。推进新院区建设。加强重症医学科建设。二是做实家庭医生签约。重点是：扩大覆盖。提高质量。";
    assert!(md.contains(want), "{want} in\n{md}");
    assert_eq!(md.matches("一是").count(), 1, "{md}");
    // A title typed with its full stop is printed with one; one ending in a
    // question mark keeps it alone.
    let typed =
        plan.replace("加快县医院建设", "加快县医院建设。").replace("做实家庭医生签约", "怎样做实家庭医生签约？");
    let md = markdown(&format!("{}{typed}", MINIMAL.replace("kind: speech", "kind: work-report")));
    assert!(md.contains("一是加快县医院建设。推进新院区建设。"), "{md}");
    assert!(md.contains("二是怎样做实家庭医生签约？重点是："), "{md}");
    assert!(!md.contains("。。"), "{md}");
}

/// Key points state an item's targets at the end of its text, as 工作要点 do
/// (seed 000: 2018年家庭责任医生规范签约率达到35%以上), with the deadline when
/// there is one; after its points where it has no paragraphs, alone under a
/// heading with no text; a speech keeps them for its indicator attachment.
#[test]
fn key_points_state_an_items_targets_in_a_sentence() {
    let plan = "plan:\n  sections:\n    - title: 深化医改\n      items:\n        - title: 完善分级诊疗制度\n          paragraphs: 推进县域医共体建设。\n          targets:\n            - { id: gp, name: 每万常住人口全科医生数, value: 2.5, unit: 人, deadline: 2020-12 }\n            - { id: beds, name: 每千人口床位数, value: 6, unit: 张 }\n";
    let md = markdown(&format!("{}{plan}", MINIMAL.replace("kind: speech", "kind: key-points")));
    let want = "推进县域医共体建设。到2020年12月，每万常住人口全科医生数达到2.5人；每千人口床位数达到6张。\n";
    assert!(md.contains(want), "{want} in\n{md}");
    let points =
        plan.replace("          paragraphs: 推进县域医共体建设。\n", "          points: [建医共体。, 建专科联盟。]\n");
    let md = markdown(&format!("{}{points}", MINIMAL.replace("kind: speech", "kind: key-points")));
    assert!(md.contains("一是建医共体。二是建专科联盟。到2020年12月，"), "{md}");
    let bare = plan.replace("          paragraphs: 推进县域医共体建设。\n", "");
    let md = markdown(&format!("{}{bare}", MINIMAL.replace("kind: speech", "kind: key-points")));
    assert!(md.contains("完善分级诊疗制度\n\n到2020年12月，"), "{md}");
    // A target the item's text already states is not stated again; the other is.
    let stated = plan.replace("推进县域医共体建设。", "推进县域医共体建设，每千人口床位数达到6张以上。");
    let md = markdown(&format!("{}{stated}", MINIMAL.replace("kind: speech", "kind: key-points")));
    let want = "每千人口床位数达到6张以上。到2020年12月，每万常住人口全科医生数达到2.5人。\n";
    assert!(md.contains(want) && md.matches("每千人口床位数").count() == 1, "{want} in\n{md}");
    let speech = markdown(&format!("{MINIMAL}{plan}"));
    assert!(!speech.contains("每万常住人口全科医生数达到"), "{speech}");
    assert!(speech.contains("| 每万常住人口全科医生数 | 人 | 2.5 |"), "{speech}");
}

/// A work report given at a meeting says so under its title, as a speech does,
/// unless the data writes its own subtitle; without a meeting it has none.
#[test]
fn a_work_report_at_a_meeting_names_it_under_the_title() {
    let report = MINIMAL.replace("kind: speech", "kind: work-report");
    assert!(report.contains("meeting:"), "{report}");
    let md = markdown(&report);
    assert!(md.contains("# 标题\n\n——在样例县2018年卫生健康工作会议上的工作报告\n\n2018年3月1日"), "{md}");
    let own = markdown(&format!("{report}subtitle: ——在全县大会上的报告\n"));
    assert!(own.contains("# 标题\n\n——在全县大会上的报告\n") && !own.contains("上的工作报告"), "{own}");
    let no_meeting = report[..report.find("meeting:").unwrap()].to_string() + "year: 2018\n";
    assert!(!markdown(&format!("{no_meeting}title: 标题\n")).contains("——在"));
}

/// The data chooses its heading numbering: a scheme by name (`部分`: 第一部分,
/// then 一、…) or a format per level, levels not given keeping the genre's
/// (a province's key points number tasks 1．2．3．); a wrong one is a located
/// `data.numbering` error and the genre's numbering applies meanwhile.
#[test]
fn the_data_chooses_its_heading_numbering() {
    let plan = "plan:\n  sections:\n    - title: 深化改革\n      items:\n        - title: 推进分级诊疗\n          paragraphs: 正文。\n        - title: 完善制度\n          paragraphs: 正文。\n    - title: 强化保障\n      items:\n        - title: 加强投入\n          paragraphs: 正文。\n";
    let md = |data: &str| {
        let p = Project::new(&[("data/x/2018.yaml", data)]);
        let built = render::build(&p.path("data/x/2018.yaml"), &Templates::new(None), None).unwrap();
        nianbao::writer::markdown::write(&built.doc)
    };
    let key_points = MINIMAL.replace("kind: speech", "kind: key-points");
    let own = md(&format!("{key_points}{plan}numbering: [\"{{一}}、\", \"{{1}}．\"]\n"));
    for line in ["## 一、深化改革\n", "\n1．推进分级诊疗。", "\n2．完善制度。", "## 二、强化保障\n", "\n3．加强投入。"]
    {
        assert!(own.contains(line), "{line}: {own}");
    }
    let default = md(&format!("{key_points}{plan}"));
    assert!(default.contains("\n（一）推进分级诊疗。") && default.contains("\n（三）加强投入。"), "{default}");

    let parts = md(&format!("{MINIMAL}{plan}numbering: 部分\n"));
    for line in ["第一部分　", "一、深化改革", "（一）推进分级诊疗", "二、强化保障"] {
        assert!(parts.contains(line), "{line}: {parts}");
    }

    for (numbering, path, line, column, message) in [
        ("[\"{一}、\", \"（一）\"]", "numbering[1]", 26, 21, "第2级的格式“（一）”里要有且只有一个 {一}"),
        ("章节", "numbering", 26, 12, "没有名为“章节”的编号方案；可以用“公文”、“部分”"),
        ("[\"{1}\", \"{1}\", \"{1}\", \"{1}\", \"{1}\"]", "numbering", 26, 12, "numbering 写了 5 级"),
    ] {
        let p = Project::new(&[("data/x/2018.yaml", &format!("{MINIMAL}{plan}numbering: {numbering}\n"))]);
        let errs = render::build(&p.path("data/x/2018.yaml"), &Templates::new(None), None).unwrap_err().0;
        let d = errs.iter().find(|d| d.id == "data.numbering").unwrap_or_else(|| panic!("{errs:?}"));
        assert_eq!(d.path.as_deref(), Some(path), "{numbering}");
        assert!(d.message.starts_with(message), "{}", d.message);
        let at = d.location.as_ref().unwrap();
        assert_eq!((at.line, at.column), (line, column), "{numbering}");
    }
}

/// 一是……二是…… runs wherever paragraphs stand: a section's intro, the
/// review's problems, the closing, under a lead or none.
#[test]
fn points_run_wherever_paragraphs_stand() {
    let data = format!(
        "{}{}",
        MINIMAL.replace("opening: 开场。\n", ""),
        "opening: { points: [抓改革。, 抓服务。] }\nreview:\n  sections:\n    - title: 深化改革\n      intro:\n        - 今年，改革深入推进。\n        - { lead: 与此同时，, points: [完善制度；, 强化考核。] }\n  problems: { lead: 问题主要是：, points: [投入不足；, 人才短缺。] }\nclosing: [同志们，, { lead: 我们要, points: [坚定信心，, 扎实工作。] }]\n"
    );
    let md = markdown(&data);
    for want in [
        "\n\n一是抓改革。二是抓服务。\n\n",
        "\n\n今年，改革深入推进。\n\n与此同时，一是完善制度；二是强化考核。\n\n",
        "\n\n问题主要是：一是投入不足；二是人才短缺。\n\n",
        "\n\n同志们，\n\n我们要一是坚定信心，二是扎实工作。",
    ] {
        assert!(md.contains(want), "{want:?} in\n{md}");
    }
}

/// A paragraph of points with a misspelt key is refused at the key, like
/// any unknown key.
#[test]
fn a_points_paragraph_with_an_unknown_key_is_located() {
    let data = format!("{MINIMAL}closing: {{ lede: 我们要, points: [甲。] }}\n");
    let p = Project::new(&[("data/x/2018.yaml", &data)]);
    let e = build_with(&p, "speech").unwrap_err();
    let d = &e.0[0];
    assert_eq!(d.id, "data.unknown-key", "{d}");
    assert_eq!(d.location.as_ref().unwrap().line, 14, "{d}");
}

/// A heading the data numbers itself (`number:`) prints that number, and the
/// headings after it count on from there, at the section and the item level.
#[test]
fn an_explicit_number_is_printed_and_counted_on_from() {
    let data = format!(
        "{MINIMAL}review:\n  sections:\n    - title: 深化医改\n      intro: 改革。\n    - title: 提升服务\n      intro: 服务。\n    - title: 强化监管\n      number: 4\n      items:\n        - {{ title: 严格执法, paragraphs: 执法。 }}\n        - {{ title: 规范行医, number: 3, paragraphs: 行医。 }}\n    - title: 加强党建\n      intro: 党建。\n"
    );
    let md = markdown(&data);
    for want in [
        "\n\n### （一）深化医改\n\n",
        "\n\n### （二）提升服务\n\n",
        "\n\n### （四）强化监管\n\n1．严格执法。执法。\n\n3．规范行医。行医。\n\n### （五）加强党建\n\n",
    ] {
        assert!(md.contains(want), "{want:?} in\n{md}");
    }
}

/// The speech counts its plan as office writers do: 两个方面, and without
/// items no "0项".
#[test]
fn the_plan_is_counted_in_words() {
    let data = format!(
        "{MINIMAL}plan:\n  sections:\n    - {{ title: 甲, intro: 甲。 }}\n    - {{ title: 乙, intro: 乙。 }}\n"
    );
    let md = markdown(&data);
    assert!(md.contains("\n\n重点抓好两个方面的工作。\n\n"), "{md}");
    let data = data.replace("intro: 乙。", "intro: 乙。, items: [{ title: 丙, paragraphs: 丙。 }]");
    let md = markdown(&data);
    assert!(md.contains("\n\n重点抓好两个方面1项重点工作。\n\n"), "{md}");
}

/// A data table's columns of figures align on the decimal point, the others
/// left, unless the data says otherwise per column (`align`); an empty cell
/// (a 备注 with nothing to note) is no error.
#[test]
fn table_columns_of_figures_align_on_the_point() {
    use nianbao::doc::Align;
    let table = "attachments:\n  - title: 项目表\n    table:\n      columns: [序号, 项目, 投资（万元）, 增长, 备注]\n      rows:\n        - [1, 综合楼, 12000, 8.5%, \"\"]\n        - [2, 卫生院, \"1,600.25\", —, 续建]\n        - [合计, \"\", 13600.25, \"\", \"\"]\n";
    let aligns = |data: &str| {
        let p = Project::new(&[("data/x/2018.yaml", data)]);
        let built = render::build(&p.path("data/x/2018.yaml"), &Templates::new(None), None).unwrap();
        let table = built.doc.blocks.iter().find_map(|b| match b {
            Block::Table(t) => Some(t.columns.clone()),
            _ => None,
        });
        table.unwrap()
    };
    let data = format!("{MINIMAL}{table}");
    assert_eq!(aligns(&data), [Align::Left, Align::Left, Align::Decimal, Align::Decimal, Align::Left]);
    let data = format!("{MINIMAL}{}", table.replace("    table:\n", "    table:\n      align: [center, left, left]\n"));
    assert_eq!(aligns(&data), [Align::Center, Align::Left, Align::Left, Align::Decimal, Align::Left]);
    // A column counting its rows 1, 2, 3 (序号 without a 合计 row) is centred.
    let data = format!("{MINIMAL}{}", table.replace("        - [合计, \"\", 13600.25, \"\", \"\"]\n", ""));
    assert_eq!(aligns(&data), [Align::Center, Align::Left, Align::Decimal, Align::Decimal, Align::Left]);
}

/// A work report given in writing (no meeting, no speaker) ends signed by its
/// issuer with its date, as a document issued in its name does; one given at
/// a meeting is not signed.
#[test]
fn a_written_work_report_is_signed_and_a_spoken_one_is_not() {
    let signature = |data: &str| -> Vec<String> {
        let p = Project::new(&[("data/x/2018.yaml", data)]);
        let built = render::build(&p.path("data/x/2018.yaml"), &Templates::new(None), None).unwrap();
        (built.doc.blocks.iter())
            .filter_map(|b| match b {
                Block::Signature(lines) => Some(lines.iter().map(|l| l.plain())),
                _ => None,
            })
            .flatten()
            .collect()
    };
    let written = "kind: work-report\nunit: { name: 样例区, level: 区 }\nissuer: 样例区卫生健康局\n\
                   date: 2018-02-20\ntitle: 2017年工作总结\nopening: 开场。\n";
    assert_eq!(signature(written), ["样例区卫生健康局", "2018年2月20日"]);
    assert!(signature(&MINIMAL.replace("kind: speech", "kind: work-report")).is_empty());
}
