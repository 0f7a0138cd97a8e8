//! Numbers and dates as a Chinese report writes them: Chinese numerals and
//! ordinals, decimals, percentages and per-mille, sums of money in 元/万元/亿元,
//! changes against last year, and dates (the [`Date`] type and its Chinese
//! forms), the markers that number headings, and the full-width form of a
//! half-width mark. A leaf of the crate: the
//! data stage derives its figures with these
//! functions, the template environment registers them as filters, the checks
//! and writers print with them, so a number reads the same wherever it is
//! printed.
//!
//! Rounding is half-up on the decimal digits as written (`2.675` → `2.68`), not on
//! the binary float, so what a writer typed rounds the way a person rounds it.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The markers that number a heading, each with the level it numbers in the
/// 公文 scheme, as a line starts with them: `第一章`/`第一部分` and `一、` (1),
/// `第一节` and `（一）` (2), `1．` and a number alone on its line (3), `（1）`
/// (4). Group 1 is the marker, group 2 the title after it (index 5, the number
/// alone, has none). Digits are ASCII or full-width, not every script's (`\d`):
/// the automata are then a fraction of the size to build, at every start.
pub static MARKERS: std::sync::LazyLock<[(regex::Regex, u8); 7]> = std::sync::LazyLock::new(|| {
    let cn = "[一二三四五六七八九十百零〇]+";
    let re = |s: String| regex::Regex::new(&s).expect("heading pattern");
    [
        (re(format!(r"^(第{cn}[章部分]+)[\s　]*(.*)$")), 1),
        (re(format!(r"^({cn}、)[\s　]*(.*)$")), 1),
        (re(format!(r"^(第{cn}节)[\s　]*(.*)$")), 2),
        (re(format!(r"^([（(]{cn}[）)])[\s　]*(.*)$")), 2),
        (re(r"^([0-9０-９]{1,2}[．.、])[\s　]*([^0-9０-９].*)$".to_string()), 3),
        (re(r"^([0-9０-９]{1,2})$".to_string()), 3),
        (re(r"^([（(][0-9０-９]{1,2}[）)])[\s　]*(.*)$".to_string()), 4),
    ]
});

/// The marker a title was typed with (`（一）` of `（一）公立医院改革`, `一是`
/// of `一是加强管理`), when text follows it: a title the template numbers
/// itself would print it twice.
pub fn typed_marker(title: &str) -> Option<&str> {
    static ORDINAL: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new("^([一二三四五六七八九十]+是)[，,]?.").expect("ordinal"));
    let t = title.trim_start();
    let marker = MARKERS.iter().find_map(|(re, _)| {
        let c = re.captures(t)?;
        c.get(2).filter(|rest| !rest.as_str().is_empty())?;
        c.get(1)
    });
    marker.or_else(|| ORDINAL.captures(t).and_then(|c| c.get(1))).map(|m| m.as_str())
}

const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

/// A whole number in Chinese numerals: 10 → 十, 27 → 二十七, 110 → 一百一十,
/// 1001 → 一千零一, 10000 → 一万, −3 → 负三.
pub fn chinese_numeral(n: i64) -> String {
    let magnitude = natural_numeral(n.unsigned_abs());
    if n < 0 { format!("负{magnitude}") } else { magnitude }
}

/// [`chinese_numeral`] of a magnitude (every `u64`: `i64::MIN` has no `i64` magnitude).
fn natural_numeral(n: u64) -> String {
    if n == 0 {
        return DIGITS[0].to_string();
    }
    // Groups of four digits, lowest first: 个, 万, 亿, 万亿, 亿亿.
    const GROUPS: [&str; 5] = ["", "万", "亿", "万亿", "亿亿"];
    let mut groups = Vec::new();
    let mut rest = n;
    while rest > 0 {
        groups.push((rest % 10000) as usize);
        rest /= 10000;
    }
    let mut out = String::new();
    let mut zero_pending = false;
    for (i, &g) in groups.iter().enumerate().rev() {
        if g == 0 {
            zero_pending = !out.is_empty();
            continue;
        }
        if zero_pending || (!out.is_empty() && g < 1000) {
            out.push_str(DIGITS[0]);
        }
        zero_pending = false;
        out.push_str(&group_numeral(g));
        out.push_str(GROUPS[i]);
    }
    // 一十… at the very start reads 十… (十, 十五, 十万); inside a number 一十 stays.
    match out.strip_prefix("一十") {
        Some(rest) => format!("十{rest}"),
        None => out,
    }
}

/// 1 to 9999 without leading zero handling across groups.
fn group_numeral(g: usize) -> String {
    const PLACES: [&str; 4] = ["千", "百", "十", ""];
    let digits = [g / 1000, g / 100 % 10, g / 10 % 10, g % 10];
    let mut s = String::new();
    let mut zero = false;
    for (d, place) in digits.iter().zip(PLACES) {
        if *d == 0 {
            zero = !s.is_empty();
            continue;
        }
        if zero {
            s.push_str(DIGITS[0]);
            zero = false;
        }
        s.push_str(DIGITS[*d]);
        s.push_str(place);
    }
    s
}

/// An ordinal from a pattern: `{}` is replaced by the Chinese numeral.
/// `ordinal(2, "{}是")` → `二是`, `ordinal(3, "（{}）")` → `（三）`, `ordinal(1, "第{}章")` → `第一章`.
pub fn ordinal(n: i64, pattern: &str) -> String {
    pattern.replace("{}", &chinese_numeral(n))
}

/// The half-width form of a full-width digit (`１` → `1`); `None` for any
/// other character.
pub fn half_width_digit(c: char) -> Option<char> {
    ('０'..='９').contains(&c).then(|| char::from(b'0' + (c as u32 - '０' as u32) as u8))
}

/// `s` with its full-width digits and decimal points (`９２．２`) half-width.
pub fn half_width_number(s: &str) -> String {
    s.chars().map(|c| if c == '．' { '.' } else { half_width_digit(c).unwrap_or(c) }).collect()
}

/// The number a heading's marker gives (`（四）` 4, `第十二章` 12, `3．` 3,
/// `（１）` 1): its Arabic or Chinese numeral (to 999); `None` without one.
pub fn marker_number(marker: &str) -> Option<u32> {
    let digits: String =
        marker.chars().filter_map(|c| if c.is_ascii_digit() { Some(c) } else { half_width_digit(c) }).collect();
    if !digits.is_empty() {
        return digits.parse().ok();
    }
    let (mut total, mut digit, mut any) = (0u32, 0u32, false);
    for c in marker.chars() {
        match DIGITS.iter().position(|d| d.starts_with(c)).or((c == '两').then_some(2)) {
            Some(d) => (digit, any) = (d as u32, true),
            None if c == '十' => (total, digit, any) = (total + digit.max(1) * 10, 0, true),
            None if c == '百' => (total, digit, any) = (total + digit * 100, 0, true),
            None if matches!(c, '千' | '万' | '亿') => return None,
            None => {}
        }
    }
    (any && total + digit > 0).then_some(total + digit)
}

/// A heading number's format (`（{一}）`, `{1}．`): the text before its one
/// counter, whether that counter is Chinese (`{一}`; else `{1}`), and the
/// text after; `None` unless it holds exactly one counter and no control
/// character. What the data's `numbering` and the markup's front matter
/// both accept.
pub fn number_format(f: &str) -> Option<(&str, bool, &str)> {
    let tokens = f.matches("{一}").count() + f.matches("{1}").count();
    if tokens != 1 || f.chars().any(char::is_control) {
        return None;
    }
    let chinese = f.contains("{一}");
    let (before, after) = f.split_once(if chinese { "{一}" } else { "{1}" })?;
    Some((before, chinese, after))
}

/// The largest number a heading may be given (`{number=…}` in the markup,
/// `number:` in the data).
pub const MAX_HEADING_NUMBER: u32 = 999;

/// Whether `s` is a figure as a table cell holds it: a number with an
/// optional sign, thousands commas, decimals and a `%` or `‰` after it. (A
/// unit such as 万元 belongs in the column's header: a cell `12000万元`
/// could not align on its decimal point with `3500.5万元`, in the PDF as in
/// Word's decimal tab.)
pub fn is_figure(s: &str) -> bool {
    let s = s.trim();
    let s = s.strip_suffix(['%', '‰']).unwrap_or(s);
    let s = s.strip_prefix(['-', '+', '－']).unwrap_or(s);
    let mut digits = 0;
    let mut point = false;
    for c in s.chars() {
        match c {
            '0'..='9' => digits += 1,
            '.' if !point && digits > 0 => point = true,
            ',' if digits > 0 && !point => {}
            _ => return false,
        }
    }
    digits > 0 && !s.ends_with(['.', ','])
}

/// Whether the cells are a column of figures: each a figure ([`is_figure`]),
/// a dash or empty, and one a figure at least. Such a column aligns on the
/// decimal point (the data's tables by default, the markup's right-aligned ones).
pub fn is_figure_column<'a>(cells: impl IntoIterator<Item = &'a str>) -> bool {
    let mut any = false;
    for cell in cells {
        match cell.trim() {
            "" | "—" | "——" | "-" | "－" => {}
            s if is_figure(s) => any = true,
            _ => return false,
        }
    }
    any
}

/// Whether the cells count the rows, 1, 2, 3 … in order (a `序号` column):
/// such a column is centred, as offices set it, not aligned as figures.
pub fn is_sequence_column<'a>(cells: impl IntoIterator<Item = &'a str>) -> bool {
    let mut n = 0;
    for cell in cells {
        n += 1;
        if cell.trim().parse::<u32>() != Ok(n) {
            return false;
        }
    }
    n > 0
}

/// A decimal number rounded half-up to `decimals` places; with `None`, as written
/// (the shortest form that reads back as the same number). `-0` prints as `0`.
pub fn decimal(x: f64, decimals: Option<u8>) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    let shortest = format!("{}", x.abs());
    let body = match decimals {
        None => shortest,
        Some(d) => round_decimal_str(&shortest, d as usize),
    };
    let is_zero = body.chars().all(|c| c == '0' || c == '.');
    if x < 0.0 && !is_zero { format!("-{body}") } else { body }
}

/// Round a non-negative decimal string (`123.4567`) half-up to `d` places.
fn round_decimal_str(s: &str, d: usize) -> String {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let mut digits: Vec<u8> =
        int.bytes().chain(frac.bytes().chain(std::iter::repeat(b'0')).take(d)).map(|b| b - b'0').collect();
    let round_up = frac.as_bytes().get(d).is_some_and(|&b| b >= b'5');
    if round_up {
        let mut i = digits.len();
        loop {
            if i == 0 {
                digits.insert(0, 1);
                break;
            }
            i -= 1;
            if digits[i] == 9 {
                digits[i] = 0;
            } else {
                digits[i] += 1;
                break;
            }
        }
    }
    let int_len = digits.len() - d;
    let mut out: String = digits[..int_len].iter().map(|&b| (b + b'0') as char).collect();
    if d > 0 {
        out.push('.');
        out.extend(digits[int_len..].iter().map(|&b| (b + b'0') as char));
    }
    out
}

/// Drop trailing zeros of the fraction (`338.30` → `338.3`, `12.00` → `12`).
fn trim_zeros(s: String) -> String {
    if !s.contains('.') {
        return s;
    }
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// `x` when it is a finite number; the error names what it is.
pub fn finite(x: f64) -> Result<f64, String> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(format!("数值超出范围（{x}）：报告里的数字必须是有限的数"))
    }
}

/// A ratio as a percentage: `percent(0.662, 1)` → `66.2%`.
pub fn percent(ratio: f64, decimals: u8) -> Result<String, String> {
    Ok(format!("{}%", decimal(finite(ratio * 100.0)?, Some(decimals))))
}

/// A ratio as per-mille: `permille(0.0049, 1)` → `4.9‰`.
pub fn permille(ratio: f64, decimals: u8) -> Result<String, String> {
    Ok(format!("{}‰", decimal(finite(ratio * 1000.0)?, Some(decimals))))
}

/// A sum of money given in 元, in the unit a report uses: `元` below ten
/// thousand, `万元` below a hundred million, else `亿元` (or the unit asked for),
/// rounded to at most `decimals` places with trailing zeros dropped:
/// `yuan(3383000, None, 2)` → `338.3万元`.
pub fn yuan(amount: f64, unit: Option<&str>, decimals: u8) -> Result<String, String> {
    let unit = match unit {
        Some(u) => u,
        None if amount.abs() >= 1e8 => "亿元",
        None if amount.abs() >= 1e4 => "万元",
        None => "元",
    };
    let scale = match unit {
        "元" => 1.0,
        "万元" => 1e4,
        "亿元" => 1e8,
        other => return Err(format!("yuan 的单位只能是 元、万元、亿元，不能是“{other}”")),
    };
    Ok(format!("{}{unit}", trim_zeros(decimal(finite(amount / scale)?, Some(decimals)))))
}

/// Whether a change is measured relative to last year (amounts) or as a
/// difference counted in points of the rate's unit (`个百分点` for `%`,
/// `个千分点` for `‰`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind<'a> {
    Amount,
    Points(&'a str),
}

/// The direction (`up`, `down`, `flat`), size and phrase of a change:
/// amounts `增长12.5%` / `下降3.1%`, rates `提高3.2个百分点` / `下降0.37个千分点`,
/// and `持平` when the rounded change is zero. `None` when an amount's prior value
/// is zero (no relative change exists) or the change is not a finite number.
pub fn change(current: f64, prior: f64, kind: ChangeKind, decimals: u8) -> Option<(&'static str, f64, String)> {
    let (amount, up, unit) = match kind {
        ChangeKind::Amount => {
            if prior == 0.0 {
                return None;
            }
            ((current - prior) / prior.abs() * 100.0, "增长", "%")
        }
        ChangeKind::Points(unit) => (current - prior, "提高", unit),
    };
    if !amount.is_finite() {
        return None;
    }
    let shown = decimal(amount.abs(), Some(decimals));
    if shown.chars().all(|c| c == '0' || c == '.') {
        return Some(("flat", 0.0, "持平".to_string()));
    }
    let (direction, verb) = if amount > 0.0 { ("up", up) } else { ("down", "下降") };
    Some((direction, amount, format!("{verb}{shown}{unit}")))
}

/// A date as GB/T 9704 writes it: `2018年4月11日` (Arabic, no zero padding), or
/// in Chinese numerals `二〇一八年四月十一日`; a month alone reads `2017年12月`.
pub fn chinese_date(date: Date, chinese: bool) -> String {
    let (y, m, d) = if chinese {
        let year: String = date
            .year
            .to_string()
            .chars()
            .map(|c| if c == '0' { "〇" } else { DIGITS[c as usize - '0' as usize] })
            .collect();
        (year, chinese_numeral(date.month.into()), date.day.map(|d| chinese_numeral(d.into())))
    } else {
        (date.year.to_string(), date.month.to_string(), date.day.map(|d| d.to_string()))
    };
    match d {
        Some(d) => format!("{y}年{m}月{d}日"),
        None => format!("{y}年{m}月"),
    }
}

/// Join items with `、` and the last pair with `conj`: `a、b和c`.
pub fn join_chinese(items: &[String], conj: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{}{conj}{last}", init.join("、")),
    }
}

/// Whether `text` already ends a sentence or clause with its own mark
/// (`。！？：；…`), so that nothing need be added after it.
pub fn ends_with_stop(text: &str) -> bool {
    text.trim_end().chars().last().is_some_and(|c| "。！？：；…".contains(c))
}

/// `text` closed with `。` unless it ends with a mark of its own: a run-in
/// title typed `分级诊疗工作迈出新步伐。` is printed with one full stop.
pub fn sentence(text: &str) -> String {
    if ends_with_stop(text) { text.to_string() } else { format!("{text}。") }
}

/// `lead` (a lead-in ending in `：`, as `全县卫生健康工作的总体要求是：`) put
/// before `text`, unless `text` opens with a lead-in of its own: a clause before
/// its first `：` that ends (`是` aside) with what the lead names (its words
/// after its last `的`: `总体要求`) or with another name for the general
/// requirement ([`LEAD_HEADS`]). The clause is the first sentence, or a later
/// one that names whose requirement it is (`…工作的总体思路是：`) after
/// sentences that set the scene, as the key points of a province open
/// (`2020年是……收官之年。全省卫生健康工作的总体思路是：`). A writer who pasted
/// `2022年全市卫生健康工作的总体要求是：坚持……` gets it printed once, not led twice.
pub fn lead_in(text: &str, lead: &str) -> String {
    let core = lead.trim_end_matches(['：', ':']).trim_end_matches('是');
    let core = core.rsplit('的').next().unwrap_or(core);
    let led = !lead.is_empty()
        && text.split_once(['：', ':']).is_some_and(|(own, _)| {
            let own = own.trim_end_matches(['是', '为']);
            // The scene-setting sentences before the clause, if any.
            let (scene, clause) = match own.rfind(['。', '！', '？']) {
                // 。！？ are three bytes each.
                Some(i) => own.split_at(i + '。'.len_utf8()),
                None => ("", own),
            };
            let mut heads = std::iter::once(core).chain(LEAD_HEADS).filter(|h| !h.is_empty());
            clause.chars().count() <= 40
                && heads
                    .any(|h| clause.strip_suffix(h).is_some_and(|before| scene.is_empty() || before.ends_with('的')))
        });
    if led { text.to_string() } else { format!("{lead}{text}") }
}

/// Whether `text` ends by announcing what follows (`……重点抓好以下工作：`): a
/// general requirement written so needs no sentence of the template's to
/// introduce the tasks.
pub fn announcing(text: &str) -> bool {
    text.trim_end().ends_with(['：', ':'])
}

/// What the general requirement of a year's work is called where it is introduced.
const LEAD_HEADS: [&str; 4] = ["总体要求", "总体思路", "总体目标", "指导思想"];

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

/// The full-width mark Chinese text writes for a half-width one (`,` → `，`),
/// if `c` is one of `,;:?!()`: what `text.halfwidth` suggests and what the
/// importer sets between Han characters.
pub fn full_width_mark(c: char) -> Option<char> {
    Some(match c {
        ',' => '，',
        ';' => '；',
        ':' => '：',
        '?' => '？',
        '!' => '！',
        '(' => '（',
        ')' => '）',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn marker_numbers_read_back_what_the_numerals_write() {
        for n in 1..=999 {
            assert_eq!(super::marker_number(&format!("（{}）", super::chinese_numeral(n))), Some(n as u32), "{n}");
        }
        for (marker, n) in
            [("第十二章", Some(12)), ("3．", Some(3)), ("（１）", Some(1)), ("二十、", Some(20)), ("（）", None)]
        {
            assert_eq!(super::marker_number(marker), n, "{marker}");
        }
    }

    #[test]
    fn a_column_of_figures_may_hold_dashes_and_blanks_but_one_figure_at_least() {
        use super::is_figure_column as column;
        assert!(column(["12.5", "—", "", "1,200", "45.3%"]));
        assert!(!column(["—", "", "-"]), "no figure");
        assert!(!column(["12.5", "338.3万元"]), "a unit other than % or ‰");
        assert!(!column(["2018年12月31日", "60"]), "a date");
        assert!(!column(["12.5", "约12"]), "a word before a figure");
    }

    #[test]
    fn figures_as_table_cells_hold_them() {
        for s in ["12000", "3500.5", "1,600.25", "8.5%", "-3", "－2.7", "0.61‰", " 42 "] {
            assert!(super::is_figure(s), "{s}");
        }
        for s in ["", "—", "合计", "2018年", "3.", "1.2.3", ",5", "5,", "约100", "%", "338.3万元", "12个"] {
            assert!(!super::is_figure(s), "{s}");
        }
    }

    use super::*;

    #[test]
    fn chinese_numerals() {
        let cases = [
            (0, "零"),
            (1, "一"),
            (10, "十"),
            (11, "十一"),
            (20, "二十"),
            (27, "二十七"),
            (100, "一百"),
            (101, "一百零一"),
            (110, "一百一十"),
            (111, "一百一十一"),
            (1000, "一千"),
            (1001, "一千零一"),
            (1010, "一千零一十"),
            (1100, "一千一百"),
            (10000, "一万"),
            (10001, "一万零一"),
            (10010, "一万零一十"),
            (10100, "一万零一百"),
            (100000, "十万"),
            (110000, "十一万"),
            (1000000, "一百万"),
            (20003000, "二千万三千"),
            (100000000, "一亿"),
            (100000001, "一亿零一"),
            (-3, "负三"),
            (-15, "负十五"),
            (i64::MAX, "九百二十二亿亿三千三百七十二万亿零三百六十八亿五千四百七十七万五千八百零七"),
            (i64::MIN, "负九百二十二亿亿三千三百七十二万亿零三百六十八亿五千四百七十七万五千八百零八"),
        ];
        for (n, want) in cases {
            assert_eq!(chinese_numeral(n), want, "{n}");
        }
    }

    #[test]
    fn ordinals() {
        assert_eq!(ordinal(1, "{}是"), "一是");
        assert_eq!(ordinal(12, "（{}）"), "（十二）");
        assert_eq!(ordinal(3, "第{}章"), "第三章");
        assert_eq!(ordinal(0, "{}是"), "零是");
    }

    #[test]
    fn decimals_round_half_up_on_written_digits() {
        assert_eq!(decimal(2.675, Some(2)), "2.68");
        assert_eq!(decimal(2.665, Some(2)), "2.67");
        assert_eq!(decimal(0.5, Some(0)), "1");
        assert_eq!(decimal(1.5, Some(0)), "2");
        assert_eq!(decimal(2.5, Some(0)), "3");
        assert_eq!(decimal(9.995, Some(2)), "10.00");
        assert_eq!(decimal(99.95, Some(1)), "100.0");
        assert_eq!(decimal(-1.25, Some(1)), "-1.3");
        assert_eq!(decimal(-0.04, Some(1)), "0.0");
        assert_eq!(decimal(0.0, Some(2)), "0.00");
        assert_eq!(decimal(66.2, None), "66.2");
        assert_eq!(decimal(1022.457, None), "1022.457");
        assert_eq!(decimal(183131.0, None), "183131");
        assert_eq!(decimal(12.0, Some(1)), "12.0");
    }

    #[test]
    fn percent_and_permille() {
        assert_eq!(percent(0.662, 1).unwrap(), "66.2%");
        assert_eq!(percent(0.0, 1).unwrap(), "0.0%");
        assert_eq!(percent(1.0, 0).unwrap(), "100%");
        assert_eq!(percent(0.12345, 2).unwrap(), "12.35%");
        assert_eq!(percent(-0.031, 1).unwrap(), "-3.1%");
        assert_eq!(permille(0.0049, 1).unwrap(), "4.9‰");
        assert_eq!(permille(0.01168, 2).unwrap(), "11.68‰");
        assert!(percent(1e307, 1).unwrap_err().contains("超出范围"));
        assert!(permille(f64::NAN, 1).is_err());
    }

    #[test]
    fn money() {
        assert_eq!(yuan(3383000.0, None, 2).unwrap(), "338.3万元");
        assert_eq!(yuan(10224570.0, None, 3).unwrap(), "1022.457万元");
        assert_eq!(yuan(2000.0, None, 2).unwrap(), "2000元");
        assert_eq!(yuan(0.0, None, 2).unwrap(), "0元");
        assert_eq!(yuan(120000000.0, None, 2).unwrap(), "1.2亿元");
        assert_eq!(yuan(-54300.0, None, 2).unwrap(), "-5.43万元");
        assert_eq!(yuan(54300.0, Some("元"), 0).unwrap(), "54300元");
        assert_eq!(yuan(12345.0, Some("万元"), 1).unwrap(), "1.2万元");
        assert!(yuan(1.0, Some("美元"), 1).is_err());
    }

    #[test]
    fn change_phrases() {
        assert_eq!(change(112.5, 100.0, ChangeKind::Amount, 1).unwrap().2, "增长12.5%");
        assert_eq!(change(96.9, 100.0, ChangeKind::Amount, 1).unwrap().2, "下降3.1%");
        assert_eq!(change(100.0, 100.0, ChangeKind::Amount, 1).unwrap().2, "持平");
        assert_eq!(change(100.01, 100.0, ChangeKind::Amount, 1).unwrap().2, "持平");
        assert_eq!(change(-5.0, -10.0, ChangeKind::Amount, 1).unwrap().2, "增长50.0%");
        assert!(change(5.0, 0.0, ChangeKind::Amount, 1).is_none());
        assert!(change(1e308, 1e-300, ChangeKind::Amount, 1).is_none());
        const PP: ChangeKind = ChangeKind::Points("个百分点");
        assert_eq!(change(66.2, 63.0, PP, 1).unwrap().2, "提高3.2个百分点");
        assert_eq!(change(62.7, 63.2, PP, 1).unwrap().2, "下降0.5个百分点");
        assert_eq!(change(63.2, 63.2, PP, 1).unwrap().2, "持平");
        assert_eq!(change(0.0, 0.0, PP, 1).unwrap().0, "flat");
        assert_eq!(change(11.68, 12.05, ChangeKind::Points("个千分点"), 2).unwrap().2, "下降0.37个千分点");
    }

    #[test]
    fn dates() {
        let d = Date::parse("2018-04-11").unwrap();
        assert_eq!(chinese_date(d, false), "2018年4月11日");
        assert_eq!(chinese_date(d, true), "二〇一八年四月十一日");
        let m = Date::parse("2017-12").unwrap();
        assert_eq!(chinese_date(m, false), "2017年12月");
        assert_eq!(chinese_date(m, true), "二〇一七年十二月");
        assert_eq!(Date::parse("2018年4月11日"), Some(d));
        assert_eq!(Date::parse("2020-10-30").map(|d| chinese_date(d, true)).unwrap(), "二〇二〇年十月三十日");
        assert_eq!(Date::parse("2018-02-30"), None);
        assert_eq!(Date::parse("2018-13"), None);
        assert_eq!(Date::parse("18-4-11"), None);
    }

    #[test]
    fn joining() {
        let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(join_chinese(&v(&[]), "和"), "");
        assert_eq!(join_chinese(&v(&["甲"]), "和"), "甲");
        assert_eq!(join_chinese(&v(&["甲", "乙"]), "和"), "甲和乙");
        assert_eq!(join_chinese(&v(&["甲", "乙", "丙"]), "和"), "甲、乙和丙");
        assert_eq!(join_chinese(&v(&["甲", "乙", "丙"]), "及"), "甲、乙及丙");
    }

    #[test]
    fn a_column_counting_its_rows_is_a_sequence() {
        assert!(is_sequence_column(["1", "2", "3"]));
        assert!(!is_sequence_column(["1", "3"]));
        assert!(!is_sequence_column(["2", "3"]));
        assert!(!is_sequence_column(["1", "2.5"]));
        assert!(!is_sequence_column([]));
    }

    #[test]
    fn titles_typed_with_a_marker() {
        for (title, marker) in [
            ("（一）公立医院改革", "（一）"),
            ("一、深化医改", "一、"),
            ("1．加强管理", "1．"),
            ("2.推进签约", "2."),
            ("(3)健全机制", "(3)"),
            // Full-width digits, as a word processor's numbering pasted as text has them.
            ("１．加强管理", "１．"),
            ("（１２）健全机制", "（１２）"),
            ("第二部分　工作安排", "第二部分"),
            ("一是加强管理", "一是"),
        ] {
            assert_eq!(typed_marker(title), Some(marker), "{title}");
        }
        for title in ["5G网络建设", "2.0版上线", "２.０版上线", "一流学科建设", "十四五规划编制", "（一）", "12"]
        {
            assert_eq!(typed_marker(title), None, "{title}");
        }
    }

    #[test]
    fn a_sentence_gets_one_stop() {
        assert_eq!(sentence("迈出新步伐"), "迈出新步伐。");
        for own in ["迈出新步伐。", "怎样迈出新步伐？", "重点是：", "等等……"] {
            assert_eq!(sentence(own), own);
        }
    }

    #[test]
    fn a_lead_in_is_not_printed_twice() {
        let lead = "全市卫生健康工作的总体要求是：";
        assert_eq!(lead_in("坚持以人民健康为中心。", lead), "全市卫生健康工作的总体要求是：坚持以人民健康为中心。");
        for own in [
            "2022年全市卫生健康工作的总体要求是：坚持……",
            "总体要求：坚持……",
            "今年的总体要求是:坚持……",
            "2022年全市卫生健康工作的总体思路为：坚持……",
        ] {
            assert_eq!(lead_in(own, lead), own);
        }
        // After sentences that set the scene, a lead-in that names whose
        // requirement it is (as seed 002, a province's key points, opens).
        let own = "2020年是收官之年。全县卫生健康工作的总体思路是：以人民健康为中心。";
        assert_eq!(lead_in(own, lead), own);
        // A bare one after the first sentence, or a ： that introduces something else, is no lead-in.
        for text in [
            "坚持以人民健康为中心。总体要求是：稳中求进",
            "重点做好三项工作：一是……",
            "总体要求和任务：一是……",
            "坚持以人民健康为中心。重点做好以下工作：",
        ] {
            assert_eq!(lead_in(text, lead), format!("{lead}{text}"));
        }
        // No lead, nothing to compare against.
        assert_eq!(lead_in("总体要求：坚持", ""), "总体要求：坚持");
    }
}
