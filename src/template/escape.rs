//! Escaping data for the markup: every value a template prints goes through
//! [`escape_markup`], so nothing in the data can change the document's structure.

/// Escape text from the data for the markup: every ASCII punctuation character is
/// backslash-escaped (CommonMark allows it for all of them) and line breaks become
/// spaces, so nothing in a figure or sentence can start a heading, a list, a table
/// cell, emphasis or an attribute block.
pub fn escape_markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.trim().chars() {
        match c {
            '\r' => {}
            '\n' | '\t' => out.push(' '),
            c if c.is_ascii_punctuation() => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_markup("# 标题"), "\\# 标题");
        assert_eq!(escape_markup("66.2%"), "66\\.2\\%");
        assert_eq!(escape_markup("a|b<c*d"), "a\\|b\\<c\\*d");
        assert_eq!(escape_markup("  第一行\n第二行 "), "第一行 第二行");
        assert_eq!(escape_markup("“1+1+1”"), "“1\\+1\\+1”");
    }
}
