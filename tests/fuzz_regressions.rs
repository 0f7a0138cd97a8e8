//! Inputs the fuzz targets (fuzz/) found crashing or breaking an invariant, each
//! reduced to the data or markup that shows it, so the fix stays fixed.

mod common;

use std::sync::Arc;

use common::layout_check::check_layout;
use common::{Project, fonts, root};
use nianbao::config::Config;
use nianbao::doc::Document;
use nianbao::fonts::FontBook;
use nianbao::layout::{self, Layout};
use nianbao::render;
use nianbao::template::Templates;
use nianbao::writer::{Format, Resources};

/// Render a data file's text (as `data/x/2018.yaml`) to the document model.
fn build(yaml: &str) -> Document {
    let p = Project::new(&[("data/x/2018.yaml", yaml)]);
    let templates = Templates::new(Some(&root().join("templates")));
    render::build(&p.path("data/x/2018.yaml"), &templates, None).expect("renders").doc
}

fn lay_out(doc: &Document) -> Layout {
    let (book, data) = fonts();
    layout::layout(doc, book, data).expect("layout")
}

/// fuzz `render`: an issuing body longer than a line ran off the page in the
/// signature block of a key-points document (34 characters from x 79 to 616 pt on
/// a 595 pt page). It wraps now.
#[test]
fn long_signature_wraps_inside_the_block() {
    let issuer = "万元".repeat(17);
    let yaml = format!(
        r#"{{"attachments": [], "closing": [], "issuer": "{issuer}", "kind": "key-points", "opening": [],
           "title": [], "unit": {{"level": "区", "name": ""}}}}"#
    );
    let doc = build(&yaml);
    let text = check_layout(&lay_out(&doc));
    assert!(text.contains(&issuer), "the issuer is set whole: {text}");
}

/// fuzz `render`: a centred line with no break opportunity wider than the block
/// (an attachment title of 45 `{` and `\`, none of which a line may end after)
/// was centred at its natural width and started 26 pt left of the text block.
/// It is broken where it must be now.
#[test]
fn unbreakable_centred_line_stays_inside_the_block() {
    let title = format!("{}\\\\\\{}", "{".repeat(8), "{".repeat(34));
    let yaml = format!(
        "kind: key-points\nunit: {{ name: 甲, level: 县 }}\nissuer: 甲局\ntitle: []\n\
         attachments:\n  - title: {}\n    paragraphs: [正文。]\n",
        serde_json::to_string(&title).unwrap()
    );
    let doc = build(&yaml);
    let text = check_layout(&lay_out(&doc));
    assert!(text.contains(&title), "the title is set whole: {text}");
    // A long unbreakable title line too.
    let long = "W".repeat(60);
    let doc = build(&format!("kind: key-points\nunit: {{ name: 甲, level: 县 }}\nissuer: 甲局\ntitle: [{long}]\n"));
    assert!(check_layout(&lay_out(&doc)).contains(&long));
}

/// Characters XML 1.0 does not allow (U+0001, U+000B, U+FFFE) written in a data
/// file as YAML escapes reached the DOCX's document.xml and core.xml, which Word
/// then refuses to open. The document model drops what no report can show.
#[test]
fn control_characters_never_reach_the_docx() {
    use std::io::Read;
    let yaml = "kind: speech\nunit: { name: 甲县, level: 县 }\nissuer: \"甲县\\x02卫生健康局\"\n\
                meeting: { name: 甲县工作会议, date: 2018-03-01 }\nspeaker: { post: 局长, name: 王某 }\n\
                title: \"标\\x01题\"\nopening: \"开\\x01场\\v白\\uFFFE，\\x7f好。\"\n";
    let doc = build(yaml);
    let config = Config::builtin(root());
    let fonts = Some(Arc::new(FontBook::new(&config).unwrap()));
    let res = Resources { config: Arc::new(config), fonts };
    let (bytes, _) = common::write_as(&doc, Format::Docx, &res).expect("docx");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut all = String::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        if f.name().ends_with(".xml") || f.name().ends_with(".rels") {
            let mut s = String::new();
            f.read_to_string(&mut s).unwrap();
            let bad: Vec<char> =
                s.chars().filter(|&c| matches!(c as u32, 0..=8 | 0xB | 0xC | 0xE..=0x1F | 0xFFFE | 0xFFFF)).collect();
            assert!(bad.is_empty(), "{} holds {bad:?}", f.name());
            all.push_str(&s);
        }
    }
    assert!(all.contains("开场白，好。"), "the text is kept");
    assert!(all.contains("甲县卫生健康局"), "the author is kept");
}

/// fuzz `render` (a CI timeout): a whole data file's text landed in a title, a
/// centred line of 4,000 characters with hundreds of spaces. Breaking a title at
/// its spaces tried every choice of spaces — C(700, 14) of them — and never
/// finished. Past a bound it now breaks the title as any long centred text.
#[test]
fn title_with_hundreds_of_spaces_is_set() {
    let title = ["卫生健康工作 "; 300].concat();
    let doc = build(&format!(
        "kind: key-points\nunit: {{ name: 甲, level: 县 }}\nissuer: 甲局\ntitle: [{}]\n",
        serde_json::to_string(title.trim()).unwrap()
    ));
    let text = check_layout(&lay_out(&doc));
    // Page numbers sit between a page's last line and the next page's first.
    for ch in "卫生健康工作".chars() {
        assert_eq!(text.matches(ch).count(), 300, "every {ch} is set");
    }
}

/// fuzz `render`: a header-only table of 18 columns, two of whose cells hold
/// 16 `<` each (no break allowed between them), the others empty. Its columns'
/// min-content did not fit the block, so widths were shared out below it and
/// those cells ran over their borders, the first 5 pt left of the text block.
/// A piece wider than its column is broken where it must be now.
#[test]
fn too_many_unbreakable_columns_stay_inside_the_block() {
    let lts = "\\<".repeat(16);
    let mut cells = vec![String::new(); 18];
    cells[3] = format!("{lts}；");
    cells[17] = format!("{lts}卫生");
    let md =
        format!("---\nfile: x\ndate: \"2018-01-01\"\n---\n\n| {} |\n|{}\n", cells.join(" | "), " --- |".repeat(18));
    let doc = nianbao::markup::parse(&md, "t.md").expect("markup");
    let text = check_layout(&lay_out(&doc));
    assert_eq!(text.matches('<').count(), 32, "every character is set");
}

/// fuzz `render`: a table cell of some 700 characters in a narrow column made a
/// row taller than a page; it was set whole and ran 150 pt below the page's
/// foot (a baseline at −1 pt). A row taller than a page is set in pieces now,
/// each on a page of its own under the repeated header, every character kept
/// (and a note after the table keeps with the last piece).
#[test]
fn a_row_taller_than_a_page_is_set_in_pieces() {
    let long = "全面推广使用母子保健手册，严格落实育龄妇女免费计划生育技术服务。".repeat(24);
    let md = format!(
        "---\nfile: x\ndate: \"2018-01-01\"\n---\n\n| 指标 | 说明 | 单位 | 2016年 | 2017年 | 同比 |\n\
         | --- | --- | --- | ---: | ---: | --- |\n| 甲 | {long} | 个 | 1 | 2 | 增长 |\n| 乙 | 短 | 个 | 3 | 4 | 增长 |\n\n数据来源：某局。\n"
    );
    let doc = nianbao::markup::parse(&md, "t.md").expect("markup");
    let lay = lay_out(&doc);
    let text = check_layout(&lay);
    assert_eq!(text.matches("母子保健手册").count(), 24, "every character is set");
    assert!(lay.pages.len() >= 3, "the row spans pages: {}", lay.pages.len());
    let last = lay.pages.last().unwrap();
    let last_text: String = last.runs.iter().flat_map(|r| r.glyphs.iter().map(|g| g.ch)).collect();
    assert!(
        last_text.contains("乙") && last_text.contains("数据来源：某局。"),
        "the note under the last row: {last_text}"
    );
    // Every page of the table starts with the header.
    for page in &lay.pages {
        let first: String = page.runs.iter().take(2).flat_map(|r| r.glyphs.iter().map(|g| g.ch)).collect();
        assert!(first.starts_with("指标"), "{first}");
    }
}

/// fuzz `render`: a table cell of some 20,000 characters took minutes to lay
/// out (first-fit breaking measured each line again from its start for every
/// character, and column sizing breaks each cell many times). Breaking measures
/// from prefix sums now; the cell is set whole, in pieces over pages.
#[test]
fn a_cell_of_twenty_thousand_characters_is_set() {
    let unit = "全面推广使用母子保健手册，“健康”（试点）。";
    let long = unit.repeat(1000);
    let md = format!("---\nfile: x\ndate: \"2018-01-01\"\n---\n\n| 指标 | 说明 |\n| --- | --- |\n| 甲 | {long} |\n");
    let doc = nianbao::markup::parse(&md, "t.md").expect("markup");
    let text = check_layout(&lay_out(&doc));
    // Each character as often as the cell has it (the header and the page
    // numbers stand between the pages' pieces, so the text is not read whole).
    for ch in unit.chars() {
        let want = 1000 * unit.matches(ch).count();
        assert_eq!(text.matches(ch).count(), want, "every {ch} is set");
    }
}

/// A run of marks no line may end after (a thousand “) then one of marks no
/// line may start with: no break is allowed anywhere inside, and the fallback
/// broke each line before its second character, one “ a line (20,000 quotes:
/// 909 pages, and the exact-count breaker's table of lines × characters took
/// 760 MB). Lines are filled now, and the exact-count breaker refuses more
/// lines than pagination could want.
#[test]
fn a_run_of_quotes_fills_its_lines() {
    use nianbao::layout::linebreak::{MAX_EXACT_LINES, break_after, break_lines, break_lines_exact, set_width};
    let chars: Vec<char> = "“".repeat(2000).chars().chain("”".repeat(2000).chars()).collect();
    let widths = vec![10.0; chars.len()];
    let allowed = break_after(&chars);
    let lines = break_lines(&chars, &widths, &allowed, 280.0, 20.0);
    // Filled lines of 28 (the first 26 after its indent), or fewer lines where
    // adjacent marks are compressed.
    assert!(lines.len() <= (4000usize + 2).div_ceil(28), "{} lines", lines.len());
    assert!(lines.iter().all(|l| {
        let avail = if l.first { 260.0 } else { 280.0 };
        set_width(&chars[l.start..l.end], &widths[l.start..l.end]) <= avail + 0.01
    }));
    assert!(break_lines_exact(&chars, &widths, &allowed, 280.0, 20.0, MAX_EXACT_LINES + 1).is_none());
    assert!(break_lines_exact(&chars, &widths, &allowed, 280.0, 20.0, lines.len()).is_none());
}

/// The same run through the whole layout and both fixed-layout writers:
/// filled pages of it, and the same page limit for the DOCX as for the PDF.
#[test]
fn a_run_of_quotes_lays_out_to_filled_pages_and_the_docx_keeps_the_page_limit() {
    let (book, data) = fonts();
    let paragraph = |text: &str| {
        let yaml = common::MINIMAL.replace("opening: 开场。", &format!("opening: \"{text}\""));
        build(&yaml)
    };
    let doc = paragraph(&format!("{}{}", "“".repeat(3000), "”".repeat(3000)));
    let pages = lay_out(&doc).pages.len();
    // 6,000 full-width marks at 28 a line and 22 lines a page, after the title.
    assert!((10..=12).contains(&pages), "{pages} pages");
    let _ = (book, data);
    let res = Resources {
        config: Arc::new(Config::builtin(root())),
        fonts: Some(Arc::new(FontBook::new(&Config::builtin(root())).unwrap())),
    };
    // Over the page limit (300 pages hold 184,800 characters, or 246,400 such
    // marks with every ”“ pair compressed, a line may end between them):
    // refused by the DOCX writer too, before it fits a line.
    let doc = paragraph(&"“”".repeat(330_000 / 2));
    for format in [Format::Pdf, Format::Docx] {
        match common::write_as(&doc, format, &res) {
            Ok((bytes, _)) => panic!("{format:?}: {} bytes written for a document over the page limit", bytes.len()),
            Err(e) => assert_eq!(e.0[0].id, "layout.pages", "{format:?}: {e}"),
        }
    }
}

/// fuzz `render`: an issuing body of a long line of Latin text and marks,
/// which the breaker may set a little tight (as it does a justified line), was
/// set at its natural width, 1.5 pt past the text block's right edge. The
/// signature tightens such a line to the measure now.
#[test]
fn a_long_signature_line_set_tight_stays_inside_the_block() {
    let yaml = std::fs::read_to_string(root().join("tests/fixtures/fuzz-signature.json")).unwrap();
    let text = check_layout(&lay_out(&build(&yaml)));
    assert!(text.contains("speaker:"), "the issuing body is set: {text}");
}

/// fuzz `markup`: a table squeezed among a page of marks set a figure 47,000 pt
/// left of the page (its column narrower than the figures' decimal alignment
/// needs) and a one-character header outside the block's left edge (its column
/// narrower than the character). Both stay inside the text block now.
#[test]
fn a_squeezed_table_stays_inside_the_block() {
    let md = String::from_utf8_lossy(&std::fs::read(root().join("tests/fixtures/fuzz-markup-left.md")).unwrap())
        .into_owned();
    let doc = nianbao::markup::parse(&md, "t.md").expect("markup");
    let text = check_layout(&lay_out(&doc));
    assert!(text.contains("1342.15万元"), "the figure is set");
}
