//! Word boundaries of Chinese text, for the places that prefer to break
//! between words: table cells, chart labels and headings (body text keeps
//! the strict character grid, where words split as in print).
//!
//! jieba-rs's HMM segmenter without its 350,000-word dictionary (loading it
//! costs more than setting a whole report), with the field's terms from
//! `words.txt` added as words.

use std::sync::LazyLock;

use jieba_rs::Jieba;

/// The longest word kept whole: a longer one (a name the model ran together)
/// may still break inside.
const MAX_WORD: usize = 4;

static SEGMENTER: LazyLock<Jieba> = LazyLock::new(|| {
    let mut j = Jieba::empty();
    for w in include_str!("words.txt").lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        j.add_word(w, Some(1000), None);
    }
    j
});

/// `inside[i]`: a break after `chars[i]` would split a Han word of 2 to
/// [`MAX_WORD`] characters.
pub fn inside(chars: &[char]) -> Vec<bool> {
    let mut out = vec![false; chars.len()];
    let text: String = chars.iter().collect();
    for word in SEGMENTER.cut(&text, true) {
        let (s, e) = (word.start, word.end);
        if (2..=MAX_WORD).contains(&(e - s)) && chars[s..e].iter().all(|&c| is_han(c)) {
            out[s..e - 1].iter_mut().for_each(|b| *b = true);
        }
    }
    out
}

/// Where a line may end (`allowed`) without splitting a word.
pub fn whole(chars: &[char], allowed: &[bool]) -> Vec<bool> {
    allowed.iter().zip(inside(chars)).map(|(&a, inside)| a && !inside).collect()
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

#[cfg(test)]
mod tests {
    use super::inside;

    /// The places a break would split a word, as `|` between characters that
    /// may part.
    fn parts(s: &str) -> String {
        let chars: Vec<char> = s.chars().collect();
        let inside = inside(&chars);
        let mut out = String::new();
        for (i, c) in chars.iter().enumerate() {
            out.push(*c);
            if !inside[i] && i + 1 < chars.len() {
                out.push('|');
            }
        }
        out
    }

    #[test]
    fn field_terms_and_common_words_stay_whole() {
        assert_eq!(parts("签约贫困人口"), "签约|贫困人口");
        assert_eq!(parts("城乡居民健康档案电子建档率"), "城乡居民|健康档案|电子|建档率");
        assert_eq!(parts("常住人口家庭医生签约率"), "常住人口|家庭医生|签约率");
        assert_eq!(parts("提高3个百分点"), "提高|3|个|百分点");
    }
}
