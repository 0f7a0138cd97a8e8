//! Checks on one piece of text: placeholders left in, figures that cannot be,
//! and punctuation hygiene. Each returns the offending excerpt, so the caller
//! can point at it in the data file or the rendered paragraph.

use crate::diag::Severity;

/// One finding in a text: the check's id, severity, message and the excerpt
/// that triggered it (as written, for locating).
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub id: &'static str,
    pub severity: Severity,
    pub message: String,
    pub excerpt: String,
}

fn hit(id: &'static str, severity: Severity, excerpt: &str, message: String) -> Hit {
    Hit { id, severity, message, excerpt: excerpt.to_string() }
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
                    excerpt,
                    format!("占位符“{excerpt}”还没有替换成实际内容"),
                ));
            }
        } else {
            i += 1;
        }
    }
    for p in PLACEHOLDERS {
        if s.contains(p) {
            out.push(hit("placeholder", Severity::Error, p, format!("占位符“{p}”还没有替换成实际内容")));
        }
    }
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

/// Half-width `,;:?!()` touching Chinese text; unpaired `“”` `（）` `《》`;
/// doubled punctuation; known conversion artefacts.
pub fn hygiene(s: &str) -> Vec<Hit> {
    let mut out = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    // Half-width marks touching Chinese: one finding per text, at the first.
    let halfwidth: Vec<char> = chars
        .iter()
        .enumerate()
        .filter(|&(i, &c)| {
            let near = |j: Option<usize>| j.and_then(|j| chars.get(j)).is_some_and(|&c| is_han(c));
            matches!(c, ',' | ';' | ':' | '?' | '!' | '(' | ')') && (near(i.checked_sub(1)) || near(Some(i + 1)))
        })
        .map(|(_, &c)| c)
        .collect();
    if let Some(&c) = halfwidth.first() {
        let full = |c: char| match c {
            ',' => '，',
            ';' => '；',
            ':' => '：',
            '?' => '？',
            '!' => '！',
            '(' => '（',
            _ => '）',
        };
        let more = if halfwidth.len() > 1 {
            format!("（这段文字里共 {} 处）", halfwidth.len())
        } else {
            String::new()
        };
        out.push(hit(
            "text.halfwidth",
            Severity::Warning,
            &c.to_string(),
            format!("中文里用了半角标点“{c}”，应为全角“{}”{more}", full(c)),
        ));
    }
    for (open, close) in [('“', '”'), ('（', '）'), ('《', '》')] {
        let mut depth = 0i32;
        let mut bad = None;
        for c in s.chars() {
            if c == open {
                depth += 1;
            } else if c == close {
                depth -= 1;
                if depth < 0 {
                    bad = Some(close);
                    break;
                }
            }
        }
        if bad.is_none() && depth > 0 {
            bad = Some(open);
        }
        if let Some(b) = bad {
            out.push(hit(
                "text.unpaired",
                Severity::Warning,
                &b.to_string(),
                format!("“{open}{close}”不成对：多了一个“{b}”"),
            ));
        }
    }
    const MARKS: &str = "。，、；：！？";
    for w in chars.windows(2) {
        if MARKS.contains(w[0]) && MARKS.contains(w[1]) {
            let pair: String = w.iter().collect();
            out.push(hit("text.doubled", Severity::Warning, &pair, format!("标点重复：“{pair}”")));
        }
    }
    for (wrong, right) in ARTEFACTS {
        if s.contains(wrong) {
            out.push(hit(
                "text.artefact",
                Severity::Warning,
                wrong,
                format!("“{wrong}”像是文字转换留下的错词，应为“{right}”"),
            ));
        }
    }
    out
}

/// Words a machine conversion put in place of the right ones (seen in seed 004).
const ARTEFACTS: [(&str, &str); 6] = [
    ("效劳", "服务"),
    ("根本公共卫生", "基本公共卫生"),
    ("根本药物", "基本药物"),
    ("总结回忆", "总结回顾"),
    ("改革开展", "改革发展"),
    ("坚决信心", "坚定信心"),
];

/// A paragraph that does not end with closing punctuation.
pub fn unclosed(s: &str) -> Option<Hit> {
    let last = s.trim_end().chars().last()?;
    if "。！？…”：；）》".contains(last) {
        return None;
    }
    let tail: String = s.trim_end().chars().rev().take(6).collect::<Vec<_>>().into_iter().rev().collect();
    Some(hit("text.unclosed", Severity::Warning, &tail, format!("段落没有以句号等标点结束：“…{tail}”")))
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
    fn hygiene_findings() {
        assert_eq!(ids(hygiene("机制,为")), [("text.halfwidth", ",".into())]);
        assert!(hygiene("DRGs, PACS").is_empty());
        assert_eq!(ids(hygiene("“健康襄垣")), [("text.unpaired", "“".into())]);
        assert_eq!(ids(hygiene("完成了。。")), [("text.doubled", "。。".into())]);
        assert_eq!(
            ids(hygiene("根本公共卫生效劳")),
            [("text.artefact", "效劳".into()), ("text.artefact", "根本公共卫生".into())]
        );
        assert!(hygiene("（一）《规划》“好”。").is_empty());
        assert!(unclosed("完成了任务").is_some());
        assert!(unclosed("完成了任务。").is_none());
    }
}
