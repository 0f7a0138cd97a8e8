//! The city office's comparison (`nianbao table`): every county's figures
//! side by side, as derived for its report ([`crate::data::derive`]): for each
//! indicator this year, last year, the change, last year's target and how far
//! it was met. An XLSX with a sheet per report year (one row per county, the
//! indicator's name and unit over its five columns, numbers as numbers in the
//! unit's format, the header frozen), or one CSV with a row per county and year.

use std::path::Path;

use indexmap::IndexMap;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use crate::data::Loaded;
use crate::data::derive::{self, kind_of, places_of};
use crate::data::model::{Metric, MetricKind};
use crate::diag::{Diagnostic, Result, display_width};
use crate::numbers::decimal;

/// What `nianbao table` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TableFormat {
    Xlsx,
    Csv,
}

/// The comparison: the years, each with its indicators and counties.
#[derive(Debug, Default)]
pub struct Comparison {
    pub years: Vec<Year>,
}

/// One report year's counties.
#[derive(Debug)]
pub struct Year {
    pub report_year: i32,
    /// The year the figures are of (`report_year - 1`).
    pub review_year: i32,
    pub indicators: Vec<Indicator>,
    /// Each county's name and its figures, by indicator.
    pub rows: Vec<(String, Vec<Option<Figures>>)>,
}

/// A column group: a metric id in one unit (the same id in another unit is
/// another indicator: its figures do not compare).
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub id: String,
    /// The name as the first county to report it names it.
    pub name: String,
    pub unit: String,
    pub kind: MetricKind,
    /// Decimals shown: the most any county's figure has.
    pub decimals: u8,
}

/// One county's figures of an indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub value: f64,
    pub prior: Option<f64>,
    /// In percent for an amount, in points of the unit for a rate.
    pub change: Option<f64>,
    /// Last year's target for this year.
    pub target: Option<f64>,
    /// The figure as a percentage of the target.
    pub completion: Option<f64>,
}

impl Comparison {
    /// The comparison of `reports` (in the order given; years ascending).
    pub fn of(reports: &[Loaded]) -> Comparison {
        let mut years: Vec<i32> = reports.iter().map(|l| l.derived.report_year).collect();
        years.sort();
        years.dedup();
        let years = years
            .into_iter()
            .map(|y| {
                let of_year: Vec<&Loaded> = reports.iter().filter(|l| l.derived.report_year == y).collect();
                let mut indicators: IndexMap<(String, String), Indicator> = IndexMap::new();
                for (m, f) in of_year.iter().flat_map(|l| l.metrics()) {
                    let i = indicators.entry((m.id.clone(), m.unit.clone())).or_insert_with(|| Indicator {
                        id: m.id.clone(),
                        name: m.name.clone(),
                        unit: m.unit.clone(),
                        kind: kind_of(m),
                        decimals: 0,
                    });
                    i.decimals = i.decimals.max(places(f)).min(4);
                }
                let indicators: Vec<Indicator> = indicators.into_values().collect();
                let rows = of_year
                    .iter()
                    .map(|l| {
                        let figures = indicators
                            .iter()
                            .map(|i| {
                                l.metrics().find(|(m, _)| m.id == i.id && m.unit == i.unit).map(|(m, f)| figures(m, f))
                            })
                            .collect();
                        (l.report.unit.name.clone(), figures)
                    })
                    .collect();
                Year { report_year: y, review_year: y - 1, indicators, rows }
            })
            .collect();
        Comparison { years }
    }

    /// The comparison as an XLSX workbook: a sheet per report year.
    pub fn xlsx(&self) -> std::result::Result<Vec<u8>, XlsxError> {
        let mut book = Workbook::new();
        // The documents' date comes from the data (or SOURCE_DATE_EPOCH), never the clock.
        let latest = self.years.last().map_or(2000, |y| y.report_year);
        let created = match std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok()) {
            Some(secs) => ExcelDateTime::from_timestamp(secs)?,
            None => ExcelDateTime::from_ymd(latest.clamp(1900, 9999) as u16, 1, 1)?,
        };
        book.set_properties(&DocProperties::new().set_creation_datetime(&created));
        let head = Format::new()
            .set_bold()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_text_wrap()
            .set_border(FormatBorder::Thin)
            .set_background_color(0xD9E1F2);
        let name = Format::new().set_border(FormatBorder::Thin);
        for year in self.years.iter().filter(|y| !y.indicators.is_empty()) {
            let sheet = book.add_worksheet();
            sheet.set_name(format!("{}年", year.report_year))?;
            sheet.merge_range(0, 0, 1, 0, "单位", &head)?;
            let mut widths = vec![display_width("单位")];
            for (k, ind) in year.indicators.iter().enumerate() {
                let first = 1 + 5 * k as u16;
                sheet.merge_range(0, first, 0, first + 4, &heading(ind), &head)?;
                for (j, sub) in subheadings(year).iter().enumerate() {
                    sheet.write_string_with_format(1, first + j as u16, sub, &head)?;
                    widths.push(display_width(sub).max(10));
                }
                // The name over its five columns: widen them when it needs more room.
                let need = display_width(&heading(ind)).div_ceil(2) + 2;
                let group = widths.len() - 5;
                let have: usize = widths[group..].iter().sum();
                if need > have {
                    let extra = (need - have).div_ceil(5);
                    widths[group..].iter_mut().for_each(|w| *w += extra);
                }
            }
            for (r, (county, figures)) in year.rows.iter().enumerate() {
                let row = 2 + r as u32;
                sheet.write_string_with_format(row, 0, county, &name)?;
                widths[0] = widths[0].max(display_width(county));
                for (k, (ind, f)) in year.indicators.iter().zip(figures).enumerate() {
                    let first = 1 + 5 * k as u16;
                    let formats = formats(ind);
                    let cells =
                        f.as_ref().map_or([None; 5], |f| [Some(f.value), f.prior, f.change, f.target, f.completion]);
                    for (j, (cell, (scale, format))) in cells.iter().zip(&formats).enumerate() {
                        match cell {
                            Some(x) => {
                                // Without binary noise: 33.8% is 0.338, not 0.33799999999999997.
                                let x = decimal(x / scale, Some(12)).parse().unwrap_or(x / scale);
                                sheet.write_number_with_format(row, first + j as u16, x, format)?
                            }
                            None => sheet.write_blank(row, first + j as u16, &name)?,
                        };
                    }
                }
            }
            for (c, w) in widths.iter().enumerate() {
                sheet.set_column_width(c as u16, (*w + 2) as f64)?;
            }
            sheet.set_row_height(0, 36)?;
            sheet.set_freeze_panes(2, 1)?;
        }
        if self.years.iter().all(|y| y.indicators.is_empty()) {
            book.add_worksheet();
        }
        book.save_to_buffer()
    }

    /// The comparison as CSV (UTF-8 with a byte order mark, so that Excel on
    /// a Chinese Windows reads it right): a row per county and year, the
    /// figures as the reports print them.
    pub fn csv(&self) -> Vec<u8> {
        let mut indicators: Vec<&Indicator> = Vec::new();
        for ind in self.years.iter().flat_map(|y| &y.indicators) {
            match indicators.iter_mut().find(|i| i.id == ind.id && i.unit == ind.unit) {
                Some(i) if i.decimals < ind.decimals => *i = ind,
                Some(_) => {}
                None => indicators.push(ind),
            }
        }
        let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
        let mut header = vec!["报告年份".to_string(), "单位".to_string()];
        for ind in &indicators {
            let h = heading(ind);
            let change = match change_unit(ind) {
                "" => "同比".to_string(),
                u => format!("同比（{u}）"),
            };
            header.extend([
                format!("{h}本年"),
                format!("{h}上年"),
                format!("{h}{change}"),
                format!("{h}目标"),
                format!("{h}完成率（%）"),
            ]);
        }
        w.write_record(&header).expect("CSV in memory");
        for year in &self.years {
            for (county, figures) in &year.rows {
                let mut record = vec![year.report_year.to_string(), county.clone()];
                for ind in &indicators {
                    let f = year
                        .indicators
                        .iter()
                        .position(|i| i.id == ind.id && i.unit == ind.unit)
                        .and_then(|k| figures[k].as_ref());
                    let number = |x: Option<f64>, d: u8| x.map(|x| decimal(x, Some(d))).unwrap_or_default();
                    let d = ind.decimals;
                    let cd = if ind.kind == MetricKind::Amount { 1 } else { d };
                    let signed = |x: Option<f64>| {
                        x.map(|x| if x > 0.0 { format!("+{}", decimal(x, Some(cd))) } else { decimal(x, Some(cd)) })
                            .unwrap_or_default()
                    };
                    record.extend([
                        number(f.map(|f| f.value), d),
                        number(f.and_then(|f| f.prior), d),
                        signed(f.and_then(|f| f.change)),
                        number(f.and_then(|f| f.target), d),
                        number(f.and_then(|f| f.completion), 1),
                    ]);
                }
                w.write_record(&record).expect("CSV in memory");
            }
        }
        w.into_inner().expect("CSV in memory")
    }
}

/// The indicator's name with its unit: `常住人口家庭医生签约率（%）`.
fn heading(ind: &Indicator) -> String {
    if ind.unit.is_empty() { ind.name.clone() } else { format!("{}（{}）", ind.name, ind.unit) }
}

/// The five columns under an indicator.
fn subheadings(year: &Year) -> [String; 5] {
    [
        format!("{}年", year.review_year),
        format!("{}年", year.review_year - 1),
        "同比".to_string(),
        format!("{}年目标", year.review_year),
        "完成率".to_string(),
    ]
}

/// What a change is counted in: percent for an amount, points for a rate.
fn change_unit(ind: &Indicator) -> &'static str {
    match (ind.kind, ind.unit.as_str()) {
        (MetricKind::Amount, _) => "%",
        (MetricKind::Rate, "%") => "个百分点",
        (MetricKind::Rate, "‰") => "个千分点",
        (MetricKind::Rate, _) => "",
    }
}

/// The divisor and number format of each of an indicator's five columns: a
/// `%` figure as a true percentage (66.2 as 0.662 shown 66.2%), `‰` with its
/// sign, amounts with thousands separators; the change signed.
fn formats(ind: &Indicator) -> [(f64, Format); 5] {
    let places = if ind.decimals == 0 { String::new() } else { format!(".{}", "0".repeat(ind.decimals as usize)) };
    let figure = match ind.unit.as_str() {
        "%" => (100.0, format!("0{places}%")),
        "‰" => (1.0, format!("0{places}\"‰\"")),
        _ => (1.0, format!("#,##0{places}")),
    };
    // A rate's change in points to its figures' decimals; an amount's in percent to one.
    let p = if ind.decimals == 0 { "0".to_string() } else { format!("0{places}") };
    let change = match change_unit(ind) {
        "%" => (100.0, "+0.0%;-0.0%;0.0%".to_string()),
        "" => (1.0, format!("+{p};-{p};{p}")),
        u => (1.0, format!("+{p}\"{u}\";-{p}\"{u}\";{p}\"{u}\"")),
    };
    let cell =
        |(scale, code): (f64, String)| (scale, Format::new().set_num_format(code).set_border(FormatBorder::Thin));
    [cell(figure.clone()), cell(figure.clone()), cell(change), cell(figure), cell((100.0, "0.0%".to_string()))]
}

/// The decimals a metric's figures are printed with in its report.
fn places(f: &derive::Figures) -> u8 {
    let target = f.target.as_ref().map(|t| t.number.as_str());
    [Some(f.number.as_str()), f.prior_number.as_deref(), target].into_iter().flatten().map(places_of).max().unwrap_or(0)
}

/// A metric's figures as its report prints them (the derived, printed
/// numbers: a rate from numerator and denominator to one decimal), a change
/// and a completion to the one decimal the report gives them.
fn figures(m: &Metric, f: &derive::Figures) -> Figures {
    let number = |s: &str| s.parse::<f64>().ok();
    let one = |x: f64| decimal(x, Some(1)).parse().unwrap_or(x);
    Figures {
        value: number(&f.number).or(f.value).unwrap_or_default(),
        prior: f.prior_number.as_deref().and_then(number).or(f.prior),
        change: f.change.as_ref().map(|c| match kind_of(m) {
            MetricKind::Amount => one(c.amount),
            MetricKind::Rate => decimal(c.amount, Some(places(f))).parse().unwrap_or(c.amount),
        }),
        target: f.target.as_ref().map(|t| number(&t.number).unwrap_or(t.value)),
        completion: f.target.as_ref().map(|t| one(t.ratio)),
    }
}

/// Write the comparison of `reports` to `out` as `format`, all or nothing.
pub fn write(reports: &[Loaded], out: &Path, format: TableFormat) -> Result<()> {
    let comparison = Comparison::of(reports);
    let bytes = match format {
        TableFormat::Csv => comparison.csv(),
        TableFormat::Xlsx => {
            comparison.xlsx().map_err(|e| Diagnostic::in_file("table.write", out, format!("无法生成汇总表：{e}")))?
        }
    };
    crate::output::write(out, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_counted_in_their_unit() {
        let ind =
            |unit: &str, kind| Indicator { id: "a".into(), name: "甲".into(), unit: unit.into(), kind, decimals: 1 };
        assert_eq!(change_unit(&ind("万元", MetricKind::Amount)), "%");
        assert_eq!(change_unit(&ind("%", MetricKind::Rate)), "个百分点");
        assert_eq!(change_unit(&ind("‰", MetricKind::Rate)), "个千分点");
        assert_eq!(heading(&ind("", MetricKind::Amount)), "甲");
    }
}
