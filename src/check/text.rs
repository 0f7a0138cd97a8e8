//! Checks on one piece of text: placeholders left in, figures that cannot be,
//! and punctuation hygiene. Each returns the offending excerpt, so the caller
//! can point at it in the data file or the rendered paragraph.

use crate::diag::Severity;

/// One finding in a text: the check's id, severity, message, the excerpt
/// that triggered it (as written) and where it starts (a byte offset), so
/// that each occurrence is located on its own.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub id: &'static str,
    pub severity: Severity,
    pub message: String,
    pub excerpt: String,
    pub at: usize,
}

impl Hit {
    /// Which occurrence of its excerpt in `s` this is (from 0).
    pub fn occurrence(&self, s: &str) -> usize {
        s.get(..self.at).map_or(0, |before| before.matches(self.excerpt.as_str()).count())
    }
}

fn hit(id: &'static str, severity: Severity, at: usize, excerpt: &str, message: String) -> Hit {
    Hit { id, severity, message, excerpt: excerpt.to_string(), at }
}

/// Marks writers leave for a figure or name still to be filled in.
const PLACEHOLDERS: [&str; 8] = ["××", "某某", "＊＊", "**", "TODO", "待定", "[ ]", "□□"];

/// Placeholders: `xx`/`XX` not part of a Latin word, `××`, `某某`, `＊＊`,
/// `TODO`, `待定`, `[ ]`.
pub fn placeholders(s: &str) -> Vec<Hit> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let is_x = |c: char| c == 'x' || c == 'X';
        if is_x(chars[i].1) {
            let start = i;
            while i < chars.len() && is_x(chars[i].1) {
                i += 1;
            }
            let before = start.checked_sub(1).map(|j| chars[j].1);
            let after = chars.get(i).map(|c| c.1);
            let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
            if i - start >= 2 && !latin(before) && !latin(after) {
                let end = chars.get(i).map_or(s.len(), |c| c.0);
                let excerpt = &s[chars[start].0..end];
                out.push(hit(
                    "placeholder",
                    Severity::Error,
                    chars[start].0,
                    excerpt,
                    format!("占位符“{excerpt}”还没有替换成实际内容"),
                ));
            }
        } else {
            i += 1;
        }
    }
    for p in PLACEHOLDERS {
        for (at, _) in s.match_indices(p) {
            out.push(hit("placeholder", Severity::Error, at, p, format!("占位符“{p}”还没有替换成实际内容")));
        }
    }
    out.sort_by_key(|h| h.at);
    out
}

/// A percentage above 100 after a rate word (`直报率20230%`): a find-and-replace
/// accident or a typo. Rates of growth (增长率, 增幅) can exceed 100 and are left alone.
pub fn impossible_rates(s: &str) -> Vec<Hit> {
    let mut out = Vec::new();
    for (pos, _) in s.match_indices('%') {
        let head = &s[..pos];
        let digits_start = head
            .char_indices()
            .rev()
            .find(|(_, c)| !(c.is_ascii_digit() || *c == '.'))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let Ok(value) = head[digits_start..].parse::<f64>() else { continue };
        // The words just before the figure: a rate, not a growth rate.
        let context: String =
            head[..digits_start].chars().rev().take(8).collect::<Vec<_>>().into_iter().rev().collect();
        let clause = context.rsplit(['，', '。', '；', ',', ';']).next().unwrap_or("");
        let is_rate = clause.contains('率')
            && !["增长率", "增幅", "增速", "提高", "增长", "上升"].iter().any(|w| clause.contains(w));
        if value > 100.0 && is_rate {
            let excerpt = &s[digits_start..pos + 1];
            out.push(hit(
                "figure.rate-over-100",
                Severity::Error,
                digits_start,
                excerpt,
                format!("比率“{clause}{excerpt}”超过了100%，请核对（常见原因：替换“100”时误改）"),
            ));
        }
    }
    out
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
        || matches!(c, '，' | '。' | '、' | '；' | '：' | '“' | '”' | '（' | '）')
}

/// Half-width `,;:?!()` touching Chinese text; spaces between Chinese
/// characters; unpaired `“”` `（）` `《》`;
/// doubled punctuation; known conversion artefacts.
pub fn hygiene(s: &str) -> Vec<Hit> {
    let mut out = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    // Half-width marks touching Chinese: one finding per text, at the first.
    let byte = |i: usize| s.char_indices().nth(i).map_or(s.len(), |(b, _)| b);
    let halfwidth: Vec<(usize, char)> = chars
        .iter()
        .enumerate()
        .filter(|&(i, &c)| {
            let near = |j: Option<usize>| j.and_then(|j| chars.get(j)).is_some_and(|&c| is_han(c));
            crate::numbers::full_width_mark(c).is_some() && (near(i.checked_sub(1)) || near(Some(i + 1)))
        })
        .map(|(i, &c)| (i, c))
        .collect();
    if let Some(&(first, c)) = halfwidth.first() {
        let full = |c: char| crate::numbers::full_width_mark(c).unwrap_or(c);
        let more = if halfwidth.len() > 1 {
            format!("（这段文字里共 {} 处）", halfwidth.len())
        } else {
            String::new()
        };
        out.push(hit(
            "text.halfwidth",
            Severity::Warning,
            byte(first),
            &c.to_string(),
            format!("中文里用了半角标点“{c}”，应为全角“{}”{more}", full(c)),
        ));
    }
    for (open, close) in [('“', '”'), ('（', '）'), ('《', '》')] {
        // Where the unpaired mark is: a closing one with nothing open, else
        // the last opening one left open.
        let mut open_at: Vec<usize> = Vec::new();
        let mut bad = None;
        for (at, c) in s.char_indices() {
            if c == open {
                open_at.push(at);
            } else if c == close && open_at.pop().is_none() {
                bad = Some((at, close));
                break;
            }
        }
        if bad.is_none() {
            bad = open_at.last().map(|&at| (at, open));
        }
        if let Some((at, b)) = bad {
            out.push(hit(
                "text.unpaired",
                Severity::Warning,
                at,
                &b.to_string(),
                format!("“{open}{close}”不成对：多了一个“{b}”"),
            ));
        }
    }
    // Full-width digits (`１１４９３０人`): one finding per run, as typed.
    let mut from = 0;
    let full = |c: char| crate::numbers::half_width_digit(c).is_some();
    while let Some(k) = s[from..].find(full) {
        let at = from + k;
        let run: String = s[at..].chars().take_while(|&c| full(c) || c == '．').collect();
        let run = run.trim_end_matches('．');
        let half = crate::numbers::half_width_number(run);
        out.push(hit(
            "text.fullwidth-digit",
            Severity::Warning,
            at,
            run,
            format!("数字用了全角“{run}”，应为半角“{half}”"),
        ));
        from = at + run.len();
    }
    // Spaces between Chinese characters: one finding per text, at the first.
    let spaced: Vec<(usize, usize)> = {
        let mut runs = Vec::new();
        let mut i = 1;
        while i < chars.len() {
            let end = (i..chars.len()).find(|&j| !matches!(chars[j], ' ' | '\u{a0}')).unwrap_or(chars.len());
            let chinese = crate::data::is_chinese;
            if end > i && end < chars.len() && chinese(chars[i - 1]) && chinese(chars[end]) {
                runs.push((i - 1, end + 1));
            }
            i = end.max(i) + 1;
        }
        runs
    };
    if let Some(&(s0, e0)) = spaced.first() {
        let excerpt: String = chars[s0..e0].iter().collect();
        let more =
            if spaced.len() > 1 { format!("（这段文字里共 {} 处）", spaced.len()) } else { String::new() };
        let before: String = chars[..=s0].iter().collect();
        let message = if before.ends_with("互联网") {
            format!("“互联网”后面是空格，多半是从网页复制时丢了“+”：应为“互联网+”{more}")
        } else {
            format!("汉字之间有空格“{excerpt}”，中文里不空格，请删去{more}")
        };
        out.push(hit("text.space", Severity::Warning, byte(s0), &excerpt, message));
    }
    const MARKS: &str = "。，、；：！？";
    for (i, w) in chars.windows(2).enumerate() {
        if MARKS.contains(w[0]) && MARKS.contains(w[1]) {
            let pair: String = w.iter().collect();
            out.push(hit("text.doubled", Severity::Warning, byte(i), &pair, format!("标点重复：“{pair}”")));
        }
    }
    out.extend(artefacts(s));
    out
}

/// Words a machine conversion put in place of the right ones (seen in seed
/// 004, a district report converted from traditional characters and back):
/// the wrong word, the right one, and the words that must follow for it to be
/// wrong (none: always wrong). `到达现场` and `广阔的前景` are right.
const ARTEFACTS: [(&str, &str, &[&str]); 20] = [
    ("效劳", "服务", &[]),
    ("根本公共卫生", "基本公共卫生", &[]),
    ("根本药物", "基本药物", &[]),
    ("根本医疗", "基本医疗", &[]),
    ("总结回忆", "总结回顾", &[]),
    ("改革开展", "改革发展", &[]),
    ("事业开展", "事业发展", &[]),
    ("坚决信心", "坚定信心", &[]),
    ("发奋有为", "奋发有为", &[]),
    ("方案生育", "计划生育", &[]),
    ("平安生产", "安全生产", &[]),
    ("根底", "基础", &[]),
    ("原那么", "原则", &[]),
    ("准那么", "准则", &[]),
    ("规那么", "规则", &[]),
    ("细那么", "细则", &[]),
    ("〞", "”", &[]),
    (
        "到达",
        "达到",
        &[
            "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "标准", "目标", "要求", "国家", "省级", "市级", "预期",
            "规定",
        ],
    ),
    (
        "广阔",
        "广大",
        &["群众", "人民", "医务", "干部", "职工", "患者", "农民", "妇女", "党员", "卫生", "计生", "居民", "基层"],
    ),
    ("标准了", "规范了", &[]),
];

/// Conversion artefacts: one finding per wrong word and text, at its first
/// occurrence, saying how many there are (a converted report holds dozens).
fn artefacts(s: &str) -> Vec<Hit> {
    let mut out = Vec::new();
    for (wrong, right, before) in ARTEFACTS {
        let found: Vec<usize> = s
            .match_indices(wrong)
            .map(|(at, _)| at)
            .filter(|&at| before.is_empty() || before.iter().any(|w| s[at + wrong.len()..].starts_with(w)))
            .collect();
        if let Some(&at) = found.first() {
            let more =
                if found.len() > 1 { format!("（这段文字里共 {} 处）", found.len()) } else { String::new() };
            out.push(hit(
                "text.artefact",
                Severity::Warning,
                at,
                wrong,
                format!("“{wrong}”像是文字转换留下的错词，应为“{right}”{more}"),
            ));
        }
    }
    out
}

/// A year of the report inside a longer number (`12023.82`, `12023户`,
/// `202342.15万元`): the mark of a find-and-replace that put the year where
/// `10` was. Dates written as digits (`20180315`) and long codes are left alone,
/// as are rates, which [`impossible_rates`] judges.
pub fn years_in_numbers(s: &str, years: &[i32]) -> Vec<Hit> {
    let mut out = Vec::new();
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let int_end = i;
        if i + 1 < bytes.len() && bytes[i] == b'.' && bytes[i + 1].is_ascii_digit() {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
        }
        let int = &s[start..int_end];
        let before = s[..start].chars().next_back();
        let after = s[i..].chars().next();
        let code = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '-' | '/' | '_' | '.'));
        let rate = matches!(after, Some('%' | '‰'));
        if !(5..=8).contains(&int.len()) || code(before) || code(after) || rate || is_date(int) {
            continue;
        }
        if let Some(y) = years.iter().map(|y| y.to_string()).find(|y| int.contains(y.as_str())) {
            let excerpt = &s[start..i];
            out.push(hit(
                "figure.year-in-number",
                Severity::Warning,
                start,
                excerpt,
                format!("数字“{excerpt}”里夹着年份“{y}”：像是替换时把年份填进了数字（如“10”被换成了“{y}”），请核对"),
            ));
        }
    }
    out
}

/// Whether digits read as a date: `YYYYMM` or `YYYYMMDD`.
fn is_date(digits: &str) -> bool {
    let n = |r: std::ops::Range<usize>| digits.get(r).and_then(|d| d.parse::<u32>().ok());
    let year_ok = n(0..4).is_some_and(|y| (1949..=2100).contains(&y));
    let month_ok = n(4..6).is_some_and(|m| (1..=12).contains(&m));
    match digits.len() {
        6 => year_ok && month_ok,
        8 => year_ok && month_ok && n(6..8).is_some_and(|d| (1..=31).contains(&d)),
        _ => false,
    }
}

/// A paragraph that does not end with closing punctuation.
pub fn unclosed(s: &str) -> Option<Hit> {
    let last = s.trim_end().chars().last()?;
    if "。！？…”：；）》".contains(last) {
        return None;
    }
    let trimmed = s.trim_end();
    let tail: String = trimmed.chars().rev().take(6).collect::<Vec<_>>().into_iter().rev().collect();
    let at = trimmed.len() - tail.len();
    Some(hit("text.unclosed", Severity::Warning, at, &tail, format!("段落没有以句号等标点结束：“…{tail}”")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(hits: Vec<Hit>) -> Vec<(&'static str, String)> {
        hits.into_iter().map(|h| (h.id, h.excerpt)).collect()
    }

    #[test]
    fn placeholders_but_not_latin_words() {
        assert_eq!(ids(placeholders("xx区被确认为XX省")), [("placeholder", "xx".into()), ("placeholder", "XX".into())]);
        assert_eq!(ids(placeholders("确定了xx-2023年工作目标")), [("placeholder", "xx".into())]);
        assert!(placeholders("XXL号 Linux box x光 2x 3xx").is_empty());
        assert_eq!(ids(placeholders("投入待定万元")), [("placeholder", "待定".into())]);
        assert_eq!(ids(placeholders("某某镇")), [("placeholder", "某某".into())]);
    }

    #[test]
    fn rates_over_100_but_not_growth() {
        assert_eq!(ids(impossible_rates("网络直报率20230%，")), [("figure.rate-over-100", "20230%".into())]);
        assert_eq!(ids(impossible_rates("落实率达20230%")), [("figure.rate-over-100", "20230%".into())]);
        assert!(impossible_rates("签约率66.2%，增长率120%，门诊量增长150%").is_empty());
        assert!(impossible_rates("完成率100%").is_empty());
    }

    #[test]
    fn years_inside_numbers() {
        let found = |s: &str| ids(years_in_numbers(s, &[2023, 2022]));
        assert_eq!(found("性别比12023.82，"), [("figure.year-in-number", "12023.82".into())]);
        assert_eq!(found("为12023户家庭"), [("figure.year-in-number", "12023".into())]);
        assert_eq!(found("让利202342.15万元"), [("figure.year-in-number", "202342.15".into())]);
        // Years, dates, codes, rates and other numbers are not.
        assert!(found("2023年投入12000万元，20230315发文，GB2023001，2018-2023年，20230%").is_empty());
    }

    #[test]
    fn each_occurrence_is_its_own_hit() {
        let s = "xx局、xx镇和xx村";
        let hits = placeholders(s);
        assert_eq!(hits.iter().map(|h| h.occurrence(s)).collect::<Vec<_>>(), [0, 1, 2]);
    }

    #[test]
    fn hygiene_findings() {
        assert_eq!(ids(hygiene("机制,为")), [("text.halfwidth", ",".into())]);
        assert!(hygiene("DRGs, PACS").is_empty());
        assert_eq!(ids(hygiene("“健康襄垣")), [("text.unpaired", "“".into())]);
        assert_eq!(ids(hygiene("完成了。。")), [("text.doubled", "。。".into())]);
        assert_eq!(
            ids(hygiene("签约１１４９３０人，占９２．２％，第１．")),
            [
                ("text.fullwidth-digit", "１１４９３０".into()),
                ("text.fullwidth-digit", "９２．２".into()),
                ("text.fullwidth-digit", "１".into())
            ]
        );
        assert_eq!(
            ids(hygiene("根本公共卫生效劳")),
            [("text.artefact", "效劳".into()), ("text.artefact", "根本公共卫生".into())]
        );
        assert_eq!(
            ids(hygiene("覆盖率到达30%，广阔干部职工")),
            [("text.artefact", "到达".into()), ("text.artefact", "广阔".into())]
        );
        assert!(hygiene("及时到达现场，前景广阔。").is_empty());
        assert!(hygiene("（一）《规划》“好”。").is_empty());
        assert_eq!(ids(hygiene("推进“互联网 医疗健康”，建立 健全 机制")), [("text.space", "网 医".into())]);
        assert!(hygiene("推进“互联网 医疗健康”").iter().all(|h| h.message.contains("应为“互联网+”")));
        assert!(hygiene("建立 健全 机制")[0].message.contains("（这段文字里共 2 处）"));
        assert_eq!(ids(hygiene("工作， 推进")), [("text.space", "， 推".into())]);
        // Spaces beside Latin letters or digits, and the ideographic space
        // that pads a two-character name, are no slip.
        assert!(hygiene("P2 实验室，CT 检查，2022 年，张　三").is_empty());
        assert!(unclosed("完成了任务").is_some());
        assert!(unclosed("完成了任务。").is_none());
    }
}
