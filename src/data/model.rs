//! The data model: what a `data/<county>/<year>.yaml` file may contain.
//!
//! Keys are English and fixed (unknown keys are refused with a suggestion);
//! values are the report's Chinese text and figures. These types hold exactly
//! what the file says; what nianbao works out from it (rates, changes, the
//! report year, 全县) is [`super::derive::Derived`], kept apart.

use std::collections::BTreeMap;
use std::fmt;

use crate::numbers::Date;
use serde::{Deserialize, Deserializer, Serialize};

/// 一个县（区、市、省）一年的报告数据：data/<县>/<年份>.yaml。
///
/// 任何文字里都可以用 {=指标id} 引用指标算好的数（{=signing_rate} 印 66.2%），
/// 还有 .number、.prior、.change、.target、.completion、.plan 几项。
///
/// One county's (district's, city's, province's) report for one year.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// 体裁，决定默认模板：speech 讲话，work-report 工作报告，key-points 工作要点，plan 规划；figures 只有上一年的指标和目标，不生成报告。
    ///
    /// The genre; picks the default template (`speech`, `work-report`, `key-points`,
    /// `plan`); `figures` for last year's figures and targets alone, not a report.
    pub kind: Kind,
    /// 用哪个模板代替体裁的默认模板：templates/ 下的文件名或模板文件路径。
    ///
    /// A template name or path to use instead of the genre's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// 报告（会议）年份；不写时取文件名（2018.yaml）。
    ///
    /// The report (meeting) year; defaults to the file name (`2018.yaml`).
    #[serde(default)]
    pub year: Option<i32>,
    /// 报告单位：名称和级别。
    pub unit: Unit,
    /// 发文单位，如“襄垣县卫生和计划生育局”；写进 DOCX、PDF 的作者。
    ///
    /// The issuing body, e.g. `襄垣县卫生和计划生育局`.
    pub issuer: String,
    /// 报告对本系统的称呼：卫生计生（2018年前后）或卫生健康（默认），如“全县卫生计生工作”。
    ///
    /// The line of work as the report names it: `卫生计生` (2018) or `卫生健康`
    /// (the default), as in `全县卫生计生工作`.
    #[serde(default = "default_sector")]
    pub sector: String,
    /// 成文日期；不写时用会议日期。
    ///
    /// The document's date (成文日期); the meeting date when absent.
    #[serde(default)]
    pub date: Option<Date>,
    /// 会议：名称和日期（讲话稿必填）。
    #[serde(default)]
    pub meeting: Option<Meeting>,
    /// 讲话人：职务和姓名（讲话稿必填）。
    #[serde(default)]
    pub speaker: Option<Speaker>,
    /// 标题：一行，或多行的列表（先主题句，再主标题）。figures 文件以外必填。
    ///
    /// The title: one line, or a list of lines (a theme line, then the main line).
    /// Required except in a `figures` file.
    #[serde(default)]
    pub title: Paragraphs,
    /// 副标题；讲话稿不写时自动生成“——在<会议名称>上的讲话”。
    ///
    /// The subtitle; a speech derives `——在<会议名称>上的讲话` when absent.
    #[serde(default)]
    pub subtitle: Option<String>,
    /// 称呼；不写时为“同志们：”。
    ///
    /// The salutation of a speech; `同志们：` when absent.
    #[serde(default)]
    pub salutation: Option<String>,
    /// 开场白：一段，或多段的列表。
    ///
    /// The opening paragraphs.
    #[serde(default)]
    pub opening: Paragraphs,
    /// 上一年工作回顾。
    ///
    /// Review of the past year.
    #[serde(default)]
    pub review: Option<Review>,
    /// 新一年（或规划期）的工作部署。
    ///
    /// Plan for the coming year (or period).
    #[serde(default)]
    pub plan: Option<Plan>,
    /// 结束语：一段，或多段的列表。
    ///
    /// The closing paragraphs.
    #[serde(default)]
    pub closing: Paragraphs,
    /// 附件：每个附件另起一页，有标题、段落和表格。
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// 指标的数值从哪张统计表读取：各县各指标的数值从本单位那一行读出（见 [`super::sheet`]）。
    ///
    /// Where the figures come from when the statistics section supplies them
    /// as a workbook: values of metrics and targets are read from the unit's row.
    #[serde(default)]
    pub figures: Option<FiguresSource>,
    /// 内置模板在数据前后加的套话，改成本地的说法；不写的用模板的。
    ///
    /// The wording built-in templates add around the data, overridden.
    #[serde(default)]
    pub phrases: Phrases,
    /// 标题编号：内置方案的名称（“公文”：一、（一）1．（1）；“部分”：第一部分　一、（一）1．），
    /// 或从第一级起每级一个格式，{一} 处印汉字序号，{1} 处印阿拉伯数字，如
    /// `["{一}、", "{1}．"]`（任务编为 1．2．3．）。没写的级别用体裁的默认编号。
    ///
    /// Heading numbering: a built-in scheme by name, or one format per level
    /// from the first; levels not given keep the genre's.
    #[serde(default)]
    pub numbering: Option<Numbering>,
    /// 自定义模板要用的任何内容，原样传给模板。
    ///
    /// Anything a custom template wants; passed through untouched.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    pub extra: BTreeMap<String, yaml_serde::Value>,
}

fn default_sector() -> String {
    "卫生健康".to_string()
}

/// 报告体裁。
///
/// Report genres.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// 工作会议讲话。
    ///
    /// 工作会议讲话, like the model speech (`data/xiangyuan/2018.yaml`).
    Speech,
    /// 工作报告。
    ///
    /// 工作报告 (`data/yangli/2018.yaml`).
    WorkReport,
    /// 工作要点。
    ///
    /// 工作要点 (`data/jinhua/2018.yaml`).
    KeyPoints,
    /// 规划（第X章、第X节）。
    ///
    /// 规划, with 第X章/第X节 (`data/gulou/2021.yaml`).
    Plan,
    /// 不是报告：只有上一年的指标（review.metrics）和目标（plan.targets），为下一年的报告算同比和完成情况；第一年用 nianbao 时写这样一个文件。不生成报告。
    ///
    /// Not a report: last year's figures (`review`'s metrics) and targets (`plan`'s)
    /// for the next year's comparisons, for the year before a county's first
    /// report made with nianbao. Never rendered.
    Figures,
}

impl Kind {
    /// The default template's name; none for [`Kind::Figures`].
    pub fn template(self) -> Option<&'static str> {
        match self {
            Kind::Speech => Some("speech.md.j2"),
            Kind::WorkReport => Some("work-report.md.j2"),
            Kind::KeyPoints => Some("key-points.md.j2"),
            Kind::Plan => Some("plan.md.j2"),
            Kind::Figures => None,
        }
    }
}

/// 报告单位。
///
/// The reporting unit.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    /// 单位全称，如“襄垣县”。
    ///
    /// Full name: `襄垣县`.
    pub name: String,
    /// 简称，用于“健康襄垣”这样的说法；不写时为去掉“县”“区”等的全称。
    ///
    /// Short name used in phrases like `健康襄垣`; defaults to the name without its level.
    #[serde(default)]
    pub short: Option<String>,
    /// 行政级别：县、区、市、省，或旗、州、盟，决定“全县”“全区”等说法。
    ///
    /// Administrative level: 县, 区, 市, 省, 旗, 州 or 盟.
    pub level: Level,
}

/// 行政级别：县、区、市、省（也可写 county、district、city、province），
/// 内蒙古的旗（banner）、盟（league），自治州的州（prefecture）。自治县写“县”，自治区写“区”。
///
/// Administrative level; drives wording such as 全县/全区/全市/全省/全旗.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
pub enum Level {
    #[serde(rename = "县", alias = "county")]
    County,
    #[serde(rename = "区", alias = "district")]
    District,
    #[serde(rename = "市", alias = "city")]
    City,
    #[serde(rename = "省", alias = "province")]
    Province,
    /// A county-level banner of Inner Mongolia (旗, 自治旗).
    #[serde(rename = "旗", alias = "banner")]
    Banner,
    /// An autonomous prefecture (自治州), a city's level.
    #[serde(rename = "州", alias = "prefecture")]
    Prefecture,
    /// A league of Inner Mongolia (盟), a city's level.
    #[serde(rename = "盟", alias = "league")]
    League,
}

impl Level {
    /// Every level, the characters a unit's name ends with in this order.
    pub const ALL: [Level; 7] =
        [Level::County, Level::District, Level::City, Level::Province, Level::Banner, Level::Prefecture, Level::League];

    /// The characters of [`Level::ALL`] (`县区市省旗州盟`), for a pattern's class.
    pub fn chars() -> String {
        Level::ALL.iter().map(|l| l.as_char()).collect()
    }

    pub fn as_char(self) -> char {
        match self {
            Level::County => '县',
            Level::District => '区',
            Level::City => '市',
            Level::Province => '省',
            Level::Banner => '旗',
            Level::Prefecture => '州',
            Level::League => '盟',
        }
    }

    /// The level a unit's name ends with (`鄂温克族自治旗` → 旗), if any.
    pub fn of_name(name: &str) -> Option<Level> {
        let last = name.chars().last()?;
        Level::ALL.into_iter().find(|l| l.as_char() == last)
    }

    /// Whether the level's health body is a commission (委员会) rather than a
    /// bureau (局): a province's and a city's (or a prefecture's, a league's).
    pub fn has_commission(self) -> bool {
        matches!(self, Level::Province | Level::City | Level::Prefecture | Level::League)
    }
}

/// 标题编号：方案名称，或每级一个格式。
///
/// Heading numbering: a scheme's name, or a format per level.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Numbering {
    /// 内置方案：“公文”或“部分”。
    Name(String),
    /// 从第一级起每级一个格式，最多四级，每个格式里有一个 {一} 或 {1}。
    Levels(Vec<String>),
}

impl Numbering {
    /// The built-in schemes, by name: each level's format.
    pub const SCHEMES: &[(&str, [&str; 4])] = &[
        ("公文", ["{一}、", "（{一}）", "{1}．", "（{1}）"]),
        ("部分", ["第{一}部分　", "{一}、", "（{一}）", "{1}．"]),
    ];

    /// Each level's format, from the first, or what is wrong: the level (from
    /// 0) it concerns, if one, and the message.
    pub fn levels(&self) -> std::result::Result<Vec<String>, (Option<usize>, String)> {
        let levels: Vec<String> = match self {
            Numbering::Name(name) => {
                let Some((_, formats)) = Self::SCHEMES.iter().find(|(n, _)| n == name) else {
                    let names: Vec<String> = Self::SCHEMES.iter().map(|(n, _)| format!("“{n}”")).collect();
                    return Err((
                        None,
                        format!("没有名为“{name}”的编号方案；可以用{}，或写出每级的格式", names.join("、")),
                    ));
                };
                formats.iter().map(|f| f.to_string()).collect()
            }
            Numbering::Levels(levels) => levels.clone(),
        };
        if levels.is_empty() || levels.len() > 4 {
            return Err((None, format!("numbering 写了 {} 级；标题编号有一到四级", levels.len())));
        }
        for (i, f) in levels.iter().enumerate() {
            if crate::numbers::number_format(f).is_none() {
                return Err((
                    Some(i),
                    format!("第{}级的格式“{f}”里要有且只有一个 {{一}}（汉字序号）或 {{1}}（阿拉伯数字）", i + 1),
                ));
            }
        }
        Ok(levels)
    }
}

/// 内置模板加的套话。每一项写出来的文字原样印（可以用 {=指标id}），写成空文字 "" 就不印；
/// 不写的用模板的默认说法。
///
/// The phrases built-in templates add around the data; each one written
/// replaces the template's (an empty one drops it).
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Phrases {
    /// 总体要求（`plan.requirement`）前面的引语。默认：讲话“全县卫生健康工作的总体要求是：”，
    /// 工作报告“2018年全县卫生健康工作的总体思路是：”，工作要点“2018年，全县卫生健康工作的总体要求是：”。
    /// 例：“2018年是全面贯彻党的十九大精神的开局之年。全区卫生健康工作的总体思路是：”。
    ///
    /// The lead-in before `plan.requirement`.
    #[serde(default)]
    pub requirement: Option<String>,
    /// 工作部署各部分之前的一句。默认：讲话“重点抓好三个方面十二项重点工作。”，
    /// 工作要点“重点做好以下工作：”。例：“重点抓好以下工作：”。
    ///
    /// The sentence before the plan's sections.
    #[serde(default)]
    pub tasks: Option<String>,
}

/// 会议。
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Meeting {
    /// 会议名称，如“襄垣县2018年度卫生计生工作会议”。
    ///
    /// `襄垣县2018年度卫生计生工作会议`.
    pub name: String,
    /// 会议日期，必须在报告年度内，如 2018-04-11。
    pub date: Date,
}

/// 讲话人。
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Speaker {
    /// 职务，如“县卫生和计划生育局党组书记、局长”。
    ///
    /// `县卫生和计划生育局党组书记、局长`.
    pub post: String,
    /// 姓名。
    pub name: String,
}

/// 上一年工作回顾：成绩、感谢、问题。
///
/// Review of the past year: achievements, thanks, problems.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Review {
    /// 这一部分的标题；不写时用模板的默认标题（“<年份>年工作回顾”）。
    ///
    /// The part's heading; the template's default (`<year>年工作回顾`) when absent.
    #[serde(default)]
    pub heading: Option<String>,
    /// 总述，荣誉接在它后面，如“2017年，在县委……圆满完成各项年度目标任务”。
    ///
    /// The summary sentence the honours follow (`2017年，在县委……圆满完成各项年度目标任务`).
    #[serde(default)]
    pub summary: Option<String>,
    /// 获得的荣誉，用“；”连在总述后面。
    ///
    /// Honours received, joined into the summary paragraph with `；`.
    #[serde(default)]
    pub honours: Vec<Honour>,
    /// 荣誉之后、总述段落结尾的文字。
    ///
    /// Text closing the summary paragraph after the honours.
    #[serde(default)]
    pub summary_end: Option<String>,
    /// 各部分（（一）（二）……），每部分下有条目。
    #[serde(default)]
    pub sections: Vec<Section>,
    /// 不属于任何条目的指标。
    ///
    /// Metrics that belong to no item.
    #[serde(default)]
    pub metrics: Vec<Metric>,
    /// 感谢的段落。
    ///
    /// The thanks paragraph(s).
    #[serde(default)]
    pub thanks: Paragraphs,
    /// 存在问题的段落。
    ///
    /// The problems paragraph(s).
    #[serde(default)]
    pub problems: Paragraphs,
}

/// 一项荣誉，印成“<日期>，<内容>”（日期可以不写）。
///
/// An honour: printed as `<date>，<text>` (the date is optional).
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Honour {
    /// 获得荣誉的日期，应在回顾年度内，如 2017-12。
    #[serde(default)]
    pub date: Option<Date>,
    /// 荣誉内容。
    pub text: String,
}

/// 回顾或部署的一个部分（（一）），或规划一章中的一节（第X节）。
///
/// A section (`（一）`) of the review or the plan, or a chapter's section (`第X节`).
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// 这一部分的标题。
    pub title: String,
    /// 指定这一标题的编号，如 4 印成“（四）”，后面的标题接着往下编。一般不写：
    /// 编号自动连续，插入或删去一项不会断号；写了而与顺序不合时 check 会提醒（doc.number-jump）。
    ///
    /// The heading's number, given explicitly (rare: automatic numbering is
    /// right); later headings count on from it.
    #[serde(default)]
    pub number: Option<u32>,
    /// 标题与 intro 的第一段接排成一段（“（一）围绕中心工作。今年，……”）；默认标题单独占一行。
    /// 没有 intro 时标题仍单独占一行。
    ///
    /// The heading runs into the first intro paragraph.
    #[serde(default)]
    pub runin: bool,
    /// 条目之前的段落。
    ///
    /// Paragraphs before the items.
    #[serde(default)]
    pub intro: Paragraphs,
    /// 条目：回顾里是成绩，部署里是任务。
    ///
    /// The items (achievements in the review, tasks in the plan).
    #[serde(default)]
    pub items: Vec<Item>,
    /// 条目之后的段落。
    ///
    /// Paragraphs after the items.
    #[serde(default)]
    pub outro: Paragraphs,
}

/// 一个条目（1．）：一项成绩或一项任务。
///
/// An item (`1．`): an achievement or a task.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// 条目标题。
    pub title: String,
    /// 指定这一标题的编号，如 4 印成“（四）”，后面的标题接着往下编。一般不写：
    /// 编号自动连续，插入或删去一项不会断号；写了而与顺序不合时 check 会提醒（doc.number-jump）。
    ///
    /// The heading's number, given explicitly (rare: automatic numbering is
    /// right); later headings count on from it.
    #[serde(default)]
    pub number: Option<u32>,
    /// 标题后面括注的出处，如“2018年重点项目 第83项”。
    ///
    /// A reference printed after the title, e.g. `2018年重点项目 第83项`.
    #[serde(default, rename = "ref")]
    pub reference: Option<String>,
    /// 标题单独占一行；默认正文接排在标题后面。
    ///
    /// The heading stands on its own line; otherwise the text runs in after it.
    #[serde(default)]
    pub standalone: bool,
    /// 要点之前、同一段里的文字。
    ///
    /// Text before the points, in the same paragraph.
    #[serde(default)]
    pub lead: Option<String>,
    /// 要点，在一段里印成“一是……二是……”。
    ///
    /// Run-in points, printed `一是……二是……` in one paragraph.
    #[serde(default)]
    pub points: Vec<String>,
    /// 其余的段落。
    ///
    /// Further paragraphs.
    #[serde(default)]
    pub paragraphs: Paragraphs,
    /// 这一条目的指标。
    #[serde(default)]
    pub metrics: Vec<Metric>,
    /// 这一条目的目标（工作部署里）。
    #[serde(default)]
    pub targets: Vec<Target>,
}

/// 回顾年度的一个指标。数字只写一次：同比、完成情况和附表都由它算出。
///
/// A figure of the year under review.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Metric {
    /// 指标编号，固定不变，用来和去年的目标、去年的数值对应，如 signing_rate。
    ///
    /// Stable id, matched against last year's targets and figures (`signing_rate`).
    pub id: String,
    /// 指标名称，如“常住人口家庭医生签约率”；文字里同名指标的数字必须与它一致。
    ///
    /// `常住人口签约率`.
    pub name: String,
    /// 数值（单位见 unit），按写法印出（93.70 印成 93.70）；写了分子、分母时可以不写。
    ///
    /// The value in `unit`; derived from numerator/denominator when absent.
    #[serde(default)]
    pub value: Option<f64>,
    /// 单位：%、‰、万元、人……
    ///
    /// `%`, `‰`, `万元`, `人`, …
    #[serde(default)]
    pub unit: String,
    /// 上年数值；不写时取上一年文件里同一 id 的指标。
    ///
    /// Last year's value; taken from last year's file (same id) when absent.
    #[serde(default)]
    pub prior: Option<f64>,
    /// 分子：和 denominator 一起算出比率。
    #[serde(default)]
    pub numerator: Option<f64>,
    /// 分母：和 numerator 一起算出比率。
    #[serde(default)]
    pub denominator: Option<f64>,
    /// amount（数量、金额：同比按增长百分比）或 rate（比率：同比按百分点、千分点）；单位为 % 或 ‰ 时默认是比率。
    ///
    /// `amount` or `rate`; a rate when the unit is `%` or `‰`, else an amount.
    #[serde(default)]
    pub kind: Option<MetricKind>,
    /// 印几位小数；不写时按写法（由分子、分母算出的比率为 1 位）。
    ///
    /// Decimals to print; as written when absent (1 for a derived rate).
    #[serde(default)]
    pub decimals: Option<u8>,
    /// 相加等于这个指标的各分项的 id。
    ///
    /// Ids of metrics that add up to this one.
    #[serde(default)]
    pub parts: Vec<String>,
    /// higher（越高越好，默认）或 lower（越低越好），决定完成情况怎么算。
    ///
    /// Whether a higher value is better (the default) or a lower one.
    #[serde(default)]
    pub better: Better,
    /// 放进重点指标柱状图。
    ///
    /// Shown in the key-indicator chart.
    #[serde(default)]
    pub key: bool,
}

/// 指标类型。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum MetricKind {
    /// 数量或金额：同比按相对变化（增长12.5%）。
    ///
    /// A count or sum of money: change is relative (`增长12.5%`).
    Amount,
    /// 比率：同比按差值（提高3.2个百分点、下降0.37个千分点）。
    ///
    /// A rate: change is in percentage points (`提高3.2个百分点`).
    Rate,
}

/// 越高越好（higher）还是越低越好（lower）。
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Better {
    /// 越高越好。
    #[default]
    Higher,
    /// 越低越好。
    Lower,
}

/// 新一年的一个目标。
///
/// A target for the coming year.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// 目标编号，和下一年同一 id 的指标对应，算出完成情况。
    ///
    /// Matched against next year's metric of the same id.
    pub id: String,
    /// 目标名称。
    pub name: String,
    /// 目标值（单位见 unit），按写法印出；也可以从统计表读取（figures）。
    ///
    /// May come from the figures workbook instead: not required in the schema,
    /// but required once the workbook is read.
    #[schemars(with = "Option<f64>")]
    pub value: f64,
    /// 单位：%、‰、万元、人……
    #[serde(default)]
    pub unit: String,
    /// 完成时限，应在计划年度内，如 2018-12。
    #[serde(default)]
    pub deadline: Option<Date>,
    /// 出处，如“2018年重点项目 第83项”。
    ///
    /// `2018年重点项目 第83项`.
    #[serde(default, rename = "ref")]
    pub reference: Option<String>,
    /// higher（越高越好，默认）或 lower（越低越好）。
    #[serde(default)]
    pub better: Better,
}

/// 新一年（或规划期）的工作部署。
///
/// Plan for the coming year (or period).
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// 这一部分的标题；不写时用模板的默认标题（“<年份>年工作部署”）。
    ///
    /// The part's heading; the template's default (`<year>年工作部署`) when absent.
    #[serde(default)]
    pub heading: Option<String>,
    /// 总体要求之前的段落，如“2018年是……关键之年。”
    ///
    /// Paragraphs before the general requirement (`2018年是……关键之年。`).
    #[serde(default)]
    pub intro: Paragraphs,
    /// 总体要求，印在“……工作的总体要求是：”之后。
    ///
    /// The general requirement (总体要求), printed after `…工作的总体要求是：`.
    #[serde(default)]
    pub requirement: Option<String>,
    /// 各部分的任务。
    ///
    /// Sections of tasks.
    #[serde(default)]
    pub sections: Vec<Section>,
    /// 不属于任何任务的目标。
    ///
    /// Targets that belong to no task.
    #[serde(default)]
    pub targets: Vec<Target>,
    /// 保障措施（规划用）。
    ///
    /// Safeguards (保障措施) of a multi-year plan.
    #[serde(default)]
    pub safeguards: Vec<Section>,
}

/// 指标来源：统计科发来的表格文件（XLSX、XLS、ODS 或 CSV），如
/// `figures: { file: 指标.xlsx, sheet: "{year}年", key: 单位 }`。
///
/// A workbook or CSV file the figures come from.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FiguresSource {
    /// 表格文件，相对于 data 目录（_common.yaml 所在的目录），必须在项目里；`{year}` 代表报告年份。
    pub file: String,
    /// 表名（如 `2018年`，`{year}` 代表报告年份）；不写时用第一张表。CSV 只有一张表，不写。
    #[serde(default)]
    pub sheet: Option<String>,
    /// 单位名称那一列的表头（如 `单位`）；不写时是表头的第一列。
    #[serde(default)]
    pub key: Option<String>,
    /// 表里本单位的名称，与 unit.name、unit.short 都不同时写（如 `襄垣`）。
    #[serde(default)]
    pub row: Option<String>,
}

/// 附件：标题、段落和表格，另起一页。
///
/// An attachment (附件): a title, paragraphs and an optional table.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    /// 附件标题。
    pub title: String,
    /// 附件的段落。
    #[serde(default)]
    pub paragraphs: Paragraphs,
    /// 附件的表格。
    #[serde(default)]
    pub table: Option<Table>,
}

/// 表格：第一行是表头，跨页时重复。
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Table {
    /// 表头各列的名称。
    ///
    /// Column headings.
    pub columns: Vec<String>,
    /// 各行的单元格（文字或数字，按写法印出：3200.50 印成 3200.50）。
    ///
    /// Rows of cells (text or numbers).
    pub rows: Vec<Vec<Cell>>,
    /// 各列的对齐，依次写 left（左）、center（居中）或 right（右；全是数字的列按小数点对齐）。
    /// 不写（或少写）的列：全是数字（或“—”、空）的按小数点对齐，其余左对齐。
    ///
    /// Each column's alignment; columns not given: figures on the decimal
    /// point, the rest left.
    #[serde(default)]
    pub align: Vec<ColumnAlign>,
}

/// 表格一列的对齐。
///
/// A table column's alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ColumnAlign {
    Left,
    Center,
    Right,
}

/// A table cell: text or a number, kept as written.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Cell(pub String);

impl<'de> Deserialize<'de> for Cell {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Cell;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E>(self, v: &str) -> Result<Cell, E> {
                Ok(Cell(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Cell, E> {
                Ok(Cell(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Cell, E> {
                Ok(Cell(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Cell, E> {
                Ok(Cell(v.to_string()))
            }
            fn visit_unit<E>(self) -> Result<Cell, E> {
                Ok(Cell(String::new()))
            }
        }
        d.deserialize_any(V)
    }
}

/// One paragraph or a list of paragraphs (`opening: 文字` or `opening: [段一, 段二]`);
/// a paragraph may be points run into one (`{ lead: 与此同时，, points: [...] }`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Paragraphs(pub Vec<Paragraph>);

/// One paragraph: text as written, or points run into one paragraph.
#[derive(Debug, Clone, PartialEq)]
pub enum Paragraph {
    Text(String),
    Points(Points),
}

/// 一段里的要点：先印 lead，再印“一是……二是……”。可以放在任何写段落的地方
/// （opening、intro、outro、problems、closing……）。
///
/// Points run into one paragraph, wherever paragraphs stand.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Points {
    /// 要点之前、同一段里的文字，如“与此同时，”。
    ///
    /// Text before the points, in the same paragraph.
    #[serde(default)]
    pub lead: Option<String>,
    /// 要点，在一段里印成“一是……二是……”。
    ///
    /// The points, printed `一是……二是……`.
    pub points: Vec<String>,
}

impl Paragraph {
    /// The paragraph as it prints: points numbered 一是, 二是… after the lead.
    pub fn text(&self) -> String {
        match self {
            Paragraph::Text(s) => s.clone(),
            Paragraph::Points(p) => p.text(),
        }
    }

    /// A paragraph as typed: points where it runs two or more of them in
    /// sequence at clause starts (`公共卫生方面。一是……二是……`), which print as
    /// the same text; else the text.
    pub fn parse(text: String) -> Paragraph {
        let (lead, points) = Points::split(&text);
        if points.is_empty() {
            return Paragraph::Text(text);
        }
        Paragraph::Points(Points { lead: (!lead.is_empty()).then_some(lead), points })
    }

    fn visit_points<'de, A: serde::de::MapAccess<'de>>(map: A) -> Result<Paragraph, A::Error> {
        Points::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Paragraph::Points)
    }
}

impl Points {
    /// A paragraph as typed split into its lead (the text before 一是) and
    /// its points, where two or more run in sequence, each at a clause start
    /// (`统一是` is no point); else the whole text as the lead and no points.
    pub fn split(p: &str) -> (String, Vec<String>) {
        let ordinal = |k: usize| crate::numbers::ordinal(k as i64, "{}是");
        let boundary = |s: &str, at: usize| at == 0 || s[..at].ends_with(['。', '：', '；', '，', '！']);
        let Some(first) = p.match_indices(&ordinal(1)).map(|(i, _)| i).find(|&i| boundary(p, i)) else {
            return (p.to_string(), Vec::new());
        };
        let mut starts = vec![first];
        let mut k = 2;
        loop {
            let from = starts[starts.len() - 1] + ordinal(k - 1).len();
            let next = p[from..].match_indices(&ordinal(k)).map(|(i, _)| from + i).find(|&i| boundary(p, i));
            match next {
                Some(i) => starts.push(i),
                None => break,
            }
            k += 1;
        }
        if starts.len() < 2 {
            return (p.to_string(), Vec::new());
        }
        let mut pts = Vec::new();
        for (j, &s) in starts.iter().enumerate() {
            let begin = s + ordinal(j + 1).len();
            let end = starts.get(j + 1).copied().unwrap_or(p.len());
            pts.push(p[begin..end].to_string());
        }
        (p[..first].to_string(), pts)
    }

    /// The lead, then the points numbered 一是, 二是…, as one paragraph.
    pub fn text(&self) -> String {
        let mut out = self.lead.clone().unwrap_or_default();
        for (i, point) in self.points.iter().enumerate() {
            out.push_str(&crate::numbers::ordinal(i as i64 + 1, "{}是"));
            out.push_str(point);
        }
        out
    }
}

thread_local! {
    /// Set while [`as_written`] serializes: paragraphs of points keep their shape.
    static AS_WRITTEN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Serialize with `f` as a data file holds the model: a paragraph of points
/// as its `{ lead, points }` (a data file written by `import` or `next`),
/// where otherwise (the template context) it is the one string it prints.
pub fn as_written<T>(f: impl FnOnce() -> T) -> T {
    let before = AS_WRITTEN.with(|w| w.replace(true));
    let out = f();
    AS_WRITTEN.with(|w| w.set(before));
    out
}

/// Templates see a paragraph as the one string it prints; a data file (see
/// [`as_written`]) as written.
impl Serialize for Paragraph {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Paragraph::Points(p) if AS_WRITTEN.with(|w| w.get()) => {
                use serde::ser::SerializeMap;
                let mut m = s.serialize_map(None)?;
                if let Some(lead) = &p.lead {
                    m.serialize_entry("lead", lead)?;
                }
                m.serialize_entry("points", &p.points)?;
                m.end()
            }
            _ => s.serialize_str(&self.text()),
        }
    }
}

impl<'de> Deserialize<'de> for Paragraph {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Paragraph;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("paragraph")
            }
            fn visit_str<E>(self, v: &str) -> Result<Paragraph, E> {
                Ok(Paragraph::Text(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Paragraph, A::Error> {
                Paragraph::visit_points(map)
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Paragraphs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Paragraphs;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("paragraphs")
            }
            fn visit_str<E>(self, v: &str) -> Result<Paragraphs, E> {
                Ok(Paragraphs(vec![Paragraph::Text(v.to_string())]))
            }
            fn visit_unit<E>(self) -> Result<Paragraphs, E> {
                Ok(Paragraphs::default())
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Paragraphs, A::Error> {
                Paragraph::visit_points(map).map(|p| Paragraphs(vec![p]))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Paragraphs, A::Error> {
                let mut v = Vec::new();
                while let Some(p) = seq.next_element::<Paragraph>()? {
                    v.push(p);
                }
                Ok(Paragraphs(v))
            }
        }
        d.deserialize_any(V)
    }
}

impl From<String> for Paragraph {
    fn from(s: String) -> Self {
        Paragraph::Text(s)
    }
}

impl From<Vec<String>> for Paragraphs {
    fn from(texts: Vec<String>) -> Self {
        Paragraphs(texts.into_iter().map(Paragraph::Text).collect())
    }
}

/// Chinese names of the model's types, for messages (`应为映射（指标）`).
impl crate::yaml::TypeNames for Report {
    fn type_name_zh(rust_name: &str) -> Option<&'static str> {
        Some(match rust_name {
            "Report" => "报告数据",
            "Kind" => "报告类型：speech、work-report、key-points、plan",
            "Unit" => "单位",
            "Level" => "行政级别：县、区、市、省",
            "Meeting" => "会议：name、date",
            "Speaker" => "讲话人：post、name",
            "Review" => "工作回顾",
            "Honour" => "荣誉：date、text",
            "Section" => "部分：title、intro、items、outro",
            "Item" => "条目：title、points、paragraphs……",
            "Metric" => "指标：id、name、value、unit……",
            "MetricKind" => "指标类型：amount、rate",
            "Better" => "higher 或 lower",
            "Target" => "目标：id、name、value、unit……",
            "Plan" => "工作部署",
            "Attachment" => "附件：title、paragraphs、table",
            "Table" => "表格：columns、rows、align",
            "ColumnAlign" => "对齐：left、center 或 right",
            "FiguresSource" => "指标来源：file、sheet、key、row",
            "Paragraphs" => "一段文字，或由多段文字组成的列表",
            "Points" => "要点：lead、points",
            _ => return None,
        })
    }
}

// JSON Schema for the types with hand-written deserializers: what a writer may type.

impl schemars::JsonSchema for Cell {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Cell".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": ["string", "number", "null"], "description": "表格单元格：文字或数字" })
    }
}

impl schemars::JsonSchema for Paragraphs {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Paragraphs".into()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let points = g.subschema_for::<Points>();
        schemars::json_schema!({
            "description": "一段文字，或多段文字的列表；一段也可以是要点 { lead, points }（印成“一是……二是……”）",
            "anyOf": [
                { "type": "string" },
                points,
                { "type": "array", "items": { "anyOf": [{ "type": "string" }, points] } },
                { "type": "null" }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_need_two_in_sequence_at_clause_starts() {
        let (lead, pts) = Points::split("公共卫生方面。一是加强应急。二是做好防控；三是抓好监督。");
        assert_eq!(lead, "公共卫生方面。");
        assert_eq!(pts, ["加强应急。", "做好防控；", "抓好监督。"]);
        // 一是 inside a word, or alone, is no run of points.
        assert!(Points::split("统一是关键。二是").1.is_empty());
        assert!(Points::split("一是加强应急。").1.is_empty());
    }

    /// A paragraph parsed into points prints as the text it was.
    #[test]
    fn a_parsed_paragraph_prints_as_typed() {
        for text in
            ["与此同时，一是完善制度；二是强化考核。此外，……", "一是抓改革。二是抓服务。", "统一是关键。", "没有要点。"]
        {
            assert_eq!(Paragraph::parse(text.to_string()).text(), text);
        }
        assert!(matches!(Paragraph::parse("一是甲。二是乙。".into()), Paragraph::Points(Points { lead: None, .. })));
        assert!(matches!(Paragraph::parse("统一是关键。二是".into()), Paragraph::Text(_)));
    }
}
