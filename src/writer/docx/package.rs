//! Post-processing of docx-rs's parts into the final package: everything
//! docx-rs 0.4.22 cannot express (on the XML tree of [`crate::writer::package`],
//! which also zips the parts).
//!
//! docx-rs writes many property children out of the order the OOXML schema
//! requires (Word tolerates some, validators none), never writes
//! `w:firstLineChars`, `w:tblHeader`, `w:lang` or a Normal style with
//! `w:default`, takes `w14:paraId` from a process-wide counter, writes core
//! properties without title or creator, and zips with stored entries and
//! timestamps that depend on the `zip` crate's features. Its footer
//! relationship ids are its own: they are read from the relationships it
//! wrote and replaced by ours, never assumed. So each XML part is
//! parsed into a small tree, fixed, its property children put in schema order,
//! and written again; core properties, font table and content types are written
//! here whole; entries are deflated in a fixed order with a fixed timestamp.
//!
//! Upstreamable in docx-rs: the child order (fix each `build_to`), the missing
//! attributes, and a deterministic `paraId`.

use crate::diag::{Diagnostic, Errors, Result};
use crate::doc::Meta;
use crate::fonts::FaceId;
use crate::writer::package::{El, Node, Part, parse, serialize, zip_parts};

use super::chart::{self, ChartPart};
use super::embed::{Embedded, FontName};
use super::styles::{self, StyleFixes};

/// What the writer asks the post-processing to add.
pub struct Fixes {
    pub styles: StyleFixes,
    pub meta: Meta,
    /// The names of the faces used, for the font table.
    pub fonts: Vec<(FaceId, FontName)>,
    pub embedded: Vec<Embedded>,
    /// The charts, in document order, each into the next paragraph in the chart
    /// style (a paired chart and the one after it into the same paragraph).
    pub charts: Vec<ChartPart>,
}

fn err(msg: impl std::fmt::Display) -> Errors {
    Errors::one(Diagnostic::error("docx.package", format!("DOCX 打包失败：{msg}")))
}

// ---------------------------------------------------------------- schema order

/// Child order of the property containers, from the WordprocessingML schema
/// (ECMA-376 Part 1, `wml.xsd`). Children not listed keep their place after
/// the listed ones.
fn schema_order(parent: &str) -> Option<&'static [&'static str]> {
    const PPR: &[&str] = &[
        "w:pStyle",
        "w:keepNext",
        "w:keepLines",
        "w:pageBreakBefore",
        "w:framePr",
        "w:widowControl",
        "w:numPr",
        "w:suppressLineNumbers",
        "w:pBdr",
        "w:shd",
        "w:tabs",
        "w:suppressAutoHyphens",
        "w:kinsoku",
        "w:wordWrap",
        "w:overflowPunct",
        "w:topLinePunct",
        "w:autoSpaceDE",
        "w:autoSpaceDN",
        "w:bidi",
        "w:adjustRightInd",
        "w:snapToGrid",
        "w:spacing",
        "w:ind",
        "w:contextualSpacing",
        "w:mirrorIndents",
        "w:suppressOverlap",
        "w:jc",
        "w:textDirection",
        "w:textAlignment",
        "w:textboxTightWrap",
        "w:outlineLvl",
        "w:divId",
        "w:cnfStyle",
        "w:rPr",
        "w:sectPr",
        "w:pPrChange",
    ];
    const RPR: &[&str] = &[
        "w:rStyle",
        "w:rFonts",
        "w:b",
        "w:bCs",
        "w:i",
        "w:iCs",
        "w:caps",
        "w:smallCaps",
        "w:strike",
        "w:dstrike",
        "w:outline",
        "w:shadow",
        "w:emboss",
        "w:imprint",
        "w:noProof",
        "w:snapToGrid",
        "w:vanish",
        "w:webHidden",
        "w:color",
        "w:spacing",
        "w:w",
        "w:kern",
        "w:position",
        "w:sz",
        "w:szCs",
        "w:highlight",
        "w:u",
        "w:effect",
        "w:bdr",
        "w:shd",
        "w:fitText",
        "w:vertAlign",
        "w:rtl",
        "w:cs",
        "w:em",
        "w:lang",
        "w:eastAsianLayout",
        "w:specVanish",
        "w:oMath",
        "w:ins",
        "w:del",
        "w:rPrChange",
    ];
    const SECTPR: &[&str] = &[
        "w:headerReference",
        "w:footerReference",
        "w:footnotePr",
        "w:endnotePr",
        "w:type",
        "w:pgSz",
        "w:pgMar",
        "w:paperSrc",
        "w:pgBorders",
        "w:lnNumType",
        "w:pgNumType",
        "w:cols",
        "w:formProt",
        "w:vAlign",
        "w:noEndnote",
        "w:titlePg",
        "w:textDirection",
        "w:bidi",
        "w:rtlGutter",
        "w:docGrid",
        "w:printerSettings",
        "w:sectPrChange",
    ];
    const STYLE: &[&str] = &[
        "w:name",
        "w:aliases",
        "w:basedOn",
        "w:next",
        "w:link",
        "w:autoRedefine",
        "w:hidden",
        "w:uiPriority",
        "w:semiHidden",
        "w:unhideWhenUsed",
        "w:qFormat",
        "w:locked",
        "w:personal",
        "w:personalCompose",
        "w:personalReply",
        "w:rsid",
        "w:pPr",
        "w:rPr",
        "w:tblPr",
        "w:trPr",
        "w:tcPr",
        "w:tblStylePr",
    ];
    const TBLPR: &[&str] = &[
        "w:tblStyle",
        "w:tblpPr",
        "w:tblOverlap",
        "w:bidiVisual",
        "w:tblStyleRowBandSize",
        "w:tblStyleColBandSize",
        "w:tblW",
        "w:jc",
        "w:tblCellSpacing",
        "w:tblInd",
        "w:tblBorders",
        "w:shd",
        "w:tblLayout",
        "w:tblCellMar",
        "w:tblLook",
        "w:tblCaption",
        "w:tblDescription",
        "w:tblPrChange",
    ];
    const TRPR: &[&str] = &[
        "w:cnfStyle",
        "w:divId",
        "w:gridBefore",
        "w:gridAfter",
        "w:wBefore",
        "w:wAfter",
        "w:cantSplit",
        "w:trHeight",
        "w:tblHeader",
        "w:tblCellSpacing",
        "w:jc",
        "w:hidden",
        "w:ins",
        "w:del",
        "w:trPrChange",
    ];
    const TCPR: &[&str] = &[
        "w:cnfStyle",
        "w:tcW",
        "w:gridSpan",
        "w:hMerge",
        "w:vMerge",
        "w:tcBorders",
        "w:shd",
        "w:noWrap",
        "w:tcMar",
        "w:textDirection",
        "w:tcFitText",
        "w:vAlign",
        "w:hideMark",
        "w:headers",
        "w:cellIns",
        "w:cellDel",
        "w:cellMerge",
        "w:tcPrChange",
    ];
    const BORDERS: &[&str] = &["w:top", "w:left", "w:start", "w:bottom", "w:right", "w:end", "w:insideH", "w:insideV"];
    const LVL: &[&str] = &[
        "w:start",
        "w:numFmt",
        "w:lvlRestart",
        "w:pStyle",
        "w:isLgl",
        "w:suff",
        "w:lvlText",
        "w:lvlPicBulletId",
        "w:legacy",
        "w:lvlJc",
        "w:pPr",
        "w:rPr",
    ];
    const ABSTRACT: &[&str] =
        &["w:nsid", "w:multiLevelType", "w:tmpl", "w:name", "w:styleLink", "w:numStyleLink", "w:lvl"];
    const NUMPR: &[&str] = &["w:ilvl", "w:numId", "w:numberingChange", "w:ins"];
    const NUMBERING: &[&str] = &["w:numPicBullet", "w:abstractNum", "w:num", "w:numIdMacAtCleanup"];
    const STYLES: &[&str] = &["w:docDefaults", "w:latentStyles", "w:style"];
    const TBL: &[&str] = &["w:tblPr", "w:tblGrid", "w:tr"];
    const TR: &[&str] = &["w:tblPrEx", "w:trPr", "w:tc"];
    const TC: &[&str] = &["w:tcPr"];
    const SETTINGS: &[&str] = &[
        "w:writeProtection",
        "w:view",
        "w:zoom",
        "w:removePersonalInformation",
        "w:removeDateAndTime",
        "w:doNotDisplayPageBoundaries",
        "w:displayBackgroundShape",
        "w:printPostScriptOverText",
        "w:printFractionalCharacterWidth",
        "w:printFormsData",
        "w:embedTrueTypeFonts",
        "w:embedSystemFonts",
        "w:saveSubsetFonts",
        "w:saveFormsData",
        "w:mirrorMargins",
        "w:alignBordersAndEdges",
        "w:bordersDoNotSurroundHeader",
        "w:bordersDoNotSurroundFooter",
        "w:gutterAtTop",
        "w:hideSpellingErrors",
        "w:hideGrammaticalErrors",
        "w:activeWritingStyle",
        "w:proofState",
        "w:formsDesign",
        "w:attachedTemplate",
        "w:linkStyles",
        "w:stylePaneFormatFilter",
        "w:stylePaneSortMethod",
        "w:documentType",
        "w:mailMerge",
        "w:revisionView",
        "w:trackRevisions",
        "w:doNotTrackMoves",
        "w:doNotTrackFormatting",
        "w:documentProtection",
        "w:autoFormatOverride",
        "w:styleLockTheme",
        "w:styleLockQFSet",
        "w:defaultTabStop",
        "w:autoHyphenation",
        "w:consecutiveHyphenLimit",
        "w:hyphenationZone",
        "w:doNotHyphenateCaps",
        "w:showEnvelope",
        "w:summaryLength",
        "w:clickAndTypeStyle",
        "w:defaultTableStyle",
        "w:evenAndOddHeaders",
        "w:bookFoldRevPrinting",
        "w:bookFoldPrinting",
        "w:bookFoldPrintingSheets",
        "w:drawingGridHorizontalSpacing",
        "w:drawingGridVerticalSpacing",
        "w:displayHorizontalDrawingGridEvery",
        "w:displayVerticalDrawingGridEvery",
        "w:doNotUseMarginsForDrawingGridOrigin",
        "w:drawingGridHorizontalOrigin",
        "w:drawingGridVerticalOrigin",
        "w:doNotShadeFormData",
        "w:noPunctuationKerning",
        "w:characterSpacingControl",
        "w:printTwoOnOne",
        "w:strictFirstAndLastChars",
        "w:noLineBreaksAfter",
        "w:noLineBreaksBefore",
        "w:savePreviewPicture",
        "w:doNotValidateAgainstSchema",
        "w:saveInvalidXml",
        "w:ignoreMixedContent",
        "w:alwaysShowPlaceholderText",
        "w:doNotDemarcateInvalidXml",
        "w:saveXmlDataOnly",
        "w:useXSLTWhenSaving",
        "w:saveThroughXslt",
        "w:showXMLTags",
        "w:alwaysMergeEmptyNamespace",
        "w:updateFields",
        "w:hdrShapeDefaults",
        "w:footnotePr",
        "w:endnotePr",
        "w:compat",
        "w:docVars",
        "w:rsids",
        "m:mathPr",
        "w:attachedSchema",
        "w:themeFontLang",
        "w:clrSchemeMapping",
        "w:doNotIncludeSubdocsInStats",
        "w:doNotAutoCompressPictures",
        "w:forceUpgrade",
        "w:captions",
        "w:readModeInkLockDown",
        "w:smartTagType",
        "sl:schemaLibrary",
        "w:shapeDefaults",
        "w:doNotEmbedSmartTags",
        "w:decimalSymbol",
        "w:listSeparator",
    ];
    Some(match parent {
        "w:pPr" => PPR,
        "w:rPr" => RPR,
        "w:sectPr" => SECTPR,
        "w:style" => STYLE,
        "w:tblPr" => TBLPR,
        "w:trPr" => TRPR,
        "w:tcPr" => TCPR,
        "w:tblBorders" | "w:tcBorders" | "w:pBdr" => BORDERS,
        "w:lvl" => LVL,
        "w:numPr" => NUMPR,
        "w:abstractNum" => ABSTRACT,
        "w:numbering" => NUMBERING,
        "w:styles" => STYLES,
        "w:tbl" => TBL,
        "w:tr" => TR,
        "w:tc" => TC,
        "w:settings" => SETTINGS,
        _ => return None,
    })
}

/// Put the children of every property container in schema order (stable), and
/// drop the run properties docx-rs writes into paragraph properties where the
/// schema has none (`CT_PPrGeneral`: in styles, list levels and defaults).
pub fn reorder(root: &mut El) {
    root.walk_mut(&mut |el| {
        if matches!(el.name.as_str(), "w:style" | "w:lvl" | "w:pPrDefault")
            && let Some(ppr) = el.find_mut("w:pPr")
        {
            ppr.children.retain(|n| !matches!(n, Node::El(e) if e.name == "w:rPr"));
        }
        if let Some(order) = schema_order(&el.name) {
            let rank = |n: &Node| match n {
                Node::El(e) => order.iter().position(|o| *o == e.name).unwrap_or(order.len()),
                Node::Text(_) => order.len(),
            };
            el.children.sort_by_key(rank);
        }
    });
}

// ---------------------------------------------------------------- the parts

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const REL_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const CT_NS: &str = "http://schemas.openxmlformats.org/package/2006/content-types";
const WML: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml";

/// The finished DOCX bytes from docx-rs's parts and the writer's fixes.
pub fn finish(parts: docx_rs::XMLDocx, fixes: &Fixes) -> Result<Vec<u8>> {
    let mut para_ids = ParaIds::default();

    let mut document = parse(&parts.document)?;
    fix_document(&mut document, &mut para_ids, &fixes.charts)?;
    let mut styles = parse(&parts.styles)?;
    fix_styles(&mut styles, &fixes.styles);
    let mut numbering = parse(&parts.numberings)?;
    fix_numbering(&mut numbering);
    let mut settings = parse(&parts.settings)?;
    fix_settings(&mut settings, !fixes.embedded.is_empty());
    let mut footers = Vec::new();
    for i in footer_references(&mut document, &parse(&parts.document_rels)?)? {
        let f = parts.footers.get(i).ok_or_else(|| err(format!("页脚 {} 不存在", i + 1)))?;
        let mut el = parse(f)?;
        para_ids.renumber(&mut el);
        footers.push(el);
    }

    let mut entries: Vec<Part> = Vec::new();
    let mut overrides: Vec<(String, String)> = vec![
        ("/word/document.xml".into(), format!("{WML}.document.main+xml")),
        ("/word/styles.xml".into(), format!("{WML}.styles+xml")),
        ("/word/numbering.xml".into(), format!("{WML}.numbering+xml")),
        ("/word/settings.xml".into(), format!("{WML}.settings+xml")),
        ("/word/fontTable.xml".into(), format!("{WML}.fontTable+xml")),
        ("/docProps/core.xml".into(), "application/vnd.openxmlformats-package.core-properties+xml".into()),
        ("/docProps/app.xml".into(), "application/vnd.openxmlformats-officedocument.extended-properties+xml".into()),
    ];
    for i in 0..footers.len() {
        overrides.push((format!("/word/footer{}.xml", i + 1), format!("{WML}.footer+xml")));
    }
    for n in 1..=fixes.charts.len() {
        overrides.push((format!("/{}", chart::chart_part(n)), chart::CHART_TYPE.into()));
    }
    let mut defaults = Vec::new();
    if !fixes.embedded.is_empty() {
        defaults.push(("odttf", "application/vnd.openxmlformats-officedocument.obfuscatedFont"));
    }
    if !fixes.charts.is_empty() {
        defaults.push(("xlsx", chart::XLSX_TYPE));
    }
    entries.push(Part::text("[Content_Types].xml", serialize(&content_types(&defaults, &overrides))));
    entries.push(Part::text("_rels/.rels", serialize(&package_rels())));
    entries.push(Part::text("docProps/app.xml", serialize(&app_props())));
    entries.push(Part::text("docProps/core.xml", serialize(&core_props(&fixes.meta))));
    entries.push(Part::text("word/document.xml", serialize(&document)));
    entries
        .push(Part::text("word/_rels/document.xml.rels", serialize(&document_rels(footers.len(), fixes.charts.len()))));
    entries.push(Part::text("word/styles.xml", serialize(&styles)));
    entries.push(Part::text("word/numbering.xml", serialize(&numbering)));
    entries.push(Part::text("word/settings.xml", serialize(&settings)));
    entries.push(Part::text("word/fontTable.xml", serialize(&font_table(&fixes.fonts, &fixes.embedded))));
    if !fixes.embedded.is_empty() {
        entries.push(Part::text("word/_rels/fontTable.xml.rels", serialize(&font_rels(&fixes.embedded))));
    }
    for (i, f) in footers.iter().enumerate() {
        entries.push(Part::text(format!("word/footer{}.xml", i + 1), serialize(f)));
    }
    for (i, c) in fixes.charts.iter().enumerate() {
        entries.extend(chart::parts(i + 1, c)?);
    }
    for e in &fixes.embedded {
        entries.push(Part::font(format!("word/{}", e.part), e.data.clone()));
    }
    zip_parts(&entries)
}

/// Stable `w14:paraId`s: numbered in document order, part after part.
#[derive(Default)]
struct ParaIds {
    next: u32,
}

impl ParaIds {
    fn renumber(&mut self, root: &mut El) {
        root.walk_mut(&mut |el| {
            if el.name == "w:p" && el.get("w14:paraId").is_some() {
                self.next += 1;
                // Word wants values below 0x80000000; keep them readable.
                el.set("w14:paraId", &format!("{:08X}", 0x1000_0000 + self.next));
                el.set("w14:textId", &format!("{:08X}", 0x1000_0000 + self.next));
            }
        });
        reorder(root);
    }
}

fn fix_document(doc: &mut El, ids: &mut ParaIds, charts: &[ChartPart]) -> Result<()> {
    // Each chart into its paragraph, in document order; a pair a full-width
    // space apart.
    let mut n = 0;
    doc.walk_mut(&mut |el| {
        let chart_style = |e: &El| e.name == "w:pStyle" && e.get("w:val") == Some(styles::CHART);
        if el.name == "w:p"
            && el.elements().any(|e| e.name == "w:pPr" && e.elements().any(chart_style))
            && let Some(c) = charts.get(n)
        {
            n += 1;
            if c.paired && n < charts.len() {
                el.children.push(Node::El(chart::drawing_run(n, &c.chart.title, chart::HALF_WIDTH_EMU, c.lines)));
                el.children.push(Node::El(El::new("w:r").child(El::new("w:t").text("\u{3000}"))));
                n += 1;
                let second = &charts[n - 1];
                el.children.push(Node::El(chart::drawing_run(
                    n,
                    &second.chart.title,
                    chart::HALF_WIDTH_EMU,
                    second.lines,
                )));
            } else {
                el.children.push(Node::El(chart::drawing_run(n, &c.chart.title, chart::WIDTH_EMU, c.lines)));
            }
        }
    });
    if n != charts.len() {
        return Err(err(format!("{} 个图表只找到 {n} 个位置", charts.len())));
    }
    // The first row of each table repeats at the top of every page.
    doc.walk_mut(&mut |el| {
        // docx-rs writes `w:type` on grid columns, which CT_TblGridCol lacks.
        if el.name == "w:gridCol" {
            el.attrs.retain(|(k, _)| k != "w:type");
        }
        if el.name == "w:tbl"
            && let Some(tr) = el.find_mut("w:tr")
        {
            tr.ensure("w:trPr").ensure("w:tblHeader");
        }
    });
    ids.renumber(doc);
    Ok(())
}

fn fix_styles(styles: &mut El, fixes: &StyleFixes) {
    // docx-rs always writes an empty Normal style before ours: keep ours only.
    let normals = styles.elements().filter(|e| e.name == "w:style" && e.get("w:styleId") == Some("Normal")).count();
    if normals > 1 {
        let first = styles
            .children
            .iter()
            .position(|n| matches!(n, Node::El(e) if e.name == "w:style" && e.get("w:styleId") == Some("Normal")))
            .expect("counted");
        styles.children.remove(first);
    }
    for st in styles.elements_mut() {
        if st.name != "w:style" {
            continue;
        }
        let id = st.get("w:styleId").unwrap_or_default().to_string();
        if id == "Normal" {
            st.set("w:default", "1");
            // No punctuation hangs outside the text block (GB/T 9704 and clreq);
            // Word's default lets it. (LibreOffice 7.4 reads this attribute
            // inverted, `IS_HANGING_PUNCTUATION = (val == 0)`, and so still hangs
            // punctuation; Word's reading, per ECMA-376, wins here.)
            st.ensure("w:pPr").ensure("w:overflowPunct").set("w:val", "0");
            // No extra space between Han and Latin letters or digits: Word's
            // default adds about a quarter em (LibreOffice too, measured 3.5 pt
            // at 3号), which the PDF does not, so lines and table cells with
            // figures would break elsewhere than in the PDF.
            st.ensure("w:pPr").ensure("w:autoSpaceDE").set("w:val", "0");
            st.ensure("w:pPr").ensure("w:autoSpaceDN").set("w:val", "0");
        }
        if let Some(&(_, chars)) = fixes.first_line_chars.iter().find(|(s, _)| *s == id) {
            let ind = st.ensure("w:pPr").ensure("w:ind");
            ind.set("w:firstLineChars", &chars.to_string());
        }
    }
    // Language: Chinese text, Latin in English; on the defaults every style inherits.
    let defaults = styles.ensure("w:docDefaults");
    let rpr = defaults.ensure("w:rPrDefault").ensure("w:rPr");
    let lang = rpr.ensure("w:lang");
    lang.set("w:val", "en-US");
    lang.set("w:eastAsia", "zh-CN");
    lang.set("w:bidi", "ar-SA");
    reorder(styles);
}

fn fix_numbering(numbering: &mut El) {
    // docx-rs always writes a default list (abstractNum 1, num 1) that nothing uses.
    numbering.children.retain(|n| {
        !matches!(n, Node::El(e) if (e.name == "w:abstractNum" && e.get("w:abstractNumId") == Some("1"))
            || (e.name == "w:num" && e.get("w:numId") == Some("1")))
    });
    // A multi-level list (Word's "hybridMultilevel" is for bullets).
    numbering.walk_mut(&mut |el| {
        if el.name == "w:abstractNum" && el.find_mut("w:multiLevelType").is_none() {
            el.children.insert(0, Node::El(El::new("w:multiLevelType").attr("w:val", "multilevel")));
        }
    });
    reorder(numbering);
}

fn fix_settings(settings: &mut El, embedded: bool) {
    if embedded {
        settings.ensure("w:embedTrueTypeFonts");
        settings.ensure("w:saveSubsetFonts");
    }
    settings.ensure("w:evenAndOddHeaders");
    // Adjacent full-width marks set one of the pair half width (clreq), as the
    // PDF does.
    settings.ensure("w:characterSpacingControl").set("w:val", "compressPunctuation");
    reorder(settings);
}

/// `[Content_Types].xml`: the `rels` and `xml` defaults, `defaults` by
/// extension, then `overrides` by part name.
pub fn content_types(defaults: &[(&str, &str)], overrides: &[(String, String)]) -> El {
    let mut t = El::new("Types").attr("xmlns", CT_NS);
    let base = [("rels", "application/vnd.openxmlformats-package.relationships+xml"), ("xml", "application/xml")];
    for (ext, ct) in base.iter().chain(defaults) {
        t = t.child(El::new("Default").attr("Extension", ext).attr("ContentType", ct));
    }
    for (part, ct) in overrides {
        t = t.child(El::new("Override").attr("PartName", part).attr("ContentType", ct));
    }
    t
}

pub fn rel(id: &str, ty: &str, target: &str) -> El {
    El::new("Relationship").attr("Id", id).attr("Type", ty).attr("Target", target)
}

fn package_rels() -> El {
    El::new("Relationships")
        .attr("xmlns", REL_NS)
        .child(rel("rId1", &format!("{R_NS}/officeDocument"), "word/document.xml"))
        .child(rel(
            "rId2",
            "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
            "docProps/core.xml",
        ))
        .child(rel("rId3", &format!("{R_NS}/extended-properties"), "docProps/app.xml"))
}

/// The footers the section properties refer to, as indices into docx-rs's
/// footer parts, in the order first referred to; each reference's `r:id` is
/// rewritten to ours (`rIdFooter1`, … in that order). docx-rs's own ids are
/// read from the relationships it wrote (`rels`), never assumed; docx-rs names
/// its footer parts `footer1.xml`, `footer2.xml`… in the order of its list.
fn footer_references(doc: &mut El, rels: &El) -> Result<Vec<usize>> {
    let target =
        |id: &str| rels.elements().find(|r| r.get("Id") == Some(id)).and_then(|r| r.get("Target")).map(str::to_string);
    let mut order: Vec<usize> = Vec::new();
    let mut missing = None;
    doc.walk_mut(&mut |el| {
        if el.name != "w:footerReference" {
            return;
        }
        let part = el
            .get("r:id")
            .and_then(target)
            .and_then(|t| t.strip_prefix("footer")?.strip_suffix(".xml")?.parse::<usize>().ok())
            .filter(|&n| n > 0);
        let Some(n) = part else {
            missing = el.get("r:id").map(str::to_string).or(Some(String::new()));
            return;
        };
        let k = order.iter().position(|&i| i == n - 1).unwrap_or_else(|| {
            order.push(n - 1);
            order.len() - 1
        });
        el.set("r:id", &footer_rel_id(k));
    });
    match missing {
        Some(id) => Err(err(format!("页脚引用 {id} 在 docx-rs 的关系里找不到"))),
        None => Ok(order),
    }
}

/// Our relationship id of the `k`th footer (from 0).
fn footer_rel_id(k: usize) -> String {
    format!("rIdFooter{}", k + 1)
}

/// The relationships of `document.xml`: its parts, the footers as
/// [`footer_references`] numbered them, the charts as their drawings do.
fn document_rels(footers: usize, charts: usize) -> El {
    let mut r = El::new("Relationships")
        .attr("xmlns", REL_NS)
        .child(rel("rId1", &format!("{R_NS}/styles"), "styles.xml"))
        .child(rel("rId2", &format!("{R_NS}/numbering"), "numbering.xml"))
        .child(rel("rId3", &format!("{R_NS}/settings"), "settings.xml"))
        .child(rel("rId4", &format!("{R_NS}/fontTable"), "fontTable.xml"));
    for i in 0..footers {
        r = r.child(rel(&footer_rel_id(i), &format!("{R_NS}/footer"), &format!("footer{}.xml", i + 1)));
    }
    for n in 1..=charts {
        r = r.child(rel(&chart::rel_id(n), chart::CHART_REL, &format!("charts/chart{n}.xml")));
    }
    r
}

fn app_props() -> El {
    El::new("Properties")
        .attr("xmlns", "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties")
        .child(El::new("Application").text(concat!("nianbao ", env!("CARGO_PKG_VERSION"))))
}

fn core_props(meta: &Meta) -> El {
    let props = El::new("cp:coreProperties")
        .attr("xmlns:cp", "http://schemas.openxmlformats.org/package/2006/metadata/core-properties")
        .attr("xmlns:dc", "http://purl.org/dc/elements/1.1/")
        .attr("xmlns:dcterms", "http://purl.org/dc/terms/")
        .attr("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")
        .child(El::new("dc:title").text(&meta.title))
        .child(El::new("dc:subject").text(&meta.subject))
        .child(El::new("dc:creator").text(&meta.author))
        .child(El::new("cp:keywords").text(&meta.keywords.join("; ")))
        .child(El::new("cp:lastModifiedBy").text(&meta.author));
    match meta.created {
        Some(created) => {
            let when = created.format("%Y-%m-%dT%H:%M:%SZ").to_string();
            props
                .child(El::new("dcterms:created").attr("xsi:type", "dcterms:W3CDTF").text(&when))
                .child(El::new("dcterms:modified").attr("xsi:type", "dcterms:W3CDTF").text(&when))
        }
        None => props,
    }
}

fn font_table(fonts: &[(FaceId, FontName)], embedded: &[Embedded]) -> El {
    let mut t = El::new("w:fonts").attr("xmlns:w", W_NS).attr("xmlns:r", R_NS);
    for (id, name) in fonts {
        let mut f = El::new("w:font").attr("w:name", &name.name);
        if !name.alt.is_empty() {
            f = f.child(El::new("w:altName").attr("w:val", &name.alt.join(",")));
        }
        f = f.child(El::new("w:charset").attr("w:val", "86"));
        f = f.child(El::new("w:family").attr("w:val", "auto"));
        f = f.child(El::new("w:pitch").attr("w:val", "variable"));
        for e in embedded.iter().filter(|e| e.face == *id) {
            f = f.child(El::new(e.kind).attr("r:id", &e.rel_id).attr("w:fontKey", &e.key));
        }
        t = t.child(f);
    }
    t
}

fn font_rels(embedded: &[Embedded]) -> El {
    let mut r = El::new("Relationships").attr("xmlns", REL_NS);
    for e in embedded {
        r = r.child(rel(&e.rel_id, &format!("{R_NS}/font"), e.part.trim_start_matches("word/")));
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;

    fn xml(body: &str) -> El {
        parse(format!(r#"<w:root {W}>{body}</w:root>"#).as_bytes()).unwrap()
    }

    fn names(el: &El) -> Vec<&str> {
        el.elements().map(|e| e.name.as_str()).collect()
    }

    fn first<'a>(el: &'a El, name: &str) -> &'a El {
        let mut found = None;
        fn walk<'a>(el: &'a El, name: &str, found: &mut Option<&'a El>) {
            if found.is_none() && el.name == name {
                *found = Some(el);
            }
            el.elements().for_each(|c| walk(c, name, found));
        }
        walk(el, name, &mut found);
        found.unwrap_or_else(|| panic!("no {name}"))
    }

    #[test]
    fn property_children_go_in_schema_order_and_styles_lose_run_properties_in_ppr() {
        let mut el = xml(
            "<w:style w:styleId=\"Normal\"><w:pPr><w:jc w:val=\"both\"/><w:rPr/><w:ind/><w:keepNext/></w:pPr></w:style>",
        );
        reorder(&mut el);
        assert_eq!(names(first(&el, "w:pPr")), ["w:keepNext", "w:ind", "w:jc"]);
    }

    #[test]
    fn tables_repeat_their_first_row_and_grid_columns_lose_their_type() {
        let mut doc = xml("<w:body><w:tbl><w:tblGrid><w:gridCol w:w=\"100\" w:type=\"dxa\"/></w:tblGrid>\
             <w:tr><w:tc/></w:tr><w:tr><w:tc/></w:tr></w:tbl></w:body>");
        fix_document(&mut doc, &mut ParaIds::default(), &[]).unwrap();
        assert_eq!(first(&doc, "w:gridCol").get("w:type"), None);
        let rows: Vec<&El> = first(&doc, "w:tbl").elements().filter(|e| e.name == "w:tr").collect();
        assert!(rows[0].elements().any(|e| e.name == "w:trPr" && e.elements().any(|h| h.name == "w:tblHeader")));
        assert!(!rows[1].elements().any(|e| e.name == "w:trPr"));
    }

    #[test]
    fn paragraph_ids_are_numbered_in_document_order() {
        let mut doc = xml(r#"<w:p w14:paraId="7A" w14:textId="1"/><w:p w14:paraId="03"/><w:p/>"#);
        let mut ids = ParaIds::default();
        ids.renumber(&mut doc);
        let got: Vec<Option<&str>> = doc.elements().map(|p| p.get("w14:paraId")).collect();
        assert_eq!(got, [Some("10000001"), Some("10000002"), None]);
    }

    #[test]
    fn the_normal_style_is_ours_alone_default_with_no_hanging_or_latin_spacing() {
        let mut styles = parse(
            format!(
                "<w:styles {W}><w:style w:styleId=\"Normal\"/><w:style w:styleId=\"Normal\"><w:name w:val=\"ours\"/>\
                 </w:style><w:style w:styleId=\"Body\"/></w:styles>"
            )
            .as_bytes(),
        )
        .unwrap();
        fix_styles(&mut styles, &StyleFixes { first_line_chars: vec![("Body", 200)] });
        let normals: Vec<&El> = styles.elements().filter(|e| e.get("w:styleId") == Some("Normal")).collect();
        assert_eq!(normals.len(), 1);
        assert_eq!(normals[0].get("w:default"), Some("1"));
        assert!(normals[0].elements().any(|e| e.name == "w:name"), "ours is kept");
        for (prop, val) in [("w:overflowPunct", "0"), ("w:autoSpaceDE", "0"), ("w:autoSpaceDN", "0")] {
            assert_eq!(first(normals[0], prop).get("w:val"), Some(val), "{prop}");
        }
        let body = styles.elements().find(|e| e.get("w:styleId") == Some("Body")).unwrap();
        assert_eq!(first(body, "w:ind").get("w:firstLineChars"), Some("200"));
        let lang = first(&styles, "w:lang");
        assert_eq!((lang.get("w:val"), lang.get("w:eastAsia")), (Some("en-US"), Some("zh-CN")));
        assert_eq!(names(&styles)[0], "w:docDefaults", "defaults first, in schema order");
    }

    #[test]
    fn the_unused_default_list_goes_and_heading_lists_are_multilevel() {
        let mut numbering =
            xml("<w:abstractNum w:abstractNumId=\"1\"/><w:abstractNum w:abstractNumId=\"2\"><w:lvl/></w:abstractNum>\
             <w:num w:numId=\"1\"/><w:num w:numId=\"2\"/>");
        fix_numbering(&mut numbering);
        let ids: Vec<Option<&str>> =
            numbering.elements().map(|e| e.get("w:abstractNumId").or(e.get("w:numId"))).collect();
        assert_eq!(ids, [Some("2"), Some("2")]);
        assert_eq!(first(&numbering, "w:multiLevelType").get("w:val"), Some("multilevel"));
    }

    #[test]
    fn settings_ask_for_odd_and_even_footers_and_embedded_fonts() {
        let mut settings = xml("<w:zoom w:percent=\"100\"/>");
        fix_settings(&mut settings, true);
        assert_eq!(
            names(&settings),
            ["w:zoom", "w:embedTrueTypeFonts", "w:saveSubsetFonts", "w:evenAndOddHeaders", "w:characterSpacingControl"]
        );
        let mut settings = xml("");
        fix_settings(&mut settings, false);
        assert_eq!(names(&settings), ["w:evenAndOddHeaders", "w:characterSpacingControl"]);
    }

    #[test]
    fn footer_references_take_our_ids_from_docx_rs_relationships() {
        let mut doc = xml("<w:sectPr><w:footerReference w:type=\"even\" r:id=\"rIdX7\"/>\
             <w:footerReference w:type=\"default\" r:id=\"rIdQ\"/></w:sectPr>");
        let rels = parse(
            br#"<Relationships><Relationship Id="rIdQ" Target="footer1.xml"/><Relationship Id="rIdX7" Target="footer2.xml"/></Relationships>"#,
        )
        .unwrap();
        // Footer 2 is referred to first: it becomes ours number 1.
        assert_eq!(footer_references(&mut doc, &rels).unwrap(), [1, 0]);
        let ids: Vec<Option<&str>> = first(&doc, "w:sectPr").elements().map(|e| e.get("r:id")).collect();
        assert_eq!(ids, [Some("rIdFooter1"), Some("rIdFooter2")]);
        let mut doc = xml("<w:footerReference r:id=\"rIdNone\"/>");
        assert!(footer_references(&mut doc, &rels).is_err(), "an id docx-rs did not write");
    }
}
