//! The DOCX writer end to end: render the samples, unzip, and assert the XML that
//! matters to Word, WPS and LibreOffice: the page grid, styles with outline
//! levels, East Asian fonts, odd/even footers with a PAGE field, the heading
//! list numbering, embedded fonts that decode to real TrueType fonts, the text
//! (the same as the Markdown output's), native charts whose figures (in the
//! chart part and its embedded workbook) are the data's, and identical bytes
//! across two renders.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

use nianbao::writer::docx::embed::deobfuscate;

fn render(data: &str, format: &str, out: &Path, extra: &[&str]) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(["render", data, "--format", format, "--out", out.to_str().unwrap()])
        .args(extra)
        .current_dir(root)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("run nianbao");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stderr = String::from_utf8_lossy(&o.stderr);
    let line = stderr.lines().find(|l| l.starts_with("已生成 ") && l.ends_with(format)).expect("a file written");
    PathBuf::from(line.split_once(' ').unwrap().1)
}

/// Every entry of a zip archive, by name, in archive order.
fn unzip(path: &Path) -> (Vec<String>, BTreeMap<String, Vec<u8>>) {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut names = Vec::new();
    let mut parts = BTreeMap::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        assert_eq!(f.compression(), zip::CompressionMethod::Deflated, "{} not deflated", f.name());
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        names.push(f.name().to_string());
        parts.insert(f.name().to_string(), bytes);
    }
    (names, parts)
}

/// `doc` laid out and written as a DOCX with `res`: the layout, and the
/// package's parts by name.
fn docx_of(
    doc: &nianbao::doc::Document,
    res: &nianbao::writer::Resources,
) -> (nianbao::layout::Layout, BTreeMap<String, Vec<u8>>) {
    use nianbao::writer::{Format, Options, lay_out, write};
    let layout = lay_out(doc, &[Format::Docx], res).unwrap().unwrap();
    let (bytes, _) = write(doc, Some(&layout), Format::Docx, res, &Options::default()).unwrap();
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), bytes).unwrap();
    (layout, unzip(file.path()).1)
}

fn xml(parts: &BTreeMap<String, Vec<u8>>, name: &str) -> String {
    String::from_utf8(parts.get(name).unwrap_or_else(|| panic!("no part {name}")).clone()).unwrap()
}

struct Sample {
    _dir: tempfile::TempDir,
    docx: PathBuf,
    md: PathBuf,
    names: Vec<String>,
    parts: BTreeMap<String, Vec<u8>>,
}

fn sample(data: &str) -> Sample {
    let dir = tempfile::tempdir().unwrap();
    let docx = render(data, "docx", dir.path(), &[]);
    let md = render(data, "md", dir.path(), &[]);
    let (names, parts) = unzip(&docx);
    Sample { _dir: dir, docx, md, names, parts }
}

/// The style element with `id` in styles.xml.
fn style<'a>(styles: &'a str, id: &str) -> &'a str {
    let start = styles.find(&format!("w:styleId=\"{id}\"")).unwrap_or_else(|| panic!("no style {id}"));
    let end = styles[start..].find("</w:style>").unwrap() + start;
    &styles[start..end]
}

#[test]
fn page_grid_and_geometry_are_gb_t_9704() {
    let s = sample("data/xiangyuan/2018.yaml");
    let doc = xml(&s.parts, "word/document.xml");
    assert!(doc.contains(r#"<w:pgSz w:w="11906" w:h="16838""#), "A4");
    assert!(doc.contains(r#"w:top="2098""#) && doc.contains(r#"w:bottom="1984""#));
    assert!(doc.contains(r#"w:left="1587""#) && doc.contains(r#"w:right="1474""#));
    assert!(doc.contains(r#"<w:docGrid w:type="lines" w:linePitch="579" w:charSpace="-848"/>"#), "grid");
    // 28 characters a line: Normal narrows characters by 0.25 pt.
    let styles = xml(&s.parts, "word/styles.xml");
    assert!(style(&styles, "Normal").contains(r#"<w:spacing w:val="-5"/>"#));
}

#[test]
fn styles_carry_fonts_sizes_indents_and_outline_levels() {
    let s = sample("data/xiangyuan/2018.yaml");
    let styles = xml(&s.parts, "word/styles.xml");
    let normal = style(&styles, "Normal");
    assert!(styles.contains(r#"w:styleId="Normal" w:default="1""#));
    // The official face's name and the tag of this document's embedded subset.
    let body = font_of(normal);
    assert!(is_tagged(&body, "仿宋_GB2312"), "{body}");
    assert!(normal.contains(&format!(r#"w:ascii="{body}""#)));
    assert!(normal.contains(r#"<w:sz w:val="32"/>"#));
    assert!(normal.contains(r#"w:firstLineChars="200""#));
    assert!(normal.contains(r#"w:line="579" w:lineRule="exact""#));
    // No space added between Han and Latin letters or figures (the PDF adds none).
    assert!(normal.contains(r#"<w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>"#), "{normal}");
    assert!(styles.contains(r#"<w:lang w:val="en-US" w:eastAsia="zh-CN""#));
    assert!(is_tagged(&font_of(style(&styles, "Title")), "方正小标宋简体"));
    assert!(style(&styles, "Title").contains(r#"<w:sz w:val="44"/>"#));
    assert!(is_tagged(&font_of(style(&styles, "Subtitle")), "楷体_GB2312"));
    for (level, font) in [(1, "黑体"), (2, "楷体_GB2312"), (3, "仿宋_GB2312"), (4, "仿宋_GB2312")] {
        let h = style(&styles, &format!("Heading{level}"));
        assert!(h.contains(&format!(r#"<w:outlineLvl w:val="{}"/>"#, level - 1)), "heading {level}: {h}");
        assert!(is_tagged(&font_of(h), font), "heading {level}");
        assert!(h.contains("<w:keepNext/>"), "heading {level}");
        // 一、（一） in list 2; 1．（1） in list 3 (see heading_numbers_are_word_list_numbering).
        let (ilvl, list) = [(0, 2), (1, 2), (0, 3), (1, 3)][level - 1];
        assert!(h.contains(&format!(r#"<w:ilvl w:val="{ilvl}"/><w:numId w:val="{list}"/>"#)), "heading {level}");
    }
    assert!(style(&styles, "Heading3").contains("<w:b/>"), "level 3 bold by local custom");
}

#[test]
fn heading_numbers_are_word_list_numbering() {
    let s = sample("data/xiangyuan/2018.yaml");
    let num = xml(&s.parts, "word/numbering.xml");
    // 一、 and （一） restart under their parents: one list. The speech numbers its
    // 27 tasks on across the （一） sections, restarting 1． under each 一、 only:
    // a list of its own (with （1）), restarted by a new instance, not by
    // w:lvlRestart, which LibreOffice ignores.
    assert_eq!(num.matches("<w:abstractNum ").count(), 2, "{num}");
    for (list, ilvl, fmt, text, style) in [
        (2, 0, "chineseCounting", "%1、", 1),
        (2, 1, "chineseCounting", "（%2）", 2),
        (3, 0, "decimal", "%1．", 3),
        (3, 1, "decimal", "（%2）", 4),
    ] {
        let abs = &num[num.find(&format!(r#"<w:abstractNum w:abstractNumId="{list}">"#)).unwrap()..];
        let abs = &abs[..abs.find("</w:abstractNum>").unwrap()];
        let start = abs.find(&format!(r#"<w:lvl w:ilvl="{ilvl}">"#)).unwrap();
        let lvl = &abs[start..start + abs[start..].find("</w:lvl>").unwrap()];
        assert!(lvl.contains(&format!(r#"<w:numFmt w:val="{fmt}"/>"#)), "{lvl}");
        assert!(lvl.contains(&format!(r#"<w:lvlText w:val="{text}"/>"#)), "{lvl}");
        assert!(lvl.contains(&format!(r#"<w:pStyle w:val="Heading{style}"/>"#)), "{lvl}");
        assert!(lvl.contains(r#"<w:suff w:val="nothing"/>"#));
    }
    assert!(num.contains(r#"<w:num w:numId="2"><w:abstractNumId w:val="2"/></w:num>"#), "{num}");
    assert!(num.contains(r#"<w:num w:numId="3"><w:abstractNumId w:val="3"/></w:num>"#), "{num}");
    let restart = r#"<w:num w:numId="4"><w:abstractNumId w:val="3"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>"#;
    assert!(num.contains(restart), "{num}");
    // The ten tasks under 一、 count in instance 3, the 27 under 二、 in instance 4.
    let doc = xml(&s.parts, "word/document.xml");
    let second = doc.find("2018年工作部署").unwrap();
    let in_list = |part: &str, id: u32| part.matches(&format!(r#"<w:ilvl w:val="0"/><w:numId w:val="{id}"/>"#)).count();
    assert_eq!((in_list(&doc[..second], 3), in_list(&doc[second..], 3)), (10, 0));
    assert_eq!((in_list(&doc[..second], 4), in_list(&doc[second..], 4)), (0, 27));
}

/// A number the data gives (`（四）` after `（二）`) stays Word's numbering: a
/// new instance of the list starts each level where the list stands, the
/// jumping one at the number, and the headings after it count on in it.
#[test]
fn an_explicit_number_starts_a_list_instance_at_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data/x/2018.yaml");
    std::fs::create_dir_all(data.parent().unwrap()).unwrap();
    let sections = "review:\n  sections:\n    - { title: 深化医改, intro: 改革。 }\n    - { title: 提升服务, intro: 服务。 }\n    - { title: 强化监管, number: 4, intro: 监管。 }\n    - { title: 加强党建, intro: 党建。 }\n";
    std::fs::write(&data, format!("{}{sections}", common::MINIMAL)).unwrap();
    let docx = render(data.to_str().unwrap(), "docx", dir.path(), &[]);
    let (_, parts) = unzip(&docx);
    let num = xml(&parts, "word/numbering.xml");
    let jump = r#"<w:abstractNumId w:val="2"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="2"/></w:lvlOverride><w:lvlOverride w:ilvl="1"><w:startOverride w:val="4"/></w:lvlOverride><w:lvlOverride w:ilvl="2"><w:startOverride w:val="1"/></w:lvlOverride><w:lvlOverride w:ilvl="3"><w:startOverride w:val="1"/></w:lvlOverride></w:num>"#;
    let at = num.find(jump).unwrap_or_else(|| panic!("{num}"));
    let id = num[..at].rsplit(r#"<w:num w:numId=""#).next().unwrap().split('"').next().unwrap().to_string();
    let doc = xml(&parts, "word/document.xml");
    let listed = |title: &str| {
        let p = doc[..doc.find(title).unwrap()].rsplit("<w:p ").next().unwrap().to_string();
        p.split(r#"<w:numId w:val=""#).nth(1).map(|s| s.split('"').next().unwrap().to_string())
    };
    assert_eq!(listed("提升服务").as_deref(), Some("2"));
    assert_eq!(listed("强化监管"), Some(id.clone()));
    assert_eq!(listed("加强党建"), Some(id));
    assert!(!doc.contains("（四）") && !doc.contains("（五）"), "labels are Word's, not text");
}

#[test]
fn a_level_that_never_restarts_gets_a_list_of_its_own() {
    // Key points count （一）…（十三） on through the 一、 sections: a second list,
    // so that LibreOffice (which ignores w:lvlRestart) counts on as Word does.
    let s = sample("data/jinhua/2018.yaml");
    let num = xml(&s.parts, "word/numbering.xml");
    assert_eq!(num.matches("<w:abstractNum ").count(), 2, "{num}");
    let styles = xml(&s.parts, "word/styles.xml");
    assert!(style(&styles, "Heading1").contains(r#"<w:ilvl w:val="0"/><w:numId w:val="2"/>"#));
    assert!(style(&styles, "Heading2").contains(r#"<w:ilvl w:val="0"/><w:numId w:val="3"/>"#));
    assert!(style(&styles, "Heading3").contains(r#"<w:ilvl w:val="1"/><w:numId w:val="3"/>"#));
    let start = num.find(r#"<w:abstractNum w:abstractNumId="3">"#).unwrap();
    assert!(num[start..].contains(r#"<w:lvlText w:val="（%1）"/>"#), "{num}");
}

#[test]
fn footers_are_odd_right_even_left_with_a_page_field() {
    let s = sample("data/xiangyuan/2018.yaml");
    let settings = xml(&s.parts, "word/settings.xml");
    assert!(settings.contains("<w:evenAndOddHeaders/>"));
    let doc = xml(&s.parts, "word/document.xml");
    assert!(doc.contains(r#"<w:footerReference w:type="default" r:id="rIdFooter1"/>"#), "odd");
    assert!(doc.contains(r#"<w:footerReference w:type="even" r:id="rIdFooter2"/>"#), "even");
    let rels = xml(&s.parts, "word/_rels/document.xml.rels");
    assert!(rels.contains(r#"Id="rIdFooter1""#) && rels.contains(r#"Target="footer1.xml""#));
    for (part, jc, ind) in
        [("word/footer1.xml", "right", r#"w:right="320""#), ("word/footer2.xml", "left", r#"w:left="320""#)]
    {
        let f = xml(&s.parts, part);
        assert!(f.contains(&format!(r#"<w:jc w:val="{jc}"/>"#)), "{part}: {f}");
        assert!(f.contains(ind), "{part}: one character in");
        assert!(f.contains(r#"w:fldCharType="begin""#) && f.contains("PAGE"), "{part}");
        assert!(f.contains(">— </w:t>") && f.contains("> —</w:t>"), "{part}: em dashes");
    }
    let styles = xml(&s.parts, "word/styles.xml");
    let footer = style(&styles, "Footer");
    assert!(is_tagged(&font_of(footer), "宋体") && footer.contains(r#"<w:sz w:val="28"/>"#), "14 pt Song");
}

/// Widow control is on, as the layout paginates (no line of a paragraph alone
/// at a page's foot or top), and off on a paragraph the layout had to leave
/// with a line alone: a three-line paragraph after twenty one-line ones
/// (which no re-setting changes) either leaves the page two lines short or
/// splits, and the layout fills the page, its last line alone on page 2. With
/// widow control off there, LibreOffice and Word break where the PDF does.
#[test]
fn widow_control_follows_the_layout() {
    let res = resources_for(&common::root().join("data/xiangyuan/2018.yaml"));
    let short = vec!["甲甲甲甲甲甲。"; 20].join("\n\n");
    let long = "乙".repeat(26 + 28 + 10);
    let md = format!("---\nfile: x\ndate: \"2018-01-01\"\n---\n\n{short}\n\n{long}\n\n丙丙丙。\n");
    let doc = nianbao::markup::parse(&md, "t.md").expect("markup");
    let (layout, parts) = docx_of(&doc, &res);
    let styles = xml(&parts, "word/styles.xml");
    assert!(style(&styles, "Normal").contains(r#"<w:widowControl w:val="1"/>"#), "on in Normal");
    let doc = xml(&parts, "word/document.xml");
    let off: Vec<&str> = doc.split("<w:p ").filter(|p| p.contains(r#"<w:widowControl w:val="0"/>"#)).collect();
    assert_eq!(off.len(), 1, "off on one paragraph");
    assert!(off[0].contains("乙乙乙"), "{}", off[0]);
    // The layout set two of its lines on page 1, the last alone on page 2.
    let lines = |p: &nianbao::layout::Page| {
        let ys = p.runs.iter().filter(|r| r.glyphs.iter().any(|g| g.ch == '乙')).map(|r| (r.y * 10.0) as i64);
        ys.collect::<std::collections::BTreeSet<_>>().len()
    };
    assert_eq!((lines(&layout.pages[0]), lines(&layout.pages[1])), (2, 1));
}

#[test]
fn core_properties_come_from_the_data() {
    let s = sample("data/xiangyuan/2018.yaml");
    let core = xml(&s.parts, "docProps/core.xml");
    assert!(core.contains("<dc:title>大干苦干"), "{core}");
    assert!(core.contains("<dc:creator>襄垣县卫生和计划生育局</dc:creator>"), "{core}");
    assert!(core.contains(r#"<dcterms:created xsi:type="dcterms:W3CDTF">2018-04-11T00:00:00Z</dcterms:created>"#));
    assert!(core.contains(r#"<dcterms:modified xsi:type="dcterms:W3CDTF">2018-04-11T00:00:00Z</dcterms:modified>"#));
}

/// The East Asian font a style or run names.
fn font_of(xml: &str) -> String {
    xml.split(r#"w:eastAsia=""#).nth(1).and_then(|r| r.split('"').next()).unwrap_or_default().to_string()
}

/// `name` is the official face `official` with a tag: `仿宋_GB2312 KQZVBN`.
fn is_tagged(name: &str, official: &str) -> bool {
    name.strip_prefix(official)
        .and_then(|t| t.strip_prefix(' '))
        .is_some_and(|t| t.len() == 6 && t.bytes().all(|b| b.is_ascii_uppercase()))
}

/// The fonts a DOCX embeds, deobfuscated: (name in the font table, `w:altName`, TrueType bytes).
fn embedded(parts: &BTreeMap<String, Vec<u8>>) -> Vec<(String, String, Vec<u8>)> {
    let table = xml(parts, "word/fontTable.xml");
    let rels = xml(parts, "word/_rels/fontTable.xml.rels");
    let mut out = Vec::new();
    for font in table.split("<w:font ").skip(1) {
        let name = font.split('"').nth(1).unwrap().to_string();
        let alt = font.split(r#"<w:altName w:val=""#).nth(1).map_or("", |r| r.split('"').next().unwrap());
        let Some(at) = font.find("<w:embedRegular ") else { continue };
        let emb = &font[at..];
        let rid = emb.split("r:id=\"").nth(1).unwrap().split('"').next().unwrap();
        let key = emb.split("w:fontKey=\"").nth(1).unwrap().split('"').next().unwrap();
        let rel = rels.split("<Relationship ").find(|r| r.contains(&format!("Id=\"{rid}\""))).unwrap();
        let target = rel.split("Target=\"").nth(1).unwrap().split('"').next().unwrap();
        let raw = &parts[&format!("word/{target}")];
        assert!(ttf_parser::Face::parse(raw, 0).is_err(), "{name}: obfuscated");
        out.push((name, alt.to_string(), deobfuscate(raw, key).unwrap()));
    }
    out
}

fn name_of(face: &ttf_parser::Face, id: u16) -> String {
    face.names().into_iter().find(|n| n.name_id == id).and_then(|n| n.to_string()).unwrap()
}

#[test]
fn embedded_fonts_decode_to_truetype_subsets_named_as_in_the_document() {
    let s = sample("data/xiangyuan/2018.yaml");
    let ct = xml(&s.parts, "[Content_Types].xml");
    assert!(
        ct.contains(r#"Extension="odttf" ContentType="application/vnd.openxmlformats-officedocument.obfuscatedFont""#)
    );
    let settings = xml(&s.parts, "word/settings.xml");
    assert!(settings.contains("<w:embedTrueTypeFonts/>") && settings.contains("<w:saveSubsetFonts/>"));
    let doc = xml(&s.parts, "word/document.xml");
    let styles = xml(&s.parts, "word/styles.xml");
    let mut names = Vec::new();
    for (name, alt, ttf) in embedded(&s.parts) {
        let face = ttf_parser::Face::parse(&ttf, 0).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(face.tables().glyf.is_some() && face.tables().cff.is_none(), "{name}: TrueType outlines");
        // The font answers to the name the document uses; its PostScript name is
        // the source face's with the same tag.
        assert_eq!(name_of(&face, ttf_parser::name_id::FAMILY), name);
        let tag = &name[name.len() - 6..];
        assert!(name_of(&face, ttf_parser::name_id::POST_SCRIPT_NAME).ends_with(&format!("-{tag}")), "{name}");
        assert!(face.number_of_glyphs() < 2000, "{name}: a subset");
        // The official name and the face the PDF was set in, for applications
        // that do not load embedded fonts.
        let official = name[..name.len() - 7].to_string();
        assert!(alt.starts_with(&format!("{official},Fandol")) || alt == official, "{name}: {alt}");
        if official == "仿宋_GB2312" {
            for ch in "同志们：在全县上下2018".chars() {
                let g = face.glyph_index(ch).unwrap_or_else(|| panic!("{name} lacks {ch}"));
                assert!(face.glyph_bounding_box(g).is_some() || ch.is_whitespace(), "{ch} has an outline");
            }
            assert!(styles.contains(&format!(r#"w:eastAsia="{name}""#)), "Normal names the embedded font");
        }
        names.push(official);
    }
    for n in ["仿宋_GB2312", "黑体", "楷体_GB2312", "宋体", "方正小标宋简体"] {
        assert!(names.iter().any(|x| x == n), "{n} embedded: {names:?}");
    }
    // 勠 and ㎡ are not in FandolFang: those runs name the fallback face, which is embedded too.
    assert!(names.iter().any(|x| x == "Noto Serif CJK SC"), "{names:?}");
    assert!(is_tagged(&font_of(doc.split("勠").next().unwrap().rsplit("<w:r>").next().unwrap()), "Noto Serif CJK SC"));
}

#[test]
fn each_document_embeds_its_subsets_under_names_of_its_own() {
    // Word and LibreOffice keep one embedded font per name for a session: two
    // documents' different subsets of a face must not share a name.
    let a = sample("data/xiangyuan/2018.yaml");
    let b = sample("data/yangli/2018.yaml");
    let names = |s: &Sample| embedded(&s.parts).into_iter().map(|(n, ..)| n).collect::<Vec<_>>();
    let (na, nb) = (names(&a), names(&b));
    assert!(na.iter().any(|n| n.starts_with("仿宋_GB2312 ")), "{na:?}");
    for n in &na {
        assert!(!nb.contains(n), "{n} in both documents: {na:?} {nb:?}");
    }
}

#[test]
fn docx_fonts_embed_embeds_the_role_faces_whole() {
    let dir = tempfile::tempdir().unwrap();
    let whole = |data: &str| {
        let docx = render(data, "docx", dir.path(), &["--docx-fonts", "embed"]);
        embedded(&unzip(&docx).1)
    };
    let (a, b) = (whole("data/xiangyuan/2018.yaml"), whole("data/yangli/2018.yaml"));
    let fang = a.iter().find(|(n, ..)| n.starts_with("仿宋_GB2312 ")).expect("body face embedded");
    let face = ttf_parser::Face::parse(&fang.2, 0).unwrap();
    // Every character of FandolFang: what the writer types later is there too.
    assert!(face.number_of_glyphs() > 9000, "{}", face.number_of_glyphs());
    for ch in "蝴蝶翩跹鹦鹉".chars() {
        assert!(face.glyph_index(ch).is_some(), "{ch}");
    }
    // The same whole font in every document: one name, one font, shared harmlessly.
    assert!(b.iter().any(|(n, _, ttf)| n == &fang.0 && ttf == &fang.2));
    // The fallback face is still a subset of what the document uses.
    let noto = a.iter().find(|(n, ..)| n.starts_with("Noto Serif CJK SC ")).expect("fallback embedded");
    assert!(ttf_parser::Face::parse(&noto.2, 0).unwrap().number_of_glyphs() < 10);
}

#[test]
fn docx_fonts_names_embeds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let docx = render("data/xiangyuan/2018.yaml", "docx", dir.path(), &["--docx-fonts", "names"]);
    let (names, parts) = unzip(&docx);
    assert!(!names.iter().any(|n| n.ends_with(".odttf")));
    assert!(!xml(&parts, "word/fontTable.xml").contains("embedRegular"));
    assert!(!xml(&parts, "word/settings.xml").contains("embedTrueTypeFonts"));
    // The official names, and the face the PDF was set in as the alternative.
    let table = xml(&parts, "word/fontTable.xml");
    assert!(table.contains(r#"<w:font w:name="仿宋_GB2312"><w:altName w:val="FandolFang"/>"#), "{table}");
    assert!(font_of(style(&xml(&parts, "word/styles.xml"), "Normal")) == "仿宋_GB2312");
}

#[test]
fn tables_repeat_their_header_row_and_attachments_start_a_page() {
    let s = sample("data/xiangyuan/2018.yaml");
    let doc = xml(&s.parts, "word/document.xml");
    let tables = doc.matches("<w:tbl>").count();
    assert!(tables >= 1);
    assert_eq!(doc.matches("<w:tblHeader/>").count(), tables, "one header row per table");
    assert!(doc.contains(r#"<w:pStyle w:val="AttachmentLabel"/><w:pageBreakBefore/>"#), "attachment on a new page");
}

/// The note under the attachment's last table (xiangyuan/2017 has no chart)
/// stays with its last row: every paragraph of that row keeps with the next,
/// and no other row does.
#[test]
fn a_note_under_a_table_keeps_its_last_row() {
    let s = sample("tests/fixtures/data/xiangyuan/2017.yaml");
    let doc = xml(&s.parts, "word/document.xml");
    let note = doc.find("数据来源：").expect("the note");
    let table = &doc[doc[..note].rfind("<w:tbl>").unwrap()..doc[..note].rfind("</w:tbl>").unwrap()];
    let rows: Vec<&str> = table.split("<w:tr>").skip(1).collect();
    let last = rows.last().unwrap();
    assert!(last.contains("<w:p "));
    assert_eq!(last.matches("<w:keepNext/>").count(), last.matches("<w:p ").count(), "{last}");
    assert!(rows[..rows.len() - 1].iter().all(|r| !r.contains("<w:keepNext/>")));
}

/// Blank lines are empty paragraphs where the PDF leaves them (one rule for
/// both writers), so the two break pages alike: after the title, between the
/// title block and the salutation, and around each chart.
#[test]
fn blank_lines_are_empty_paragraphs_where_the_pdf_has_them() {
    let s = sample("data/xiangyuan/2018.yaml");
    let doc = xml(&s.parts, "word/document.xml");
    let paras = paragraphs(&doc);
    let empty: Vec<usize> = paras[..10].iter().enumerate().filter(|(_, p)| p.is_empty()).map(|(i, _)| i).collect();
    assert_eq!(empty, [2, 6], "{:?}", &paras[..10]);
    assert_eq!(paras[7], "同志们：");
    // The paragraph elements before and after each chart's are empty Normal
    // ones, but before a chart that tops a page, where the layout dropped it.
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/xiangyuan/2018.yaml");
    let res = resources_for(&data);
    let templates = nianbao::template::Templates::new(Some(&res.config.root.join("templates")));
    let model = nianbao::render::build(&data, &templates, None).expect("build").doc;
    let (layout, parts) = docx_of(&model, &res);
    let doc = xml(&parts, "word/document.xml");
    let topping = (model.blocks.iter().enumerate())
        .filter(|(bi, b)| matches!(b, nianbao::doc::Block::Chart(_)) && layout.blanks_dropped.contains_key(bi))
        .count();
    let is_blank = |p: &str| p.contains(r#"<w:pStyle w:val="Normal"/>"#) && !p.contains("<w:r>");
    let charts: Vec<usize> = doc.match_indices(r#"<w:pStyle w:val="Chart"/>"#).map(|(i, _)| i).collect();
    let mut unblanked = 0;
    for &at in &charts {
        let start = doc[..at].rfind("<w:p ").unwrap();
        let before = &doc[doc[..start].rfind("<w:p ").unwrap()..start];
        let end = at + doc[at..].find("</w:p>").unwrap() + "</w:p>".len();
        let after = &doc[end..end + doc[end..].find("</w:p>").unwrap()];
        unblanked += usize::from(!is_blank(before));
        assert!(after.starts_with("<w:p ") && is_blank(after), "no blank line after a chart: {after}");
    }
    assert!(charts.len() > topping, "{} charts", charts.len());
    assert_eq!(unblanked, topping, "charts without a blank line before them, against charts topping a page");
}

#[test]
fn two_renders_give_identical_bytes_in_a_fixed_entry_order() {
    let a = sample("data/xiangyuan/2018.yaml");
    let b = sample("data/xiangyuan/2018.yaml");
    assert_eq!(std::fs::read(&a.docx).unwrap(), std::fs::read(&b.docx).unwrap());
    assert_eq!(&a.names[..4], ["[Content_Types].xml", "_rels/.rels", "docProps/app.xml", "docProps/core.xml"]);
    let doc = xml(&a.parts, "word/document.xml");
    assert!(doc.contains(r#"w14:paraId="10000001""#), "paragraph ids numbered in document order");
}

/// Paragraph texts of a WordprocessingML part: table cells joined with `|`.
fn paragraphs(xml: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut cur, mut in_t, mut row): (String, bool, Option<Vec<String>>) = (String::new(), false, None);
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Start(e) => match e.name().as_ref() {
                b"w:t" => in_t = true,
                b"w:tr" => row = Some(Vec::new()),
                _ => {}
            },
            quick_xml::events::Event::End(e) => match e.name().as_ref() {
                b"w:t" => in_t = false,
                b"w:p" => {
                    let p = std::mem::take(&mut cur);
                    match &mut row {
                        Some(r) => r.push(p),
                        None => out.push(p),
                    }
                }
                b"w:tr" => out.push(row.take().unwrap().join("|")),
                _ => {}
            },
            quick_xml::events::Event::Text(t) if in_t => cur.push_str(&t.decode().unwrap()),
            quick_xml::events::Event::GeneralRef(r) if in_t => cur.push_str(match r.decode().unwrap().as_ref() {
                "amp" => "&",
                "lt" => "<",
                "gt" => ">",
                "quot" => "\"",
                _ => "'",
            }),
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// The Markdown output's paragraphs as printed: markup removed, table rows
/// `|`-joined; charts left out (their text lives in the chart part).
fn markdown_paragraphs(md: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_chart = false;
    for line in md.lines() {
        let line = line.trim();
        if line.starts_with("```") {
            in_chart = line == "```chart";
            continue;
        }
        if in_chart || line.is_empty() || line == "***" || line.starts_with("| :") || line.starts_with("| -") {
            continue;
        }
        let line = line.trim_start_matches('#').trim_start();
        let line = if line.starts_with('|') {
            line.trim_matches('|').split(" | ").map(str::trim).collect::<Vec<_>>().join("|")
        } else {
            line.to_string()
        };
        let mut s = String::new();
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => s.extend(chars.next()),
                '*' => {}
                c => s.push(c),
            }
        }
        out.push(s);
    }
    out
}

/// A heading label that Word's list numbering prints before the paragraph text.
fn is_label(s: &str) -> bool {
    let core = s.trim_start_matches('（').trim_end_matches(['）', '、', '．']);
    !core.is_empty()
        && core.chars().all(|c| c.is_ascii_digit() || "一二三四五六七八九十百".contains(c))
        && s.chars().count() <= core.chars().count() + 2
}

#[test]
fn the_text_is_the_markdown_text() {
    for data in ["data/xiangyuan/2018.yaml", "data/jinhua/2018.yaml", "tests/fixtures/data/xiangyuan/2017.yaml"] {
        let s = sample(data);
        let docx: Vec<String> =
            // Not the space between two charts in one paragraph.
            paragraphs(&xml(&s.parts, "word/document.xml")).into_iter().filter(|p| !p.trim().is_empty()).collect();
        let md = markdown_paragraphs(&std::fs::read_to_string(&s.md).unwrap());
        assert_eq!(docx.len(), md.len(), "{data}: paragraph count");
        for (d, m) in docx.iter().zip(&md) {
            // Either the same, or the Markdown has the list number Word prints itself.
            let ok = d == m || m.strip_suffix(d.as_str()).is_some_and(is_label);
            assert!(ok, "{data}:\n docx: {d}\n   md: {m}");
        }
    }
}

/// The glyphs converted to TrueType are cached in the face for the rest of the
/// process; a report written after another (sharing the cache) has the same
/// bytes as one written by a fresh process.
#[test]
fn the_glyph_cache_leaves_the_bytes_unchanged() {
    use nianbao::writer::{Format, Resources};
    use std::sync::Arc;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let docx = |book: &Arc<nianbao::fonts::FontBook>, config: &Arc<nianbao::config::Config>, data: &str| {
        let data = root.join(data);
        let templates = nianbao::template::Templates::new(Some(&config.root.join("templates")));
        let built = nianbao::render::build(&data, &templates, None).expect("build");
        let res = Resources { config: config.clone(), fonts: Some(book.clone()) };
        common::write_with(&built.doc, Format::Docx, &res, nianbao::writer::DocxFonts::Subset).expect("write").0
    };
    let config =
        Arc::new(nianbao::config::Config::discover(&root.join("tests/fixtures/data/xiangyuan/2017.yaml")).unwrap());
    let fresh = Arc::new(nianbao::fonts::FontBook::new(&config).unwrap());
    let alone = docx(&fresh, &config, "tests/fixtures/data/xiangyuan/2017.yaml");
    let shared = Arc::new(nianbao::fonts::FontBook::new(&config).unwrap());
    docx(&shared, &config, "data/xiangyuan/2018.yaml");
    let after = docx(&shared, &config, "tests/fixtures/data/xiangyuan/2017.yaml");
    assert!(alone == after, "the same report, with and without glyphs cached by an earlier one");
    assert!(after == docx(&shared, &config, "tests/fixtures/data/xiangyuan/2017.yaml"), "written again");
}

/// The DOCX's glyphs are converted while the layout runs (`writer::ahead`):
/// the writer then finds every glyph it embeds converted, and writes the bytes
/// it writes without that.
#[test]
fn the_glyphs_converted_beside_the_layout_are_all_the_docx_embeds() {
    use nianbao::writer::{DocxFonts, Format, Options, Resources};
    use std::sync::Arc;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data = root.join("data/xiangyuan/2018.yaml");
    let config = Arc::new(nianbao::config::Config::discover(&data).unwrap());
    let templates = nianbao::template::Templates::new(Some(&config.root.join("templates")));
    let doc = nianbao::render::build(&data, &templates, None).expect("build").doc;
    let res = |book: &Arc<nianbao::fonts::FontBook>| Resources { config: config.clone(), fonts: Some(book.clone()) };
    let converted = |book: &nianbao::fonts::FontBook| -> usize {
        book.load_all().unwrap().iter().map(|f| f.glyf.converted()).sum()
    };
    let plain = Arc::new(nianbao::fonts::FontBook::new(&config).unwrap());
    let without = common::write_with(&doc, Format::Docx, &res(&plain), DocxFonts::Subset).unwrap().0;

    let book = Arc::new(nianbao::fonts::FontBook::new(&config).unwrap());
    let by_face = nianbao::fonts::coverage::scan(&doc, &book).unwrap().by_face;
    nianbao::writer::ahead(&by_face, &[Format::Docx], &res(&book), &Options::default());
    let ahead = converted(&book);
    assert!(ahead > 1000, "{ahead} glyphs converted ahead");
    let with = common::write_with(&doc, Format::Docx, &res(&book), DocxFonts::Subset).unwrap().0;
    assert_eq!(converted(&book), ahead, "the writer converted glyphs that were not converted ahead");
    assert!(with == without, "the same bytes");
    // Nothing ahead when the DOCX embeds no fonts.
    let names = Arc::new(nianbao::fonts::FontBook::new(&config).unwrap());
    let opts = Options { docx: nianbao::writer::docx::Options { fonts: DocxFonts::Names } };
    nianbao::writer::ahead(&by_face, &[Format::Docx], &res(&names), &opts);
    assert_eq!(converted(&names), 0);
}

/// Widths of each table's grid columns, in twips.
fn table_grids(doc: &str) -> Vec<Vec<u32>> {
    doc.split("<w:tblGrid>")
        .skip(1)
        .map(|t| {
            let grid = &t[..t.find("</w:tblGrid>").unwrap()];
            grid.split(r#"<w:gridCol w:w=""#).skip(1).map(|c| c[..c.find('"').unwrap()].parse().unwrap()).collect()
        })
        .collect()
}

#[test]
fn tables_fit_the_text_block_and_figures_never_break() {
    // Seed 004's review table: LibreOffice set `超额完成（` / `104.8%）` in a last
    // column sized by a character count; sized by the layout, with room for
    // LibreOffice's space between Han and figures, `（104.8%）` stays whole.
    let s = sample("data/yangli/2018.yaml");
    let doc = xml(&s.parts, "word/document.xml");
    let grids = table_grids(&doc);
    assert!(!grids.is_empty());
    for grid in &grids {
        // Within the 156 mm block (8844 twips, each column rounded).
        let total: u32 = grid.iter().sum();
        assert!(total <= 8844 + grid.len() as u32, "{grid:?}");
    }
    assert_eq!(doc.matches(r#"<w:tblW w:w=""#).count(), grids.len());
    assert_eq!(doc.matches("</w:tblGrid>").count(), doc.matches("<w:tblPr>").count());
    assert!(doc.contains(r#"<w:jc w:val="center"/><w:tblBorders>"#), "tables centred");
    assert!(doc.contains("（104.8%）") || doc.contains("（100.6%）"), "completion figures whole in one run");
    // 指标, 单位, 2016年, 2017年, 同比, 年度目标, 完成情况: the figures' column
    // at least as wide as `1342.15` (7 characters of about half an em at the
    // tables' size, in half points in the table text style).
    let half_points = table_text_half_points(&s.parts);
    let review = &grids[0];
    assert_eq!(review.len(), 7);
    assert!(review[3] >= 20 * 7 * half_points / 4, "{review:?} at {half_points} half points");
}

// ---------------------------------------------------------------- charts

/// An XML element read with quick-xml, for the chart and workbook parts.
#[derive(Debug, Default)]
struct El {
    name: String,
    attrs: BTreeMap<String, String>,
    children: Vec<El>,
    text: String,
}

impl El {
    fn parse(xml: &[u8]) -> El {
        use quick_xml::events::Event;
        let mut reader = quick_xml::Reader::from_reader(xml);
        let mut stack = vec![El::default()];
        let decoder = reader.decoder();
        let open = |e: &quick_xml::events::BytesStart| El {
            name: String::from_utf8(e.name().as_ref().to_vec()).unwrap(),
            attrs: e
                .attributes()
                .map(|a| {
                    let a = a.unwrap();
                    (
                        String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                        a.decoded_and_normalized_value(quick_xml::XmlVersion::Implicit1_0, decoder)
                            .unwrap()
                            .into_owned(),
                    )
                })
                .collect(),
            ..El::default()
        };
        let mut buf = Vec::new();
        loop {
            match reader.read_event_into(&mut buf).unwrap() {
                Event::Start(e) => stack.push(open(&e)),
                Event::Empty(e) => stack.last_mut().unwrap().children.push(open(&e)),
                Event::End(_) => {
                    let el = stack.pop().unwrap();
                    stack.last_mut().unwrap().children.push(el);
                }
                Event::Text(t) => stack.last_mut().unwrap().text.push_str(&t.decode().unwrap()),
                Event::GeneralRef(r) => {
                    let c = match r.decode().unwrap().as_ref() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        _ => '\'',
                    };
                    stack.last_mut().unwrap().text.push(c);
                }
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
        stack.pop().unwrap().children.pop().expect("a root element")
    }

    /// Every descendant named `name`, in document order.
    fn all(&self, name: &str) -> Vec<&El> {
        let mut out = Vec::new();
        for c in &self.children {
            if c.name == name {
                out.push(c);
            }
            out.extend(c.all(name));
        }
        out
    }

    fn first(&self, name: &str) -> &El {
        self.all(name).into_iter().next().unwrap_or_else(|| panic!("no {name} in {}", self.name))
    }

    fn attr(&self, k: &str) -> &str {
        self.attrs.get(k).unwrap_or_else(|| panic!("no {k} on {}", self.name))
    }

    /// The `val` attribute of the child `name`.
    fn val(&self, name: &str) -> &str {
        self.first(name).attr("val")
    }
}

/// The charts of the Markdown output (the document model's), in order.
fn markdown_charts(md: &str) -> Vec<nianbao::doc::Chart> {
    md.split("```chart\n").skip(1).map(|b| yaml_serde::from_str(&b[..b.find("```").unwrap()]).unwrap()).collect()
}

/// An embedded workbook's first sheet: cell reference (`B2`) → text or number as written.
fn sheet_cells(xlsx: &[u8]) -> BTreeMap<String, String> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).expect("the workbook is a zip");
    for i in 0..z.len() {
        let f = z.by_index(i).unwrap();
        // Fixed timestamps, as the DOCX's own entries: the bytes depend on the data only.
        assert_eq!(f.last_modified(), Some(zip::DateTime::default()), "{}", f.name());
    }
    let mut read = |name: &str| {
        let mut s = Vec::new();
        z.by_name(name).unwrap_or_else(|_| panic!("no {name} in the workbook")).read_to_end(&mut s).unwrap();
        s
    };
    let book = El::parse(&read("xl/workbook.xml"));
    assert_eq!(book.first("sheet").attr("name"), "Sheet1");
    let shared: Vec<String> =
        El::parse(&read("xl/sharedStrings.xml")).all("si").iter().map(|si| si.first("t").text.clone()).collect();
    let sheet = El::parse(&read("xl/worksheets/sheet1.xml"));
    sheet
        .all("c")
        .into_iter()
        .map(|c| {
            let v = c.first("v").text.clone();
            let v = if c.attrs.get("t").map(String::as_str) == Some("s") {
                shared[v.parse::<usize>().unwrap()].clone()
            } else {
                v
            };
            (c.attr("r").to_string(), v)
        })
        .collect()
}

/// The cells a chart formula names: `Sheet1!$B$2:$B$4` → `B2`, `B3`, `B4`.
fn formula_cells(f: &str) -> Vec<String> {
    let range = f.strip_prefix("Sheet1!").unwrap_or_else(|| panic!("{f}")).replace('$', "");
    let (a, b) = range.split_once(':').unwrap_or((&range, &range));
    let split = |r: &str| {
        let at = r.find(|c: char| c.is_ascii_digit()).unwrap();
        (r[..at].to_string(), r[at..].parse::<usize>().unwrap())
    };
    let ((col, first), (col2, last)) = (split(a), split(b));
    assert_eq!(col, col2, "one column: {f}");
    (first..=last).map(|r| format!("{col}{r}")).collect()
}

/// Every chart of a sample: a native chart part whose series, categories and
/// values are the document model's (as the Markdown output prints them), the
/// same figures in its embedded workbook at the cells its formulas name, and
/// the relationships and content types that tie them to the body's drawings.
fn check_charts(data: &str) -> Vec<(nianbao::doc::Chart, El)> {
    let s = sample(data);
    let want = markdown_charts(&std::fs::read_to_string(&s.md).unwrap());
    assert!(!want.is_empty(), "{data} has charts");
    let types = xml(&s.parts, "[Content_Types].xml");
    assert!(types.contains(
        r#"<Default Extension="xlsx" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"/>"#
    ));
    let rels = El::parse(&s.parts["word/_rels/document.xml.rels"]);
    let doc = El::parse(&s.parts["word/document.xml"]);
    let drawings = doc.all("wp:inline");
    assert_eq!(drawings.len(), want.len(), "one drawing per chart");
    // Charts of one or two categories go two to a paragraph, each half as wide
    // (paired from the first on).
    let mut half = vec![false; want.len()];
    let mut k = 0;
    while k + 1 < want.len() {
        if want[k].pairs_with(&want[k + 1]) {
            (half[k], half[k + 1]) = (true, true);
            k += 2;
        } else {
            k += 1;
        }
    }
    let mut ids = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for (i, (chart, inline)) in want.into_iter().zip(drawings).enumerate() {
        let n = i + 1;
        let part = format!("word/charts/chart{n}.xml");
        assert!(types.contains(&format!(
            r#"<Override PartName="/{part}" ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml"/>"#
        )));
        // The drawing: the text block's width, named by the chart's title, pointing at the part.
        assert_eq!(inline.first("wp:extent").attr("cx"), if half[i] { "2706400" } else { "5616000" });
        let doc_pr = inline.first("wp:docPr");
        assert_eq!(doc_pr.attr("name"), chart.title);
        assert!(ids.insert(doc_pr.attr("id").to_string()), "docPr ids unique");
        let data_el = inline.first("a:graphicData");
        assert_eq!(data_el.attr("uri"), "http://schemas.openxmlformats.org/drawingml/2006/chart");
        let rid = data_el.first("c:chart").attr("r:id");
        let rel = rels.all("Relationship").into_iter().find(|r| r.attr("Id") == rid).expect("the chart's relationship");
        assert_eq!(rel.attr("Type"), "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart");
        assert_eq!(format!("word/{}", rel.attr("Target")), part);

        let c = El::parse(&s.parts[&part]);
        let title: String = c.first("c:title").all("a:t").iter().map(|t| t.text.as_str()).collect();
        assert_eq!(title, chart.title);
        let bars = c.first("c:barChart");
        assert_eq!((bars.val("c:barDir"), bars.val("c:grouping")), ("col", "clustered"));
        assert_eq!(c.first("c:legend").val("c:legendPos"), "b");
        // The PDF's value axis, stated so the word processor draws the same one.
        let (step, steps) = chart.axis();
        let ax = c.first("c:valAx");
        let num = |v: &str| v.parse::<f64>().unwrap();
        assert_eq!(num(ax.first("c:scaling").val("c:min")), 0.0);
        assert!((num(ax.first("c:scaling").val("c:max")) - step * steps as f64).abs() < 1e-9, "{}", chart.title);
        assert_eq!(num(ax.val("c:majorUnit")), step, "{}", chart.title);

        // The workbook the chart's data lives in.
        let ext = c.first("c:externalData").attr("r:id");
        let chart_rels = El::parse(&s.parts[&format!("word/charts/_rels/chart{n}.xml.rels")]);
        let target = chart_rels.all("Relationship").into_iter().find(|r| r.attr("Id") == ext).unwrap().attr("Target");
        let book = format!("word/{}", target.strip_prefix("../").unwrap());
        assert_eq!(book, format!("word/embeddings/Microsoft_Excel_Worksheet{n}.xlsx"));
        let cells = sheet_cells(&s.parts[&book]);
        assert!(!cells.contains_key("A1"), "A1 empty");

        let sers = bars.all("c:ser");
        assert_eq!(sers.len(), chart.series.len(), "{}", chart.title);
        for (si, (ser, name)) in sers.iter().zip(&chart.series).enumerate() {
            assert_eq!(ser.first("c:tx").first("c:v").text, *name);
            let tx = formula_cells(&ser.first("c:tx").first("c:f").text);
            assert_eq!(tx.len(), 1);
            assert_eq!(cells[&tx[0]], *name, "series name in the sheet");
            let cat = ser.first("c:cat");
            let names: Vec<&str> = cat.all("c:v").iter().map(|v| v.text.as_str()).collect();
            let want_names: Vec<&str> = chart.categories.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(names, want_names);
            let cat_cells: Vec<&str> =
                formula_cells(&cat.first("c:f").text).iter().map(|r| cells[r].as_str()).collect();
            assert_eq!(cat_cells, want_names, "category names in the sheet");
            let val = ser.first("c:val");
            assert_eq!(val.first("c:ptCount").attr("val"), chart.categories.len().to_string());
            let cached: BTreeMap<usize, f64> = val
                .all("c:pt")
                .iter()
                .map(|p| (p.attr("idx").parse().unwrap(), p.first("c:v").text.parse().unwrap()))
                .collect();
            let val_cells = formula_cells(&val.first("c:f").text);
            assert_eq!(val_cells.len(), chart.categories.len());
            for (ci, (cat, cell)) in chart.categories.iter().zip(&val_cells).enumerate() {
                let v = cat.values[si];
                assert_eq!(cached.get(&ci).copied(), v, "{}: {} / {name}", chart.title, cat.name);
                assert_eq!(cells.get(cell).map(|x| x.parse::<f64>().unwrap()), v, "sheet {cell}");
            }
            assert_eq!(ser.first("c:dLbls").val("c:showVal"), "1", "values over the bars");
        }
        out.push((chart, c));
    }
    assert!(!s.parts.contains_key(&format!("word/charts/chart{}.xml", out.len() + 1)));
    out
}

#[test]
fn charts_are_native_word_charts_with_their_data() {
    let charts = check_charts("data/xiangyuan/2018.yaml");
    assert_eq!(charts.len(), 4);
    // The data's figures: 县医院临床路径管理病种 62 → 87, no target; 完成标准化建设的村卫生所 21 → 33 of 33.
    let (chart, c) = &charts[0];
    assert_eq!(chart.title, "2017年主要指标对比（个）");
    let sers = c.all("c:ser");
    let points = |s: usize| -> Vec<(String, String)> {
        sers[s]
            .first("c:val")
            .all("c:pt")
            .iter()
            .map(|p| (p.attr("idx").to_string(), p.first("c:v").text.clone()))
            .collect()
    };
    let pt = |i: &str, v: &str| (i.to_string(), v.to_string());
    assert_eq!(points(0), [pt("0", "62"), pt("1", "21")]);
    assert_eq!(points(1), [pt("0", "87"), pt("1", "33")]);
    assert_eq!(points(2), [pt("1", "33")], "a missing target is no point");
    let names: Vec<&str> = sers.iter().map(|s| s.first("c:tx").first("c:v").text.as_str()).collect();
    assert_eq!(names, ["2016年", "2017年", "年度目标"]);
    // The unit in the chart's title (the template's title has it already), no
    // axis title to wrap in a narrow chart; the text in the body's face.
    let title: String = c.first("c:title").all("a:t").iter().map(|t| t.text.as_str()).collect();
    assert_eq!(title, "2017年主要指标对比（个）");
    assert!(c.first("c:valAx").all("c:title").is_empty());
    // 87 at most: 0 to 100 in steps of 20, as the PDF draws it.
    assert_eq!(
        (c.first("c:valAx").first("c:scaling").val("c:max"), c.first("c:valAx").val("c:majorUnit")),
        ("100", "20")
    );
    assert!(c.all("a:ea").iter().all(|f| is_tagged(f.attr("typeface"), "仿宋_GB2312")));
    assert_eq!(charts[1].0.title, "2017年主要指标对比（万元）");
    check_charts("data/yangli/2018.yaml");
}

#[test]
fn chart_paragraphs_are_centred_and_sized_by_their_drawing() {
    let s = sample("data/xiangyuan/2018.yaml");
    let styles = xml(&s.parts, "word/styles.xml");
    let chart = style(&styles, "Chart");
    assert!(chart.contains(r#"<w:jc w:val="center"/>"#), "{chart}");
    // Not an exact line height, which would crop the drawing.
    assert!(chart.contains(r#"w:line="240" w:lineRule="auto""#), "{chart}");
    assert!(chart.contains(r#"w:firstLineChars="0""#), "{chart}");
    let doc = xml(&s.parts, "word/document.xml");
    // Four charts of one or two categories: two paragraphs of two.
    assert_eq!(doc.matches(r#"<w:pStyle w:val="Chart"/>"#).count(), 2);
    assert_eq!(doc.matches("<wp:inline").count(), 4);
    // The chart parts come in a fixed order after the footers, before the fonts.
    let at = |name: &str| s.names.iter().position(|n| n == name).unwrap_or_else(|| panic!("no {name}"));
    assert!(at("word/footer2.xml") < at("word/charts/chart1.xml"));
    assert!(at("word/charts/chart1.xml") < at("word/embeddings/Microsoft_Excel_Worksheet1.xlsx"));
    assert!(at("word/embeddings/Microsoft_Excel_Worksheet4.xlsx") < at("word/fonts/font1.odttf"));
}

/// Chart text is escaped, and characters XML cannot hold (a chart's YAML can
/// write `"\u0001"`) are left out, as in the body's text: the parts still parse.
#[test]
fn chart_text_is_escaped_and_control_characters_are_dropped() {
    use nianbao::doc::Block;
    use nianbao::writer::{Format, Resources};
    use std::sync::Arc;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data = root.join("data/xiangyuan/2018.yaml");
    let config = Arc::new(nianbao::config::Config::discover(&data).unwrap());
    let book = Arc::new(nianbao::fonts::FontBook::new(&config).unwrap());
    let templates = nianbao::template::Templates::new(Some(&config.root.join("templates")));
    let mut doc = nianbao::render::build(&data, &templates, None).expect("build").doc;
    let chart = doc.blocks.iter_mut().find_map(|b| if let Block::Chart(c) = b { Some(c) } else { None }).unwrap();
    chart.title = "对比\u{1}<图>".into();
    chart.series[0] = "A&B".into();
    chart.categories[0].name = "甲\u{7f}\"乙\"".into();
    let res = Resources { config: config.clone(), fonts: Some(book) };
    let bytes = common::write_as(&doc, Format::Docx, &res).expect("write").0;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut read = |name: &str| {
        let mut s = Vec::new();
        z.by_name(name).unwrap().read_to_end(&mut s).unwrap();
        s
    };
    let c = El::parse(&read("word/charts/chart1.xml"));
    let title: String = c.first("c:title").all("a:t").iter().map(|t| t.text.as_str()).collect();
    assert_eq!(title, "对比<图>（个）");
    assert_eq!(c.first("c:ser").first("c:tx").first("c:v").text, "A&B");
    assert_eq!(c.first("c:ser").first("c:cat").first("c:v").text, "甲\"乙\"");
    let doc = El::parse(&read("word/document.xml"));
    assert_eq!(doc.first("wp:docPr").attr("name"), "对比<图>");
    let cells = sheet_cells(&read("word/embeddings/Microsoft_Excel_Worksheet1.xlsx"));
    assert_eq!((cells["B1"].as_str(), cells["A2"].as_str()), ("A&B", "甲\"乙\""));
}

/// The indicator table's figures sit on a decimal tab stop: in the seed-003
/// sample's first table, every figure of the 2016 and 2017 columns is a
/// paragraph with one decimal tab, at one position per column, the figure after
/// a tab; a dash is centred instead.
#[test]
fn figures_sit_on_a_decimal_tab() {
    let s = sample("data/xiangyuan/2018.yaml");
    let doc = El::parse(&s.parts["word/document.xml"]);
    let table = doc.first("w:tbl");
    let text = |p: &El| p.all("w:t").iter().map(|t| t.text.as_str()).collect::<String>();
    let mut checked = 0;
    for col in [2, 3] {
        let mut positions = std::collections::BTreeSet::new();
        for row in table.all("w:tr").into_iter().skip(1) {
            let p = row.all("w:tc")[col].first("w:p");
            let t = text(p);
            if t == "—" {
                assert_eq!(p.first("w:jc").attr("w:val"), "center", "a dash is centred");
                continue;
            }
            let tabs = p.all("w:tab");
            // The stop in the properties, the tab character in the first run.
            assert_eq!(tabs.len(), 2, "{t}: a decimal stop and a tab");
            assert_eq!(tabs[0].attr("w:val"), "decimal");
            positions.insert(tabs[0].attr("w:pos").to_string());
            assert!(t.parse::<f64>().is_ok(), "{t} is a figure");
            checked += 1;
        }
        assert_eq!(positions.len(), 1, "one stop per column: {positions:?}");
    }
    assert!(checked >= 10, "{checked} figures");
}

/// GB/T 9704: the date four characters in from the right edge, the issuing
/// body centred over it; a document without a date sets the issuing body
/// alone two characters in (a right indent of 640 twips), where the PDF does.
#[test]
fn an_undated_signature_stands_two_characters_in() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data/x/2018.yaml");
    std::fs::create_dir_all(data.parent().unwrap()).unwrap();
    let yaml =
        "kind: key-points\nunit: { name: 样例县, level: 县 }\nissuer: 样例县卫生健康局\ntitle: 要点\nopening: 开场。\n";
    let right_indents = |yaml: &str| {
        std::fs::write(&data, yaml).unwrap();
        let docx = render(data.to_str().unwrap(), "docx", &dir.path().join("out"), &["--force"]);
        let doc = xml(&unzip(&docx).1, "word/document.xml");
        let indents: Vec<String> = doc
            .split("<w:p ")
            .filter(|p| p.contains(r#"<w:pStyle w:val="Signature"/>"#))
            .map(|p| p.split("w:right=\"").nth(1).and_then(|r| r.split('"').next()).unwrap_or("").to_string())
            .collect();
        indents
    };
    assert_eq!(right_indents(yaml), ["640"], "undated: the issuing body two characters in");
    // Dated: the date four characters in, the body (two characters wider) centred over it.
    assert_eq!(right_indents(&format!("{yaml}date: 2018-03-02\n")), ["960", "1280"]);
}

/// A blank line the layout drops at a page's top is not written either: a
/// paragraph, a chart and a paragraph after it, for every length of the first,
/// so that for one of them the first paragraph fills page 1 and the blank
/// line before the chart falls at the top of page 2. An empty paragraph there
/// would start Word's and LibreOffice's page 2 a line lower than the PDF's.
#[test]
fn blank_lines_dropped_at_a_page_top_are_not_written() {
    let res = resources_for(&common::root().join("data/xiangyuan/2018.yaml"));
    let chart = "```chart\ntitle: 指标\nunit: 个\nseries: [\"2016年\", \"2017年\"]\ncategories:\n  - { name: 床位, values: [1, 2] }\n```";
    let mut dropped_seen = 0;
    for lines in 1..=22 {
        let first = "甲".repeat(26 + 28 * (lines - 1));
        let md = format!("---\nfile: x\ndate: \"2018-01-01\"\n---\n\n{first}\n\n{chart}\n\n乙乙乙。\n");
        let doc = nianbao::markup::parse(&md, "t.md").expect("markup");
        let (layout, parts) = docx_of(&doc, &res);
        let xml = xml(&parts, "word/document.xml");
        let paras: Vec<&str> = xml.split("<w:p ").skip(1).collect();
        // The empty paragraphs between the first paragraph and the chart's.
        let chart_at = paras.iter().position(|p| p.contains("<c:chart ")).unwrap();
        let empty = paras[1..chart_at].iter().filter(|p| !p.contains("<w:t")).count();
        // Whether the chart starts page 2 (nothing of the first paragraph there).
        let chart_tops_page_2 =
            layout.pages.len() > 1 && layout.pages[1].runs.iter().all(|r| r.glyphs.iter().all(|g| g.ch != '甲'));
        let dropped = layout.blanks_dropped.get(&1).copied().unwrap_or(0);
        let want = if lines == 22 { (true, 1, 0) } else { (chart_tops_page_2, 0, 1) };
        assert_eq!((chart_tops_page_2, dropped, empty), want, "{lines} lines");
        dropped_seen += dropped;
    }
    assert_eq!(dropped_seen, 1);
}

/// `fonts.roles.table.size` sets a table's type: 四号 (14 pt) in the PDF's
/// table runs and the DOCX's table text style, with Word's 1.9 mm cell padding
/// in both; the body stays 三号 (16 pt) and the default table 三号 with 1.7
/// mm. In the PDF the first column's text stands that far from the table's
/// left rule.
#[test]
fn a_table_is_set_at_its_configured_size() {
    let md = "---\nfile: x\ndate: \"2018-01-01\"\n---\n\n正文。\n\n| 指标 | 2017年 |\n|---|---:|\n| 床位数 | 1,200 |\n";
    let doc = nianbao::markup::parse(md, "t.md").expect("markup");
    let set_at = |fonts: &str| {
        let (_dir, res) = resources_with(fonts);
        let (layout, parts) = docx_of(&doc, &res);
        let size_of = |ch: char| {
            let runs = layout.pages[0].runs.iter();
            runs.filter(|r| r.glyphs.iter().any(|g| g.ch == ch)).map(|r| r.size).next().unwrap()
        };
        let Some(Some(nianbao::layout::SetBlock::Table(table))) = layout.blocks.get(1) else { panic!("no table set") };
        let pad_mm = table.pad / (72.0 / 25.4);
        // From the table's left rule to the first column's text ('床'
        // left-aligned), in mm.
        let page = &layout.pages[0];
        let rule = page.rules.iter().filter(|r| r.x1 == r.x2).map(|r| r.x1).fold(f32::MAX, f32::min);
        let text = page.runs.iter().flat_map(|r| &r.glyphs).find(|g| g.ch == '床').unwrap().x;
        let clear_mm = ((text - rule) / (72.0 / 25.4) * 10.0).round() / 10.0;
        let sz = table_text_half_points(&parts);
        let document = xml(&parts, "word/document.xml");
        let margin = document.split("<w:tblCellMar>").nth(1).unwrap().split("<w:left w:w=\"").nth(1).unwrap();
        let margin: i32 = margin[..margin.find('"').unwrap()].parse().unwrap();
        ((size_of('正'), size_of('床')), (pad_mm * 10.0).round() / 10.0, clear_mm, sz, margin)
    };
    let default = set_at("  fallback: [noto-serif]\n");
    assert_eq!(default, ((16.0, 16.0), 1.7, 1.7, 32, 96), "三号, 1.7 mm (96 twips)");
    let four = set_at("  roles:\n    table: { face: fang, size: 四号 }\n");
    assert_eq!(four, ((16.0, 14.0), 1.9, 1.9, 28, 108), "四号, 1.9 mm (108 twips)");
}

/// Without a configured size a report's tables take the largest of 三号, 四号
/// and 小四 at which no cell wraps to more than two lines (小四 when none
/// does): the choice is checked against the same document laid out at each
/// size fixed, and the auto layout equals the fixed one at the chosen size, the
/// DOCX's table text style included. A narrow table stays 三号; a seven-column
/// one with long labels goes to 小四, as no cell keeps to two lines at 四号.
#[test]
fn a_report_sets_its_tables_at_the_largest_size_where_cells_keep_to_two_lines() {
    let narrow = "| 指标 | 2017年 |\n|---|---:|\n| 床位数 | 1,200 |\n";
    let wide = "| 指标 | 单位 | 2016年 | 2017年 | 同比 | 年度目标 | 完成情况 |\n|---|---|---:|---:|---|---:|---|\n\
                | 县级公立医院药占比 | % | 36 | 33.8 | 下降2.2个百分点 | 35 | 超额完成（103.6%） |\n\
                | 常住人口家庭医生签约率 | % | 45.3 | 66.2 | 提高20.9个百分点 | 60 | 超额完成（110.3%） |\n";
    let lay_out = |table: &str, size: Option<&str>| {
        let md = format!("---\nfile: x\ndate: \"2018-01-01\"\n---\n\n正文。\n\n{table}");
        let doc = nianbao::markup::parse(&md, "t.md").expect("markup");
        let fonts = size.map(|size| format!("  roles:\n    table: {{ face: fang, size: {size} }}\n"));
        let (_dir, res) = resources_with(&fonts.unwrap_or_default());
        let (layout, parts) = docx_of(&doc, &res);
        let Some(Some(nianbao::layout::SetBlock::Table(table))) = layout.blocks.get(1) else { panic!("no table set") };
        let most_lines = table.cells.iter().flatten().map(|c| c.lines.len()).max().unwrap();
        (layout, most_lines, table_text_half_points(&parts))
    };
    for (table, want) in [(narrow, 16.0), (wide, 12.0)] {
        let (auto, _, auto_sz) = lay_out(table, None);
        let fixed: Vec<_> = [("三号", 16.0), ("四号", 14.0), ("小四", 12.0)]
            .into_iter()
            .map(|(name, pt)| (pt, lay_out(table, Some(name))))
            .collect();
        let largest_fitting = fixed.iter().find(|(_, (_, lines, _))| *lines <= 2).map_or(12.0, |(pt, _)| *pt);
        assert_eq!(
            (auto.table_size, largest_fitting),
            (want, want),
            "cell lines by size: {:?}",
            fixed.iter().map(|(pt, (_, lines, _))| (*pt, *lines)).collect::<Vec<_>>()
        );
        let (_, (at_size, _, sz)) = fixed.iter().find(|(pt, _)| *pt == want).unwrap();
        assert!(auto.pages == at_size.pages && auto_sz == *sz, "auto differs from {want} pt fixed");
        assert_eq!(auto_sz, (want * 2.0) as u32);
    }
}

/// Resources for a project of its own whose `nianbao.yaml` has `fonts` (lines
/// under `fonts:`) and the repository's fonts as the project's (a library test
/// has no shipped fonts); the project's folder lives as long as the first.
fn resources_with(fonts: &str) -> (tempfile::TempDir, nianbao::writer::Resources) {
    let dir = tempfile::tempdir().unwrap();
    let config = format!("fonts:\n  dir: {}\n{fonts}", common::root().join("fonts").display());
    std::fs::write(dir.path().join("nianbao.yaml"), config).unwrap();
    let res = resources_for(&dir.path().join("data/x/2018.yaml"));
    (dir, res)
}

/// The type size of the table text style, in half points.
fn table_text_half_points(parts: &BTreeMap<String, Vec<u8>>) -> u32 {
    let sz = style(&xml(parts, "word/styles.xml"), "TableText").split("<w:sz w:val=\"").nth(1).unwrap().to_string();
    sz[..sz.find('"').unwrap()].parse().unwrap()
}

/// Resources read afresh for the project of `data`: its configuration and a
/// font book of its own (nothing loaded or converted yet).
fn resources_for(data: &Path) -> nianbao::writer::Resources {
    let config = nianbao::config::Config::discover(data).unwrap();
    let fonts = Some(std::sync::Arc::new(nianbao::fonts::FontBook::new(&config).unwrap()));
    nianbao::writer::Resources { config: std::sync::Arc::new(config), fonts }
}

/// Centred lines that wrap are broken in the DOCX where the PDF breaks them, so
/// that a word processor neither breaks a title mid-phrase nor leaves a name
/// alone: a title at its spaces (the space hidden), a byline too long for
/// one line after the mark nearest its middle (`…副区长，／…组长　欧阳明辉`), not
/// before the name alone; a line that fits has no break.
#[test]
fn centred_lines_break_in_the_docx_where_the_pdf_breaks_them() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data/x/2024.yaml");
    std::fs::create_dir_all(data.parent().unwrap()).unwrap();
    let yaml = "kind: speech\nunit: { name: 和平区, level: 区 }\nissuer: 和平区卫生健康局\n\
                meeting: { name: 和平区2024年卫生健康工作会议, date: 2024-03-08 }\n\
                speaker: { post: 区委常委、区政府常务副区长，区卫生健康工作领导小组组长, name: 欧阳明辉 }\n\
                title: [坚定信心　守正创新　真抓实干　奋力谱写新时代和平区卫生健康事业高质量发展新篇章,\
                \x20 关注民生　深化改革　奋力开创全区卫生计生事业发展新局面]\n\
                opening: 开场。\n";
    std::fs::write(&data, yaml).unwrap();
    let docx = render(data.to_str().unwrap(), "docx", &dir.path().join("out"), &["--force"]);
    let doc = xml(&unzip(&docx).1, "word/document.xml");
    // Each paragraph of a style: its text with a line break as `／`.
    let lines = |style: &str| -> Vec<String> {
        doc.split("<w:p ")
            .filter(|p| p.contains(&format!(r#"<w:pStyle w:val="{style}"/>"#)))
            .map(|p| {
                p.split("<w:r>")
                    .map(|r| match r.split_once("<w:t xml:space=\"preserve\">") {
                        // Hidden text in brackets.
                        Some((_, t)) if r.contains("<w:vanish />") || r.contains("<w:vanish/>") => {
                            format!("[{}]", t.split("</w:t>").next().unwrap())
                        }
                        Some((_, t)) => t.split("</w:t>").next().unwrap().to_string(),
                        None if r.contains(r#"<w:br w:type="textWrapping"/>"#) => "／".to_string(),
                        None => String::new(),
                    })
                    .collect()
            })
            .collect()
    };
    // A title broken at a space keeps the space, hidden, where the line breaks:
    // the text is the title as written, and each line centres as in the PDF.
    assert_eq!(
        lines("Title"),
        [
            "坚定信心　守正创新　真抓实干　奋力谱写／新时代和平区卫生健康事业高质量发展新篇章",
            "关注民生　深化改革[　]／奋力开创全区卫生计生事业发展新局面"
        ]
    );
    assert_eq!(lines("Speaker"), ["区委常委、区政府常务副区长，／区卫生健康工作领导小组组长　欧阳明辉"]);
    assert_eq!(lines("Date"), ["2024年3月8日"]);
}
