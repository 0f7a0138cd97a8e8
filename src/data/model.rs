//! The data model: what a `data/<county>/<year>.yaml` file may contain.
//!
//! Keys are English and fixed (unknown keys are refused with a suggestion);
//! values are the report's Chinese text and figures. Fields marked "derived" are
//! not written by hand: [`super::derive`] fills them before the templates run, and
//! a key of that name in a file is refused like any unknown key.

use std::collections::BTreeMap;
use std::fmt;

use indexmap::IndexMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One county's (district's, city's, province's) report for one year.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// The genre; picks the default template (`speech`, `work-report`, `key-points`,
    /// `plan`); `figures` for last year's figures and targets alone, not a report.
    pub kind: Kind,
    /// A template name or path to use instead of the genre's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// The report (meeting) year; defaults to the file name (`2018.yaml`).
    #[serde(default)]
    pub year: Option<i32>,
    pub unit: Unit,
    /// The issuing body, e.g. `襄垣县卫生和计划生育局`.
    pub issuer: String,
    /// The line of work as the report names it: `卫生计生` (2018) or `卫生健康`
    /// (the default), as in `全县卫生计生工作`.
    #[serde(default = "default_sector")]
    pub sector: String,
    /// The document's date (成文日期); the meeting date when absent.
    #[serde(default)]
    pub date: Option<Date>,
    #[serde(default)]
    pub meeting: Option<Meeting>,
    #[serde(default)]
    pub speaker: Option<Speaker>,
    /// The title: one line, or a list of lines (a theme line, then the main line).
    /// Required except in a `figures` file.
    #[serde(default)]
    pub title: Paragraphs,
    /// The subtitle; a speech derives `——在<会议名称>上的讲话` when absent.
    #[serde(default)]
    pub subtitle: Option<String>,
    /// The salutation of a speech; `同志们：` when absent.
    #[serde(default)]
    pub salutation: Option<String>,
    /// The opening paragraphs.
    #[serde(default)]
    pub opening: Paragraphs,
    /// Review of the past year.
    #[serde(default)]
    pub review: Option<Review>,
    /// Plan for the coming year (or period).
    #[serde(default)]
    pub plan: Option<Plan>,
    /// The closing paragraphs.
    #[serde(default)]
    pub closing: Paragraphs,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// Anything a custom template wants; passed through untouched.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    pub extra: BTreeMap<String, yaml_serde::Value>,

    /// Derived: the report year (from `year` or the file name).
    #[serde(skip_deserializing)]
    #[schemars(skip)]
    pub report_year: i32,
    /// Derived: the year under review (`report_year - 1`).
    #[serde(skip_deserializing)]
    #[schemars(skip)]
    pub review_year: i32,
    /// Derived: every metric by id, in document order, with its derived figures.
    #[serde(skip_deserializing)]
    #[schemars(skip)]
    pub metrics: IndexMap<String, Metric>,
    /// Derived: every target of the plan by id, in document order.
    #[serde(skip_deserializing)]
    #[schemars(skip)]
    pub targets: IndexMap<String, Target>,
}

fn default_sector() -> String {
    "卫生健康".to_string()
}

/// Report genres.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// 工作会议讲话 (seed 003).
    Speech,
    /// 工作报告 (seed 004).
    WorkReport,
    /// 工作要点 (seeds 000, 002).
    KeyPoints,
    /// 规划, with 第X章/第X节 (seed 001).
    Plan,
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

/// The reporting unit.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    /// Full name: `襄垣县`.
    pub name: String,
    /// Short name used in phrases like `健康襄垣`; defaults to the name without its level.
    #[serde(default)]
    pub short: Option<String>,
    /// Administrative level: 县, 区, 市 or 省.
    pub level: Level,
    /// Derived: `全县`, `全区`, `全市`, `全省`.
    #[serde(skip_deserializing)]
    #[schemars(skip)]
    pub whole: String,
}

/// Administrative level; drives wording such as 全县/全区/全市/全省.
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
}

impl Level {
    pub fn as_char(self) -> char {
        match self {
            Level::County => '县',
            Level::District => '区',
            Level::City => '市',
            Level::Province => '省',
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Meeting {
    /// `襄垣县2018年度卫生计生工作会议`.
    pub name: String,
    pub date: Date,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Speaker {
    /// `县卫生和计划生育局党组书记、局长`.
    pub post: String,
    pub name: String,
}

/// Review of the past year: achievements, thanks, problems.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Review {
    /// The part's heading; the template's default (`<year>年工作回顾`) when absent.
    #[serde(default)]
    pub heading: Option<String>,
    /// The summary sentence the honours follow (`2017年，在县委……圆满完成各项年度目标任务`).
    #[serde(default)]
    pub summary: Option<String>,
    /// Honours received, joined into the summary paragraph with `；`.
    #[serde(default)]
    pub honours: Vec<Honour>,
    /// Text closing the summary paragraph after the honours.
    #[serde(default)]
    pub summary_end: Option<String>,
    #[serde(default)]
    pub sections: Vec<Section>,
    /// Metrics that belong to no item.
    #[serde(default)]
    pub metrics: Vec<Metric>,
    /// The thanks paragraph(s).
    #[serde(default)]
    pub thanks: Paragraphs,
    /// The problems paragraph(s).
    #[serde(default)]
    pub problems: Paragraphs,
}

/// An honour: printed as `<date>，<text>` (the date is optional).
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Honour {
    #[serde(default)]
    pub date: Option<Date>,
    pub text: String,
}

/// A section (`（一）`) of the review or the plan, or a chapter's section (`第X节`).
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub title: String,
    /// Paragraphs before the items.
    #[serde(default)]
    pub intro: Paragraphs,
    /// The items (achievements in the review, tasks in the plan).
    #[serde(default)]
    pub items: Vec<Item>,
    /// Paragraphs after the items.
    #[serde(default)]
    pub outro: Paragraphs,
}

/// An item (`1．`): an achievement or a task.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub title: String,
    /// A reference printed after the title, e.g. `2018年重点项目 第83项`.
    #[serde(default, rename = "ref")]
    pub reference: Option<String>,
    /// The heading stands on its own line; otherwise the text runs in after it.
    #[serde(default)]
    pub standalone: bool,
    /// Text before the points, in the same paragraph.
    #[serde(default)]
    pub lead: Option<String>,
    /// Run-in points, printed `一是……二是……` in one paragraph.
    #[serde(default)]
    pub points: Vec<String>,
    /// Further paragraphs.
    #[serde(default)]
    pub paragraphs: Paragraphs,
    #[serde(default)]
    pub metrics: Vec<Metric>,
    #[serde(default)]
    pub targets: Vec<Target>,
}

/// A figure of the year under review.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Metric {
    /// Stable id, matched against last year's targets and figures (`signing_rate`).
    pub id: String,
    /// `常住人口签约率`.
    pub name: String,
    /// The value in `unit`; derived from numerator/denominator when absent.
    #[serde(default)]
    pub value: Option<f64>,
    /// `%`, `‰`, `万元`, `人`, …
    #[serde(default)]
    pub unit: String,
    /// Last year's value; taken from last year's file (same id) when absent.
    #[serde(default)]
    pub prior: Option<f64>,
    #[serde(default)]
    pub numerator: Option<f64>,
    #[serde(default)]
    pub denominator: Option<f64>,
    /// `amount` or `rate`; a rate when the unit is `%` or `‰`, else an amount.
    #[serde(default)]
    pub kind: Option<MetricKind>,
    /// Decimals to print; as written when absent (1 for a derived rate).
    #[serde(default)]
    pub decimals: Option<u8>,
    /// Ids of metrics that add up to this one.
    #[serde(default)]
    pub parts: Vec<String>,
    /// Whether a higher value is better (the default) or a lower one.
    #[serde(default)]
    pub better: Better,
    /// Shown in the key-indicator chart.
    #[serde(default)]
    pub key: bool,

    /// Derived: decimal places `value` and `prior` were written with.
    #[serde(skip)]
    #[schemars(skip)]
    pub places: Places,
    /// Derived: the value ready to print, without its unit (`66.2`).
    #[serde(skip_deserializing)]
    #[schemars(skip)]
    pub number: String,
    /// Derived: the value ready to print with its unit (`66.2%`).
    #[serde(skip_deserializing)]
    #[schemars(skip)]
    pub text: String,
    /// Derived: last year's value ready to print, without its unit.
    #[serde(skip_deserializing)]
    #[schemars(skip)]
    pub prior_number: Option<String>,
    /// Derived: last year's value ready to print.
    #[serde(skip_deserializing)]
    #[schemars(skip)]
    pub prior_text: Option<String>,
    /// Derived: change against last year.
    #[serde(skip_deserializing)]
    #[schemars(skip)]
    pub change: Option<Change>,
    /// Derived: last year's target for this id and how far it was met.
    #[serde(skip_deserializing)]
    #[schemars(skip)]
    pub target: Option<Completion>,
}

/// Decimal places figures were written with (`93.70` → 2), so that they print
/// as written; `None` where a figure is absent or not written as a decimal.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Places {
    pub value: Option<u8>,
    pub prior: Option<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum MetricKind {
    /// A count or sum of money: change is relative (`增长12.5%`).
    Amount,
    /// A rate: change is in percentage points (`提高3.2个百分点`).
    Rate,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Better {
    #[default]
    Higher,
    Lower,
}

/// Derived: change of a metric against last year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// `up`, `down` or `flat`.
    pub direction: &'static str,
    /// Relative change in percent for an amount, difference in points for a rate.
    pub amount: f64,
    /// `增长12.5%`, `下降3.2个百分点`, `持平`.
    pub text: String,
}

/// Derived: how far last year's target was met.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Completion {
    pub value: f64,
    /// The target ready to print, without its unit (`60`).
    pub number: String,
    /// The target ready to print (`60%`).
    pub value_text: String,
    pub deadline: Option<Date>,
    pub reference: Option<String>,
    /// Achieved value as a percentage of the target (inverted when lower is better).
    pub ratio: f64,
    /// `110.3%`.
    pub ratio_text: String,
    /// `完成`, `超额完成` or `未完成`.
    pub status: &'static str,
    /// `超额完成（110.3%）`.
    pub text: String,
}

/// A target for the coming year.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// Matched against next year's metric of the same id.
    pub id: String,
    pub name: String,
    pub value: f64,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub deadline: Option<Date>,
    /// `2018年重点项目 第83项`.
    #[serde(default, rename = "ref")]
    pub reference: Option<String>,
    #[serde(default)]
    pub better: Better,
    /// Derived: decimal places `value` was written with.
    #[serde(skip)]
    #[schemars(skip)]
    pub places: Option<u8>,
    /// Derived: the target ready to print, without its unit (`60`).
    #[serde(skip_deserializing)]
    #[schemars(skip)]
    pub number: String,
    /// Derived: the target ready to print (`60个`).
    #[serde(skip_deserializing)]
    #[schemars(skip)]
    pub text: String,
}

/// Plan for the coming year (or period).
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// The part's heading; the template's default (`<year>年工作部署`) when absent.
    #[serde(default)]
    pub heading: Option<String>,
    /// Paragraphs before the general requirement (`2018年是……关键之年。`).
    #[serde(default)]
    pub intro: Paragraphs,
    /// The general requirement (总体要求), printed after `…工作的总体要求是：`.
    #[serde(default)]
    pub requirement: Option<String>,
    /// Sections of tasks.
    #[serde(default)]
    pub sections: Vec<Section>,
    /// Targets that belong to no task.
    #[serde(default)]
    pub targets: Vec<Target>,
    /// Safeguards (保障措施) of a multi-year plan.
    #[serde(default)]
    pub safeguards: Vec<Section>,
}

/// An attachment (附件): a title, paragraphs and an optional table.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    pub title: String,
    #[serde(default)]
    pub paragraphs: Paragraphs,
    #[serde(default)]
    pub table: Option<Table>,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Table {
    /// Column headings.
    pub columns: Vec<String>,
    /// Rows of cells (text or numbers).
    pub rows: Vec<Vec<Cell>>,
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

/// One paragraph or a list of paragraphs (`opening: 文字` or `opening: [段一, 段二]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Paragraphs(pub Vec<String>);

impl<'de> Deserialize<'de> for Paragraphs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Paragraphs;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("paragraphs")
            }
            fn visit_str<E>(self, v: &str) -> Result<Paragraphs, E> {
                Ok(Paragraphs(vec![v.to_string()]))
            }
            fn visit_unit<E>(self) -> Result<Paragraphs, E> {
                Ok(Paragraphs::default())
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Paragraphs, A::Error> {
                let mut v = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    v.push(s);
                }
                Ok(Paragraphs(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// A calendar date, to the day (`2018-04-11`) or to the month (`2017-12`);
/// `2018年4月11日` and `2017年12月` are accepted as well.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    /// `None` for a month.
    pub day: Option<u32>,
}

impl Date {
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        let nums: Vec<&str> = s.split(['-', '年', '月', '日', '/', '.']).filter(|p| !p.is_empty()).collect();
        let chinese = s.contains('年');
        if chinese && !(s.ends_with('月') || s.ends_with('日')) {
            return None;
        }
        let num = |p: &str| p.parse::<u32>().ok();
        let (y, m, d) = match nums.as_slice() {
            [y, m] if y.len() == 4 => (num(y)?, num(m)?, None),
            [y, m, d] if y.len() == 4 => (num(y)?, num(m)?, Some(num(d)?)),
            _ => return None,
        };
        let day = d.unwrap_or(1);
        chrono::NaiveDate::from_ymd_opt(y as i32, m, day)?;
        Some(Date { year: y as i32, month: m, day: d })
    }

    /// The first day the date covers.
    pub fn first_day(self) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(self.year, self.month, self.day.unwrap_or(1)).expect("validated date")
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.day {
            Some(d) => write!(f, "{:04}-{:02}-{:02}", self.year, self.month, d),
            None => write!(f, "{:04}-{:02}", self.year, self.month),
        }
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = match yaml_serde::Value::deserialize(d)? {
            yaml_serde::Value::String(s) => s,
            yaml_serde::Value::Number(n) => n.to_string(),
            other => {
                return Err(serde::de::Error::custom(format!(
                    "日期应写成 2018-04-11 或 2018年4月11日，实际是 {}",
                    yaml_serde::to_string(&other).unwrap_or_default().trim()
                )));
            }
        };
        Date::parse(&raw).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "“{raw}”不是有效日期：应写成 2018-04-11 或 2018年4月11日（只到月份时写 2017-12）"
            ))
        })
    }
}

/// Chinese names of the model's types, for messages (`应为映射（指标）`).
pub fn type_name_zh(rust_name: &str) -> &str {
    match rust_name {
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
        "Table" => "表格：columns、rows",
        "Paragraphs" => "一段文字，或由多段文字组成的列表",
        other => other,
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
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "一段文字，或多段文字的列表",
            "anyOf": [{ "type": "string" }, { "type": "array", "items": { "type": "string" } }, { "type": "null" }]
        })
    }
}

impl schemars::JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "日期：2018-04-11、2017-12、2018年4月11日 或 2017年12月",
            "pattern": "^\\s*(\\d{4}[-/.]\\d{1,2}([-/.]\\d{1,2})?|\\d{4}年\\d{1,2}月(\\d{1,2}日)?)\\s*$"
        })
    }
}
