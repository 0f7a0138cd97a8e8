//! Figures from a workbook: the statistics section's spreadsheet (XLSX, XLS,
//! ODS or CSV), one row per unit and one column per metric, read as a person
//! reads it and merged into a data file's metrics and targets before they are
//! deserialized and validated. Every check then applies to its figures, and a
//! finding about one names its cell:
//! `指标.xlsx 表“2018年”C7（襄垣县，常住人口家庭医生签约率）`.
//!
//! A data file or `_common.yaml` names the source,
//! `figures: { file: 指标.xlsx, sheet: "{year}年", key: 单位 }` (see
//! [`FiguresSource`]). The sheet is read like this:
//!
//! * the header row is the first row holding the `key` header, or without a
//!   `key` the first row with two cells filled (a title above it is skipped);
//!   the unit names are in the key column;
//! * the rows right below it whose key cell is empty (or an ASCII word such as
//!   `id`) belong to the header: a row of metric ids, or `分子`/`分母` under a
//!   merged name. A merged cell reads as its text across the whole area;
//! * a column's header names a metric or target by id (`signing_rate`,
//!   `signing_rate.numerator`) or by name (`常住人口家庭医生签约率`), and
//!   which figure it holds by a word, alone or in brackets after the name:
//!   `本年` (the value, the default), `分子`, `分母`, `上年`, `目标`; a unit in
//!   brackets (`（万元）`) must be the metric's. Ids win over names. Columns
//!   naming nothing in the report are another report's and not read, unless
//!   they miss one of its names or ids by a character or two;
//! * the unit's row is the one whose key cell is `row`, `unit.name` or
//!   `unit.short` (spaces ignored); it must be there, once;
//! * a cell is read as shown: a number formatted as a percentage (0.662 shown
//!   as 66.2%) is 66.2 for a `%` metric, a number is rounded to the decimals its
//!   format shows, and text is read as a number when a person would
//!   (`1,234.5`, `１２３`, `66.2%`, `338.3万元` for a 万元 metric); `-`, `—`, `/`
//!   and empty cells hold nothing. An XLS file does not say which cells are
//!   percentages: a fraction under 1 for a `%` figure there is refused.
//!
//! A figure both in the data file and in the sheet must agree; a metric with
//! neither is an error at its cell. Parsed workbooks are kept for the process
//! by content, so a batch reads a workbook once.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use calamine::{Data, Reader, Sheets};
use yaml_serde::Value;

use super::model::FiguresSource;
use crate::diag::{Diagnostic, Errors, Location, Result};
use crate::input;
use crate::numbers::decimal;
use crate::yaml::{self, YamlFile};

/// What a data file's figures took from a workbook.
#[derive(Debug, Clone, Default)]
pub struct Filled {
    /// The workbook, as its path is shown.
    pub workbook: PathBuf,
    /// What of it was read ([`Used`]).
    pub used: Used,
    /// The cell each value filled from the sheet came from, by YAML path
    /// (`review.metrics[0].value`).
    pub cells: HashMap<String, Location>,
    /// Cells that cannot be read, figures that disagree, columns that miss.
    pub errors: Vec<Diagnostic>,
    /// YAML paths of metrics and targets an error above is about: other
    /// findings about them (no value) would only repeat it.
    pub reported: Vec<String>,
}

impl Filled {
    /// Whether `d` is about a metric or target an error of the sheet already covers.
    pub fn covers(&self, d: &Diagnostic) -> bool {
        d.path.as_deref().is_some_and(|p| self.reported.iter().any(|r| p == r || p.starts_with(&format!("{r}."))))
    }

    /// `d` pointed at the cell its value came from, when it did.
    pub fn relocate(&self, mut d: Diagnostic) -> Diagnostic {
        if let Some(cell) = d.path.as_ref().and_then(|p| self.cells.get(p)) {
            d.location = Some(cell.clone());
        }
        d
    }
}

/// What a report reads from a workbook, for its stamp: the workbook and a
/// text holding the sheet's header and the unit's row, so that a change to
/// another unit's row leaves the report up to date.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Used {
    pub workbook: PathBuf,
    pub rows: String,
}

/// Fill the metrics and targets of `value` (a data file merged over
/// `_common.yaml`, read from `files`) from the workbook its `figures:` names.
/// `None` when it names none. Errors that leave nothing to read (no such
/// file, sheet or row) fail; errors of single cells are in [`Filled::errors`].
pub fn fill(value: &mut Value, files: &[&YamlFile], data: &Path) -> Result<Option<Filled>> {
    let Some(source) = Selected::of(value, files, data)? else { return Ok(None) };
    let mut decls = Vec::new();
    declarations(value, &mut Vec::new(), &mut decls);
    let mut filled = Filled { workbook: source.workbook.clone(), used: source.used(), ..Filled::default() };
    let columns = source.columns(&decls, &mut filled);
    let row = source.row;
    let row_label = norm(&source.table.grid.shown(row, source.table.key_col).text());
    let mut found: Vec<Vec<(Field, u32)>> = vec![Vec::new(); decls.len()];
    for (&(d, field), &col) in &columns {
        found[d].push((field, col));
    }
    for (d, decl) in decls.iter().enumerate() {
        found[d].sort();
        for &(field, col) in &found[d] {
            let what = format!("{row_label}，{}{}", decl.name, field.label());
            let at = || source.cell(row, col, &what);
            let cell = source.table.grid.shown(row, col);
            let number = match read_number(cell, &decl.unit) {
                Ok(Some(n)) => n,
                Ok(None) => continue,
                Err(why) => {
                    filled.errors.push(Diagnostic::error("figures.number", why).at(Some(at())).with_path(&decl.path));
                    filled.reported.push(decl.path.clone());
                    continue;
                }
            };
            if source.book.format == Format::Xls && decl.unit == "%" && number.abs() < 1.0 && number != 0.0 {
                // A percentage cell holds its fraction, and an XLS file does
                // not say which cells are shown as percentages.
                let n = decimal(number, None);
                filled.errors.push(
                    Diagnostic::error(
                        "figures.fraction",
                        format!(
                            "读到的是 {n}：XLS 文件看不出这一格是不是百分比格式，不知道是 {n}% 还是 {}%",
                            decimal(tidy(number * 100.0), None)
                        ),
                    )
                    .at(Some(at()))
                    .with_path(&decl.path)
                    .with_help("把文件另存为 XLSX；或在表里把这一格写成百分数的数值（如 66.2），或写成文字“66.2%”"),
                );
                filled.reported.push(decl.path.clone());
                continue;
            }
            let key = field.key(decl.target);
            let path = format!("{}.{key}", decl.path);
            let slot = node_mut(value, &decl.steps).and_then(Value::as_mapping_mut).expect("declared mapping");
            match slot.get(key) {
                None | Some(Value::Null) => {
                    slot.insert(Value::String(key.to_string()), number_value(number));
                }
                Some(written) => {
                    if let Some(w) = written.as_f64()
                        && (w - number).abs() > 1e-9 * w.abs().max(1.0)
                    {
                        let place = yaml::locate(files, &path, false).map(|l| format!("（{}）", l.place()));
                        filled.errors.push(
                            Diagnostic::error(
                                "figures.conflict",
                                format!(
                                    "表里是 {}，数据文件里写的是 {}{}",
                                    decimal(number, None),
                                    decimal(w, None),
                                    place.unwrap_or_default()
                                ),
                            )
                            .at(Some(at()))
                            .with_path(&path)
                            .with_help(format!("一个数只写在一处：请删去数据文件里的 {key}，或改正表里的数")),
                        );
                        filled.reported.push(decl.path.clone());
                    }
                }
            }
            filled.cells.insert(path, at());
        }
    }
    complete(value, &decls, &found, &source, &row_label, &mut filled);
    source.near_misses(&decls, &found, value, &mut filled);
    Ok(Some(filled))
}

/// A metric or target that every declared value must be found for: errors
/// for those the sheet has a column for but an empty cell.
fn complete(
    value: &Value,
    decls: &[Decl],
    found: &[Vec<(Field, u32)>],
    source: &Selected,
    row_label: &str,
    filled: &mut Filled,
) {
    for (decl, columns) in decls.iter().zip(found) {
        let Some(&(field, col)) = columns.first() else { continue };
        if filled.reported.contains(&decl.path) {
            continue;
        }
        let node = node_ref(value, &decl.steps);
        let has = |k: &str| node.and_then(|n| n.get(k)).is_some_and(|v| !v.is_null());
        let complete = has("value") || (!decl.target && has("numerator") && has("denominator"));
        if !complete {
            let noun = if decl.target { "目标" } else { "指标" };
            filled.errors.push(
                Diagnostic::error(
                    "figures.empty",
                    format!("单元格是空的：{noun}“{}”没有数值，数据文件里也没有写", decl.name),
                )
                .at(Some(source.cell(source.row, col, &format!("{row_label}，{}{}", decl.name, field.label()))))
                .with_path(&decl.path),
            );
            filled.reported.push(decl.path.clone());
        }
    }
}

/// The workbook, sheet, table and row a data file's `figures:` leads to.
struct Selected {
    workbook: PathBuf,
    book: Arc<Book>,
    table: Table,
    row: u32,
}

impl Selected {
    /// What a report reads of the workbook: the sheet, the key column, the
    /// header rows and its row, as shown.
    fn used(&self) -> Used {
        let t = &self.table;
        let mut rows = format!("{}\n{}\n", t.grid.name, t.key_col);
        for &r in t.header.iter().chain(std::iter::once(&self.row)) {
            for c in 0..t.grid.cols {
                rows.push_str(&format!("{:?}\t", t.grid.shown(r, c)));
            }
            rows.push('\n');
        }
        Used { workbook: self.workbook.clone(), rows }
    }

    fn of(value: &Value, files: &[&YamlFile], data: &Path) -> Result<Option<Selected>> {
        let Some(spec) = value.get("figures").filter(|v| !v.is_null()) else { return Ok(None) };
        #[derive(serde::Deserialize)]
        struct Named {
            figures: FiguresSource,
        }
        impl yaml::TypeNames for Named {
            fn type_name_zh(rust_name: &str) -> Option<&'static str> {
                <super::model::Report as yaml::TypeNames>::type_name_zh(rust_name)
            }
        }
        let mut named = yaml_serde::Mapping::new();
        named.insert("figures".into(), spec.clone());
        let source = yaml::deserialize::<Named>(Value::Mapping(named), files)?.figures;
        let at = |key: &str| {
            yaml::locate(files, &format!("figures.{key}"), false).or_else(|| yaml::locate(files, "figures", false))
        };
        let year = value
            .get("year")
            .and_then(Value::as_i64)
            .map(|y| y.to_string())
            .or_else(|| data.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .unwrap_or_default();
        let file = source.file.replace("{year}", &year);
        // Relative to the data folder, confined to the project (the folder above it).
        let folder = data.parent().and_then(Path::parent).unwrap_or(Path::new("."));
        let folder = if folder.as_os_str().is_empty() { Path::new(".") } else { folder };
        let workbook = folder.join(&file);
        let project = std::path::absolute(folder).ok().and_then(|f| f.parent().map(Path::to_path_buf));
        let project = project.unwrap_or_else(|| PathBuf::from("/"));
        if std::fs::symlink_metadata(&workbook).is_err() {
            return Err(Diagnostic::error("figures.file", format!("找不到表格文件 {}", workbook.display()))
                .at(at("file"))
                .with_path("figures.file")
                .with_help("file 写相对于 data 目录（_common.yaml 所在的目录）的路径，如 指标.xlsx")
                .into());
        }
        if input::confined(&project, &workbook).is_none() {
            return Err(Diagnostic::error(
                "figures.outside",
                format!("表格文件 {} 在项目目录之外（或是指向外面的链接），不能使用", workbook.display()),
            )
            .at(at("file"))
            .with_path("figures.file")
            .with_help("请把表格文件复制到 data 目录里")
            .into());
        }
        let book = book(&workbook)?;
        let sheet = source.sheet.as_ref().map(|s| s.replace("{year}", &year));
        let grid = match (&sheet, book.format) {
            (Some(name), f) if f != Format::Csv => {
                book.sheets.iter().position(|g| norm(&g.name) == norm(name)).ok_or_else(|| {
                    let names: Vec<String> = book.sheets.iter().map(|g| format!("“{}”", g.name)).collect();
                    Errors::from(
                        Diagnostic::error("figures.sheet", format!("{} 里没有名为“{name}”的表", workbook.display()))
                            .at(at("sheet"))
                            .with_path("figures.sheet")
                            .with_help(format!("这个文件里的表：{}", names.join("、"))),
                    )
                })?
            }
            _ => 0,
        };
        let Some(grid) = book.sheets.get(grid).cloned() else {
            return Err(Diagnostic::error("figures.sheet", format!("{} 里没有任何表", workbook.display()))
                .at(at("file"))
                .into());
        };
        let sheet_name = if book.format == Format::Csv { None } else { Some(grid.name.clone()) };
        let in_sheet = sheet_name.as_ref().map(|s| format!("表“{s}”")).unwrap_or_else(|| "表".to_string());
        let table = Table::locate(grid, source.key.as_deref()).ok_or_else(|| {
            let why = match &source.key {
                Some(k) => format!("{} {in_sheet}里找不到表头为“{k}”的列", workbook.display()),
                None => format!("{} {in_sheet}里找不到表头（一行里至少两个单元格有字）", workbook.display()),
            };
            Errors::from(Diagnostic::error("figures.header", why).at(at("key")).with_path("figures.key"))
        })?;
        let mut selected = Selected { workbook, book, table, row: 0 };
        let unit = value.get("unit");
        let name = unit.and_then(|u| u.get("name")).and_then(Value::as_str);
        let Some(name) = name else { return Ok(None) };
        let short = unit.and_then(|u| u.get("short")).and_then(Value::as_str).map(str::to_string).or_else(|| {
            let level = unit.and_then(|u| u.get("level")).and_then(Value::as_str).unwrap_or_default();
            name.strip_suffix(level).filter(|s| s.chars().count() >= 2).map(str::to_string)
        });
        let wanted: Vec<String> = match &source.row {
            Some(r) => vec![norm(r)],
            None => std::iter::once(name.to_string()).chain(short).map(|n| norm(&n)).collect(),
        };
        let t = &selected.table;
        let rows: Vec<u32> =
            t.body_rows().filter(|&r| wanted.contains(&norm(&t.grid.shown(r, t.key_col).text()))).collect();
        let key_header = t.grid.shown(t.header_row(), t.key_col).text();
        match rows.as_slice() {
            [] => {
                let written = source.row.as_deref().unwrap_or(name);
                let names: Vec<String> = t.body_rows().map(|r| t.grid.shown(r, t.key_col).text()).collect();
                let help = match yaml::suggest(written, &names) {
                    Some(s) => format!("表里有“{s}”：如果就是这个单位，请在 figures 里写 row: {s}"),
                    None => format!("{}列里的单位：{}", column_name(t.key_col), list(&names)),
                };
                Err(Diagnostic::error("figures.no-row", format!("表里没有“{written}”这一行"))
                    .at(Some(selected.cell(t.header_row(), t.key_col, &format!("“{key_header}”列"))))
                    .with_help(help)
                    .into())
            }
            [r] => {
                selected.row = *r;
                Ok(Some(selected))
            }
            [first, second, ..] => Err(Diagnostic::error(
                "figures.duplicate-row",
                format!(
                    "“{}”有两行：第{}行和第{}行",
                    t.grid.shown(*second, t.key_col).text().trim(),
                    first + 1,
                    second + 1
                ),
            )
            .at(Some(selected.cell(*second, t.key_col, &format!("“{key_header}”列"))))
            .with_help("每个单位只能有一行；请删去重复的一行")
            .into()),
        }
    }

    /// The location of cell (`row`, `col`) with what it stands for.
    fn cell(&self, row: u32, col: u32, what: &str) -> Location {
        let sheet = match self.book.format {
            Format::Csv => String::new(),
            _ => format!("表“{}”", self.table.grid.name),
        };
        Location {
            file: self.workbook.display().to_string(),
            line: row as usize + 1,
            column: col as usize + 1,
            width: 1,
            source_line: None,
            cell: Some(format!("{sheet}{}{}（{what}）", column_name(col), row + 1)),
        }
    }

    /// The column of each declared figure the header names, by (declaration,
    /// field). Errors for columns that name a figure twice or in another unit.
    fn columns(&self, decls: &[Decl], filled: &mut Filled) -> std::collections::BTreeMap<(usize, Field), u32> {
        let mut by_name: HashMap<String, Vec<&str>> = HashMap::new();
        for d in decls {
            let ids = by_name.entry(norm(&d.name)).or_default();
            if !ids.contains(&d.id.as_str()) {
                ids.push(&d.id);
            }
        }
        let mut out = std::collections::BTreeMap::new();
        for header in self.table.headers() {
            let Some((id, field, unit_note)) = header.resolve(&by_name, decls) else { continue };
            let Some((d, field)) = pick(decls, &id, field) else { continue };
            let (row, col) = header.at;
            if let Some(note) = unit_note
                && UNITS.contains(&note.as_str())
                && norm(&note) != norm(&decls[d].unit)
            {
                filled.errors.push(
                    Diagnostic::error(
                        "figures.unit",
                        format!("表头写的单位是“{note}”，但“{}”的单位是“{}”", decls[d].name, decls[d].unit),
                    )
                    .at(Some(self.cell(row, col, &format!("表头“{}”", header.shown()))))
                    .with_path(&decls[d].path)
                    .with_help("换算成数据里的单位再填，或改正数据里的 unit"),
                );
                filled.reported.push(decls[d].path.clone());
                continue;
            }
            if let Some(first) = out.get(&(d, field)) {
                filled.errors.push(
                    Diagnostic::error(
                        "figures.duplicate-column",
                        format!(
                            "“{}”{}有两列：{}列和{}列",
                            decls[d].name,
                            field.label(),
                            column_name(*first),
                            column_name(col)
                        ),
                    )
                    .at(Some(self.cell(row, col, &format!("表头“{}”", header.shown()))))
                    .with_path(&decls[d].path)
                    .with_help("每个数只能有一列；请删去或改正其中一列的表头"),
                );
                filled.reported.push(decls[d].path.clone());
                continue;
            }
            out.insert((d, field), col);
        }
        out
    }

    /// Columns that miss a name or id of a metric or target still without a
    /// value by a character or two (`常住人口家庭签约率`, `signing_rat`): the
    /// figure meant for it would otherwise be silently passed over.
    fn near_misses(&self, decls: &[Decl], found: &[Vec<(Field, u32)>], value: &Value, filled: &mut Filled) {
        let used: Vec<u32> = found.iter().flatten().map(|&(_, c)| c).collect();
        let headers: Vec<Header> = self.table.headers().into_iter().filter(|h| !used.contains(&h.at.1)).collect();
        for (decl, columns) in decls.iter().zip(found) {
            let node = node_ref(value, &decl.steps);
            let has = |k: &str| node.and_then(|n| n.get(k)).is_some_and(|v| !v.is_null());
            let complete = has("value") || (!decl.target && has("numerator") && has("denominator"));
            if complete || !columns.is_empty() || filled.reported.contains(&decl.path) {
                continue;
            }
            let near = headers.iter().find_map(|h| {
                h.texts.iter().find_map(|(text, at)| {
                    let (base, _) = split_suffixes(text);
                    let close = |a: &str, b: &str| {
                        let (a, b) = (norm(a), norm(b));
                        a != b && b.chars().count() >= 4 && strsim::levenshtein(&a, &b) <= 2
                    };
                    (close(&base, &decl.name) || close(text.split('.').next().unwrap_or(text), &decl.id))
                        .then(|| (text.clone(), *at))
                })
            });
            if let Some((text, (row, col))) = near {
                let noun = if decl.target { "目标" } else { "指标" };
                filled.errors.push(
                    Diagnostic::error(
                        "figures.column",
                        format!("表头“{text}”不是这份报告里的{noun}，而{noun}“{}”在表里没有列，也没有数值", decl.name),
                    )
                    .at(Some(self.cell(row, col, &format!("表头“{text}”"))))
                    .with_path(&decl.path)
                    .with_help(format!(
                        "如果这一列就是它，请把表头改成“{}”或 id `{}`（表头与数据里的名称或 id 要一字不差）",
                        decl.name, decl.id
                    )),
                );
                filled.reported.push(decl.path.clone());
            }
        }
    }
}

/// The declaration and field a column of `id` and `field` fills: a metric's
/// figure, or a target's value (`目标`, or the value of an id only a target has).
fn pick(decls: &[Decl], id: &str, field: Option<Field>) -> Option<(usize, Field)> {
    let find = |target: bool| decls.iter().position(|d| d.id == id && d.target == target);
    match field.unwrap_or(Field::Value) {
        Field::Target => find(true).map(|d| (d, Field::Target)),
        Field::Value => find(false).map(|d| (d, Field::Value)).or_else(|| find(true).map(|d| (d, Field::Target))),
        f => find(false).map(|d| (d, f)),
    }
}

/// Units a header may name in brackets; any other bracketed text is a note.
const UNITS: [&str; 30] = [
    "%",
    "‰",
    "元",
    "万元",
    "亿元",
    "千元",
    "人",
    "万人",
    "人次",
    "万人次",
    "个",
    "家",
    "所",
    "张",
    "名",
    "例",
    "对",
    "次",
    "项",
    "堂",
    "条",
    "天",
    "户",
    "岁",
    "台",
    "床",
    "平方米",
    "元/月",
    "元/人",
    "万元/人",
];

/// Which of a metric's figures a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Field {
    Value,
    Numerator,
    Denominator,
    Prior,
    Target,
}

impl Field {
    /// The word of a header naming the field.
    fn from_word(s: &str) -> Option<Field> {
        Some(match norm(s).as_str() {
            "本年" | "本年度" | "数值" | "实际" | "value" => Field::Value,
            "分子" | "numerator" => Field::Numerator,
            "分母" | "denominator" => Field::Denominator,
            "上年" | "去年" | "上年度" | "prior" => Field::Prior,
            "目标" | "目标值" | "target" => Field::Target,
            _ => return None,
        })
    }

    /// The YAML key it fills.
    fn key(self, target: bool) -> &'static str {
        match self {
            _ if target => "value",
            Field::Value | Field::Target => "value",
            Field::Numerator => "numerator",
            Field::Denominator => "denominator",
            Field::Prior => "prior",
        }
    }

    /// As a message names it after the metric (`常住人口家庭医生签约率·分子`).
    fn label(self) -> &'static str {
        match self {
            Field::Value | Field::Target => "",
            Field::Numerator => "·分子",
            Field::Denominator => "·分母",
            Field::Prior => "·上年",
        }
    }
}

/// A metric or target declared in the data, where it is, and what it is.
struct Decl {
    path: String,
    steps: Vec<Step>,
    target: bool,
    id: String,
    name: String,
    unit: String,
}

#[derive(Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// Every metric and target of a data file: the mappings with an `id` in a
/// list under `metrics` or `targets`, anywhere but under `extra`.
fn declarations(v: &Value, steps: &mut Vec<Step>, out: &mut Vec<Decl>) {
    match v {
        Value::Mapping(m) => {
            for (k, child) in m {
                let Some(k) = k.as_str() else { continue };
                if steps.is_empty() && matches!(k, "extra" | "figures" | "attachments") {
                    continue;
                }
                steps.push(Step::Key(k.to_string()));
                match (k, child) {
                    ("metrics" | "targets", Value::Sequence(items)) => {
                        for (i, item) in items.iter().enumerate() {
                            let field = |f: &str| item.get(f).and_then(Value::as_str).map(str::to_string);
                            if let Some(id) = field("id") {
                                steps.push(Step::Index(i));
                                out.push(Decl {
                                    path: path_of(steps),
                                    steps: steps.clone(),
                                    target: k == "targets",
                                    name: field("name").unwrap_or_else(|| id.clone()),
                                    unit: field("unit").unwrap_or_default(),
                                    id,
                                });
                                steps.pop();
                            }
                        }
                    }
                    _ => declarations(child, steps, out),
                }
                steps.pop();
            }
        }
        Value::Sequence(items) => {
            for (i, item) in items.iter().enumerate() {
                steps.push(Step::Index(i));
                declarations(item, steps, out);
                steps.pop();
            }
        }
        _ => {}
    }
}

fn path_of(steps: &[Step]) -> String {
    let mut s = String::new();
    for step in steps {
        match step {
            Step::Key(k) if s.is_empty() => s.push_str(k),
            Step::Key(k) => s.push_str(&format!(".{k}")),
            Step::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

fn node_ref<'v>(v: &'v Value, steps: &[Step]) -> Option<&'v Value> {
    steps.iter().try_fold(v, |v, s| match s {
        Step::Key(k) => v.get(k.as_str()),
        Step::Index(i) => v.get(*i),
    })
}

fn node_mut<'v>(v: &'v mut Value, steps: &[Step]) -> Option<&'v mut Value> {
    steps.iter().try_fold(v, |v, s| match s {
        Step::Key(k) => v.get_mut(k.as_str()),
        Step::Index(i) => v.get_mut(*i),
    })
}

/// A figure as a YAML number: whole numbers as integers.
fn number_value(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9e15 { Value::Number((x as i64).into()) } else { Value::Number(x.into()) }
}

// ---------------------------------------------------------------------------
// Reading cells as a person reads them.

/// A cell's content.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Empty,
    /// A number; `percent` when it is shown as a percentage (0.662 as 66.2%),
    /// `decimals` when its format fixes how many it shows.
    Number {
        value: f64,
        percent: bool,
        decimals: Option<u8>,
    },
    Text(String),
    /// Anything else, as a message describes it: `日期`, `逻辑值 TRUE`, `错误值 #DIV/0!`.
    Other(String),
}

static EMPTY: Cell = Cell::Empty;

impl Cell {
    /// The cell as text, for headers and unit names.
    fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Number { value, .. } => decimal(*value, None),
            Cell::Text(s) | Cell::Other(s) => s.clone(),
        }
    }

    fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// The number in a cell for a figure in `unit`: `None` for an empty cell or a
/// dash; an error message when a person would not read a number there.
fn read_number(cell: &Cell, unit: &str) -> std::result::Result<Option<f64>, String> {
    let per_unit = |scale: Scale, x: f64, shown: &str| -> std::result::Result<f64, String> {
        Ok(match (scale, unit) {
            (Scale::One, _) => x,
            (Scale::Percent, "%") | (Scale::Permille, "‰") => x,
            (Scale::Percent, "‰") => x * 10.0,
            (Scale::Permille, "%") => x / 10.0,
            (_, u) => {
                let u = if u.is_empty() { "（没有写单位）".to_string() } else { format!("“{u}”") };
                return Err(format!("单元格是百分数（{shown}），但这个数的单位是{u}"));
            }
        })
    };
    match cell {
        Cell::Empty => Ok(None),
        Cell::Number { value, percent, decimals } => {
            let shown = |x: f64, d: Option<u8>| match d {
                Some(d) => decimal(x, Some(d)),
                None => decimal((x * 1e10).round() / 1e10, None),
            };
            if *percent {
                let text = format!("{}%", shown(value * 100.0, *decimals));
                let x = per_unit(Scale::Percent, shown(value * 100.0, *decimals).parse().unwrap_or(0.0), &text)?;
                return Ok(Some(tidy(x)));
            }
            Ok(Some(shown(*value, *decimals).parse().unwrap_or(*value)))
        }
        Cell::Text(s) => match text_number(s, unit) {
            Reading::Blank => Ok(None),
            Reading::Number(x, scale) => per_unit(scale, x, s.trim()).map(|x| Some(tidy(x))),
            Reading::Not => Err(format!("应为数字，实际是文字“{}”", excerpt(s.trim()))),
        },
        Cell::Other(what) => Err(format!("应为数字，实际是{what}")),
    }
}

/// `x` without binary noise (`33.800000000000004` → 33.8).
fn tidy(x: f64) -> f64 {
    decimal(x, Some(10)).parse().unwrap_or(x)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Scale {
    One,
    Percent,
    Permille,
}

#[derive(Debug, PartialEq)]
enum Reading {
    Blank,
    Number(f64, Scale),
    Not,
}

/// A number written as text, read as a person reads it: full-width digits,
/// thousands separators, a `%` or `‰` sign, the figure's own unit after it.
fn text_number(s: &str, unit: &str) -> Reading {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).map(halfwidth).collect();
    if matches!(s.as_str(), "" | "-" | "—" | "——" | "/" | "－" | "–") {
        return Reading::Blank;
    }
    let unit = unit.trim();
    let s = if !unit.is_empty() && unit != "%" && unit != "‰" { s.strip_suffix(unit).unwrap_or(&s) } else { &s };
    let (s, scale) = match (s.strip_suffix('%'), s.strip_suffix('‰')) {
        (Some(n), _) => (n, Scale::Percent),
        (_, Some(n)) => (n, Scale::Permille),
        _ => (s, Scale::One),
    };
    let (sign, digits) = match s.strip_prefix('-').or_else(|| s.strip_prefix('−')) {
        Some(rest) => (-1.0, rest),
        None => (1.0, s.strip_prefix('+').unwrap_or(s)),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let groups: Vec<&str> = int.split(',').collect();
    let grouped = groups.len() == 1
        || (!groups[0].is_empty() && groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3));
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !grouped || !groups.iter().all(|g| all_digits(g)) || !all_digits(frac) {
        return Reading::Not;
    }
    match format!("{}.{frac}", groups.concat()).trim_end_matches('.').parse::<f64>() {
        Ok(x) => Reading::Number(sign * x, scale),
        Err(_) => Reading::Not,
    }
}

/// Full-width ASCII (`１２３，５％`) as ASCII.
fn halfwidth(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        c => c,
    }
}

/// A text compared as a person compares it: spaces and line breaks ignored,
/// full-width letters and digits as ASCII.
fn norm(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).map(halfwidth).collect()
}

fn excerpt(s: &str) -> String {
    let short: String = s.chars().take(30).collect();
    if short.len() < s.len() { format!("{short}…") } else { short }
}

fn list(names: &[String]) -> String {
    let shown: Vec<&str> = names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()).take(12).collect();
    let more = if names.len() > shown.len() { "……" } else { "" };
    format!("{}{more}", shown.join("、"))
}

/// A column's letters: 0 → A, 26 → AA.
pub fn column_name(col: u32) -> String {
    let mut n = col as u64 + 1;
    let mut s = Vec::new();
    while n > 0 {
        let r = ((n - 1) % 26) as u8;
        s.push(b'A' + r);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII")
}

/// Whether a number format shows a percentage, and the decimals it shows:
/// `0.0%` → (true, Some(1)), `#,##0` → (false, Some(0)), `General` → (false, None).
fn number_format(code: &str) -> (bool, Option<u8>) {
    let (mut percent, mut digits, mut after_dot, mut decimals) = (false, false, false, 0u8);
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        match c {
            ';' => break,
            '"' => {
                for q in chars.by_ref() {
                    if q == '"' {
                        break;
                    }
                }
            }
            '\\' | '_' | '*' => {
                chars.next();
            }
            '[' => {
                for q in chars.by_ref() {
                    if q == ']' {
                        break;
                    }
                }
            }
            '%' => percent = true,
            'E' | 'e' => return (percent, None),
            '.' => after_dot = true,
            '0' | '#' | '?' => {
                digits = true;
                if after_dot {
                    decimals += 1;
                }
            }
            _ => {}
        }
    }
    (percent, digits.then_some(decimals))
}

// ---------------------------------------------------------------------------
// Sheets and their header.

/// A workbook's kind, for what can be known of its cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Xlsx,
    /// Number formats are not read from XLS files: a percentage is its fraction.
    Xls,
    Ods,
    Csv,
}

/// One sheet: its cells by 0-based (row, column) and its merged areas.
#[derive(Debug, Clone, Default)]
struct Grid {
    name: String,
    cells: HashMap<(u32, u32), Cell>,
    /// First row, first column, last row, last column of each merged area.
    merges: Vec<[u32; 4]>,
    rows: u32,
    cols: u32,
}

impl Grid {
    fn raw(&self, r: u32, c: u32) -> &Cell {
        self.cells.get(&(r, c)).unwrap_or(&EMPTY)
    }

    /// The top-left cell of the merged area `(r, c)` lies in, or itself.
    fn origin(&self, r: u32, c: u32) -> (u32, u32) {
        self.merges.iter().find(|m| m[0] <= r && r <= m[2] && m[1] <= c && c <= m[3]).map_or((r, c), |m| (m[0], m[1]))
    }

    /// The cell as shown: a merged area shows its top-left cell throughout.
    fn shown(&self, r: u32, c: u32) -> &Cell {
        let (r, c) = self.origin(r, c);
        self.raw(r, c)
    }

    fn insert(&mut self, r: u32, c: u32, cell: Cell) {
        if !cell.is_blank() {
            self.rows = self.rows.max(r + 1);
            self.cols = self.cols.max(c + 1);
            self.cells.insert((r, c), cell);
        }
    }
}

/// A sheet's table: its header rows and the key column.
struct Table {
    grid: Grid,
    header: Vec<u32>,
    key_col: u32,
}

/// One column's header: its texts from top to bottom, each with the cell
/// holding it.
struct Header {
    texts: Vec<(String, (u32, u32))>,
    at: (u32, u32),
}

impl Table {
    fn locate(grid: Grid, key: Option<&str>) -> Option<Table> {
        let g = &grid;
        let filled = |r: u32| (0..g.cols).filter(move |&c| !g.raw(r, c).is_blank());
        // Without a key, the header is the first row about as full as the
        // fullest near the top: a title or a note above it has a cell or two.
        let widest = (0..grid.rows.min(30)).map(|r| filled(r).count()).max().unwrap_or(0);
        let enough = 2.max(widest.div_ceil(2));
        let (row, key_col) = (0..grid.rows.min(100)).find_map(|r| match key {
            Some(k) => filled(r).find(|&c| norm(&grid.raw(r, c).text()) == norm(k)).map(|c| (r, c)),
            None => (filled(r).count() >= enough).then(|| (r, filled(r).next().expect("cells"))),
        })?;
        let mut header = vec![row];
        let mut r = row + 1;
        while r < grid.rows && header.len() < 4 {
            let key_text = grid.raw(r, key_col).text();
            let wordy = key_text.trim().chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !wordy || filled(r).next().is_none() {
                break;
            }
            header.push(r);
            r += 1;
        }
        Some(Table { grid, header, key_col })
    }

    fn header_row(&self) -> u32 {
        self.header[0]
    }

    fn body_rows(&self) -> impl Iterator<Item = u32> + '_ {
        let first = self.header.last().copied().unwrap_or(0) + 1;
        (first..self.grid.rows).filter(|&r| !self.grid.shown(r, self.key_col).is_blank())
    }

    fn headers(&self) -> Vec<Header> {
        (0..self.grid.cols)
            .filter(|&c| c != self.key_col)
            .filter_map(|c| {
                let mut texts: Vec<(String, (u32, u32))> = Vec::new();
                for &r in &self.header {
                    let origin = self.grid.origin(r, c);
                    let text = self.grid.raw(origin.0, origin.1).text().trim().to_string();
                    if !text.is_empty() && texts.last().is_none_or(|(_, at)| *at != origin) {
                        texts.push((text, origin));
                    }
                }
                let at = texts.first()?.1;
                Some(Header { texts, at: (at.0, c) })
            })
            .collect()
    }
}

impl Header {
    /// The header as one text (`常住人口家庭医生签约率 / 分子`).
    fn shown(&self) -> String {
        self.texts.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>().join(" / ")
    }

    /// The id it names, the field if it names one, and a bracketed note (a unit).
    fn resolve(
        &self,
        by_name: &HashMap<String, Vec<&str>>,
        decls: &[Decl],
    ) -> Option<(String, Option<Field>, Option<String>)> {
        let (mut id, mut field, mut named, mut note) = (None, None, None, None);
        for (text, _) in &self.texts {
            if let Some((i, f)) = id_like(text) {
                if id.is_none() && decls.iter().any(|d| d.id == i) {
                    id = Some(i);
                }
                field = f.or(field);
            } else if let Some(f) = Field::from_word(text) {
                field = Some(f);
            } else {
                let (base, suffixes) = split_suffixes(text);
                let whole = by_name.get(&norm(text)).filter(|ids| ids.len() == 1);
                let matched = whole.is_some();
                if !matched {
                    for s in &suffixes {
                        match Field::from_word(s) {
                            Some(f) => field = Some(f),
                            None => note = Some(norm(s)),
                        }
                    }
                }
                let ids = whole.or_else(|| by_name.get(&norm(&base)));
                if named.is_none()
                    && let Some([only]) = ids.map(Vec::as_slice)
                {
                    named = Some(only.to_string());
                }
            }
        }
        let id = id.or(named)?;
        Some((id, field, note))
    }
}

/// `signing_rate` or `signing_rate.numerator` as (id, field).
fn id_like(text: &str) -> Option<(String, Option<Field>)> {
    let t = norm(text);
    let (id, field) = match t.split_once('.') {
        Some((id, f)) => (id, Some(Field::from_word(f)?)),
        None => (t.as_str(), None),
    };
    let ok = id.starts_with(|c: char| c.is_ascii_alphabetic())
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && Field::from_word(id).is_none();
    ok.then(|| (id.to_string(), field))
}

/// A header without its bracketed notes (`签约率（%）（分子）` → `签约率`, [`%`, `分子`]).
fn split_suffixes(text: &str) -> (String, Vec<String>) {
    let mut base = text.trim().to_string();
    let mut notes = Vec::new();
    for _ in 0..3 {
        let Some(close) = base.chars().last().filter(|c| matches!(c, '）' | ')')) else { break };
        let open = if close == '）' { '（' } else { '(' };
        let Some(at) = base.rfind(open) else { break };
        notes.insert(0, base[at + open.len_utf8()..base.len() - close.len_utf8()].trim().to_string());
        base.truncate(at);
        base = base.trim_end().to_string();
    }
    (base, notes)
}

// ---------------------------------------------------------------------------
// Workbooks on disk.

/// A workbook's sheets.
#[derive(Debug)]
struct Book {
    format: Format,
    sheets: Vec<Grid>,
}

/// The workbook at `path`, parsed once per content for the whole process
/// (a batch of a hundred counties reads it once; `watch` sees it change).
fn book(path: &Path) -> Result<Arc<Book>> {
    static BOOKS: Mutex<Vec<(PathBuf, u64, Arc<Book>)>> = Mutex::new(Vec::new());
    let bytes = input::read(path, input::Kind::Workbook)?;
    let mut h = std::hash::DefaultHasher::new();
    bytes.hash(&mut h);
    let hash = h.finish();
    let key = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    // The lock is held to look up and to insert, never while parsing.
    if let Some((_, _, b)) = BOOKS.lock().expect("workbook cache").iter().find(|(p, h, _)| *p == key && *h == hash) {
        return Ok(b.clone());
    }
    let book = Arc::new(parse(path, &bytes)?);
    let mut books = BOOKS.lock().expect("workbook cache");
    books.retain(|(p, _, _)| *p != key);
    books.push((key, hash, book.clone()));
    Ok(book)
}

fn parse(path: &Path, bytes: &[u8]) -> Result<Book> {
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) {
        return parse_csv(path, bytes);
    }
    let unreadable = |e: &dyn std::fmt::Display| -> Errors {
        Diagnostic::in_file(
            "figures.workbook",
            path,
            format!("无法读取表格文件：它不是能读的 XLSX、XLS 或 ODS 文件（{e}）"),
        )
        .with_help("在 Excel 或 WPS 里打开它，另存为 XLSX；或另存为 CSV")
        .into()
    };
    let mut workbook = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let format = match &workbook {
        Sheets::Xls(_) => Format::Xls,
        Sheets::Ods(_) => Format::Ods,
        _ => Format::Xlsx,
    };
    let too_large = |name: &str, what: String| -> Errors {
        Diagnostic::in_file("figures.workbook", path, format!("表“{name}”太大：{what}"))
            .with_help("统计表用不到这么大；请删去表里多余的行列（或远处误填的单元格）后另存")
            .into()
    };
    let mut sheets = Vec::new();
    for name in workbook.sheet_names() {
        let mut grid = Grid { name: name.clone(), ..Grid::default() };
        let mut cells: Vec<(u32, u32, Data)> = Vec::new();
        let (styles, merges, ods) = match &mut workbook {
            Sheets::Xlsx(x) => {
                // Cell by cell: a single cell at XFD1048576 must not make a
                // dense range of seventeen billion cells.
                let mut reader = x.worksheet_cells_reader(&name).map_err(|e| unreadable(&e))?;
                while let Some(cell) = reader.next_cell().map_err(|e| unreadable(&e))? {
                    if cells.len() == MAX_CELLS {
                        return Err(too_large(&name, format!("有内容的单元格超过 {MAX_CELLS} 个")));
                    }
                    let (r, c) = cell.get_position();
                    cells.push((r, c, Data::from(cell.get_value().clone())));
                }
                drop(reader);
                (x.worksheet_style(&name).ok(), x.merge_cells_by_sheet_name(&name).unwrap_or_default(), None)
            }
            Sheets::Xls(x) => (None, x.merge_cells_by_sheet_name(&name).unwrap_or_default(), None),
            Sheets::Ods(_) => {
                let extras = ods::sheet(bytes, &name);
                if extras.area > MAX_AREA {
                    return Err(too_large(&name, format!("内容分布在 {} 个单元格的范围里", extras.area)));
                }
                (None, Vec::new(), Some(extras))
            }
            Sheets::Xlsb(_) => (None, Vec::new(), None),
        };
        if !matches!(workbook, Sheets::Xlsx(_)) {
            // An XLS sheet is at most 65536 × 256 cells; an ODS one was measured above.
            let range = workbook.worksheet_range(&name).map_err(|e| unreadable(&e))?;
            let (r0, c0) = range.start().unwrap_or((0, 0));
            cells.extend(range.used_cells().map(|(r, c, d)| (r as u32 + r0, c as u32 + c0, d.clone())));
        }
        let ods = ods.unwrap_or_default();
        grid.merges = merges.iter().map(|d| [d.start.0, d.start.1, d.end.0, d.end.1]).chain(ods.merges).collect();
        for (r, c, data) in cells {
            let (percent, decimals) = match (&styles, ods.formats.get(&(r, c))) {
                (_, Some(&f)) => f,
                (Some(styles), _) => styles
                    .get((r, c))
                    .and_then(|s| s.number_format.as_ref())
                    .map_or((false, None), |f| number_format(&f.format_code)),
                _ => (false, None),
            };
            let number = |value: f64| Cell::Number { value, percent, decimals };
            let cell = match data {
                Data::Int(i) => number(i as f64),
                Data::Float(f) => number(f),
                Data::String(s) => Cell::Text(s),
                Data::Bool(b) => Cell::Other(format!("逻辑值 {}", if b { "TRUE" } else { "FALSE" })),
                Data::DateTime(_) | Data::DateTimeIso(_) => Cell::Other("日期".to_string()),
                Data::DurationIso(_) => Cell::Other("时间".to_string()),
                Data::Error(e) => Cell::Other(format!("错误值 {e}（公式出错）")),
                Data::Empty => Cell::Empty,
            };
            grid.insert(r, c, cell);
        }
        for m in &grid.merges {
            grid.rows = grid.rows.max(m[2].saturating_add(1));
            grid.cols = grid.cols.max(m[3].saturating_add(1));
        }
        sheets.push(grid);
    }
    Ok(Book { format, sheets })
}

/// Most cells with content read from one sheet.
const MAX_CELLS: usize = 2_000_000;
/// Largest area (rows × columns) an ODS sheet's content may span: calamine
/// holds it as one dense range.
const MAX_AREA: u64 = 10_000_000;

/// A CSV file as one sheet named after the file: UTF-8 or GB18030 (as Excel
/// saves CSV on a Chinese Windows), comma- or tab-separated.
fn parse_csv(path: &Path, bytes: &[u8]) -> Result<Book> {
    let (text, _) = input::decode(path, bytes)?;
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.matches('\t').count() > first.matches(',').count() { b'\t' } else { b',' };
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let mut grid = Grid { name, ..Grid::default() };
    for (r, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(1, |p| p.line() as usize);
            Errors::from(Diagnostic::error("figures.workbook", format!("CSV 文件格式不对：{e}")).at(Some(Location {
                file: path.display().to_string(),
                line,
                column: 1,
                ..Location::default()
            })))
        })?;
        if grid.cells.len() + record.len() > MAX_CELLS {
            return Err(Diagnostic::in_file(
                "figures.workbook",
                path,
                format!("CSV 文件太大：单元格超过 {MAX_CELLS} 个"),
            )
            .into());
        }
        for (c, field) in record.iter().enumerate() {
            grid.insert(r as u32, c as u32, Cell::Text(field.to_string()));
        }
    }
    Ok(Book { format: Format::Csv, sheets: vec![grid] })
}

/// What calamine does not read from an ODS file: which cells are shown as
/// percentages and with how many decimals, and the merged areas.
mod ods {
    use std::collections::HashMap;
    use std::io::Read;

    use quick_xml::events::{BytesStart, Event};

    #[derive(Debug, Default)]
    pub struct Extras {
        /// (percent, decimals shown) by 0-based (row, column).
        pub formats: HashMap<(u32, u32), (bool, Option<u8>)>,
        pub merges: Vec<[u32; 4]>,
        /// Rows × columns of the area the cells with a value span.
        pub area: u64,
    }

    /// The extras of sheet `name` of the ODS file `bytes`; none when it cannot be read.
    pub fn sheet(bytes: &[u8], name: &str) -> Extras {
        let mut out = Extras::default();
        let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else { return out };
        let Ok(entry) = zip.by_name("content.xml") else { return out };
        let mut xml = String::new();
        // Bounded like every input: a sheet's XML beyond this is not read.
        if entry.take(64 * 1024 * 1024).read_to_string(&mut xml).is_err() {
            return out;
        }
        let mut reader = quick_xml::Reader::from_str(&xml);
        let (mut inside, mut row, mut col) = (false, 0u32, 0u32);
        let mut row_repeat = 1u32;
        let mut extent = (0u64, 0u64);
        // The numeric cell whose shown text is being read: position, percent.
        let mut pending: Option<((u32, u32), bool, String)> = None;
        let attr = |e: &BytesStart, key: &str| {
            e.attributes()
                .flatten()
                .find(|a| a.key.as_ref() == key.as_bytes())
                .map(|a| String::from_utf8_lossy(&a.value).into_owned())
        };
        let count = |e: &BytesStart, key: &str| attr(e, key).and_then(|v| v.parse::<u32>().ok()).unwrap_or(1);
        loop {
            let event = match reader.read_event() {
                Ok(Event::Eof) | Err(_) => break,
                Ok(e) => e,
            };
            let empty = matches!(event, Event::Empty(_));
            match event {
                Event::Start(e) | Event::Empty(e) if e.name().as_ref() == b"table:table" => {
                    inside = attr(&e, "table:name").as_deref() == Some(name);
                    row = 0;
                }
                Event::End(e) if e.name().as_ref() == b"table:table" => inside = false,
                Event::Start(e) if inside && e.name().as_ref() == b"table:table-row" => {
                    row_repeat = count(&e, "table:number-rows-repeated");
                    col = 0;
                }
                Event::Empty(e) if inside && e.name().as_ref() == b"table:table-row" => {
                    row = row.saturating_add(count(&e, "table:number-rows-repeated"));
                }
                Event::End(e) if inside && e.name().as_ref() == b"table:table-row" => {
                    row = row.saturating_add(row_repeat);
                }
                Event::Start(e) | Event::Empty(e)
                    if inside && matches!(e.name().as_ref(), b"table:table-cell" | b"table:covered-table-cell") =>
                {
                    let repeat = count(&e, "table:number-columns-repeated");
                    let (rows, cols) =
                        (count(&e, "table:number-rows-spanned"), count(&e, "table:number-columns-spanned"));
                    if rows > 1 || cols > 1 {
                        out.merges.push([row, col, row + rows - 1, col + cols - 1]);
                    }
                    let kind = attr(&e, "office:value-type");
                    if kind.is_some() {
                        let (r, c) = (u64::from(row) + 1, u64::from(col.saturating_add(repeat)));
                        extent = (extent.0.max(r), extent.1.max(c));
                    }
                    if matches!(kind.as_deref(), Some("float" | "percentage" | "currency")) {
                        let percent = kind.as_deref() == Some("percentage");
                        if empty {
                            out.formats.insert((row, col), (percent, None));
                        } else {
                            pending = Some(((row, col), percent, String::new()));
                        }
                    }
                    col = col.saturating_add(repeat);
                }
                Event::Text(t) => {
                    if let Some((_, _, text)) = &mut pending {
                        text.push_str(&String::from_utf8_lossy(&t));
                    }
                }
                Event::End(e) if matches!(e.name().as_ref(), b"table:table-cell" | b"table:covered-table-cell") => {
                    if let Some((at, percent, text)) = pending.take() {
                        let digits = text.trim_end_matches(|c: char| !c.is_ascii_digit());
                        let decimals = digits.split_once('.').map_or(0, |(_, d)| d.len() as u8);
                        out.formats.insert(at, (percent, (!digits.is_empty()).then_some(decimals)));
                    }
                }
                _ => {}
            }
        }
        out.area = extent.0 * extent.1;
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_written_as_text_read_as_a_person_reads_them() {
        assert_eq!(text_number(" 1,234.5 ", ""), Reading::Number(1234.5, Scale::One));
        assert_eq!(text_number("１２３，４５６", "人"), Reading::Number(123456.0, Scale::One));
        assert_eq!(text_number("66.2%", "%"), Reading::Number(66.2, Scale::Percent));
        assert_eq!(text_number("4.9‰", "‰"), Reading::Number(4.9, Scale::Permille));
        assert_eq!(text_number("338.3万元", "万元"), Reading::Number(338.3, Scale::One));
        assert_eq!(text_number("-3.5", ""), Reading::Number(-3.5, Scale::One));
        assert_eq!(text_number("—", ""), Reading::Blank);
        assert_eq!(text_number("六十六", "%"), Reading::Not);
        assert_eq!(text_number("1,23", ""), Reading::Not);
        assert_eq!(text_number("338.3元", "万元"), Reading::Not);
    }

    #[test]
    fn number_formats_say_percent_and_decimals() {
        assert_eq!(number_format("0.0%"), (true, Some(1)));
        assert_eq!(number_format("0%"), (true, Some(0)));
        assert_eq!(number_format("#,##0.00"), (false, Some(2)));
        assert_eq!(number_format("0.0\"%\""), (false, Some(1)));
        assert_eq!(number_format("General"), (false, None));
        assert_eq!(number_format("0.00E+00"), (false, None));
        assert_eq!(number_format("[Red]0.0%;-0.0%"), (true, Some(1)));
    }

    #[test]
    fn cells_read_in_the_figure_unit() {
        let pct = Cell::Number { value: 0.662, percent: true, decimals: Some(1) };
        assert_eq!(read_number(&pct, "%"), Ok(Some(66.2)));
        assert_eq!(read_number(&pct, "‰"), Ok(Some(662.0)));
        assert_eq!(read_number(&pct, "人"), Err("单元格是百分数（66.2%），但这个数的单位是“人”".into()));
        let shown = Cell::Number { value: 0.66198, percent: true, decimals: Some(1) };
        assert_eq!(read_number(&shown, "%"), Ok(Some(66.2)));
        let plain = Cell::Number { value: 338.25, percent: false, decimals: Some(1) };
        assert_eq!(read_number(&plain, "万元"), Ok(Some(338.3)));
        assert_eq!(read_number(&Cell::Other("日期".into()), ""), Err("应为数字，实际是日期".into()));
    }

    #[test]
    fn columns_are_lettered_like_a_spreadsheet() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
    }

    #[test]
    fn headers_name_ids_fields_and_units() {
        assert_eq!(id_like("signing_rate.numerator"), Some(("signing_rate".into(), Some(Field::Numerator))));
        assert_eq!(id_like("签约率"), None);
        assert_eq!(split_suffixes("签约率（%）（分子）"), ("签约率".into(), vec!["%".into(), "分子".into()]));
        assert_eq!(split_suffixes("投入(万元)"), ("投入".into(), vec!["万元".into()]));
    }
}
