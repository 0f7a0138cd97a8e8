//! The report's bar charts as native Word charts: for each [`Chart`], a
//! DrawingML chart part (`word/charts/chartN.xml`, a clustered column chart),
//! the workbook that holds its data (`word/embeddings/…N.xlsx`, so that "Edit
//! data" works in Word, WPS and LibreOffice), and the inline drawing that puts
//! it in the body's text, the text block's width wide.
//!
//! The body leaves an empty paragraph in the [`super::styles::CHART`] style
//! where each chart goes; [`super::package`] puts the drawing in it (docx-rs
//! 0.4.22 cannot express a chart) and adds these parts, their relationships and
//! content types.
//!
//! The workbook is written here, five small XML parts zipped like the document
//! itself: a spreadsheet crate would cost far more to build than this does.

use crate::diag::Result;
use crate::doc::{Chart, chart_look, value_text};

use super::package::{content_types, rel};
use super::styles::LINE_TWIPS;
use crate::writer::package::{El, Part, serialize, zip_parts};

/// One chart of the document and the face its text is set in.
#[derive(Debug, Clone)]
pub struct ChartPart {
    pub chart: Chart,
    /// The DOCX name of the face (the table role's, the body's face by default).
    pub font: String,
    /// Set beside the next chart in one paragraph, each half as wide
    /// ([`Chart::pairs_with`]).
    pub paired: bool,
    /// The grid lines it takes, as the layout set it ([`height_emu`]).
    pub lines: usize,
}

const C_NS: &str = "http://schemas.openxmlformats.org/drawingml/2006/chart";
const A_NS: &str = "http://schemas.openxmlformats.org/drawingml/2006/main";
const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const REL_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const SML_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const SML: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml";

/// Content type of a chart part.
pub const CHART_TYPE: &str = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml";
/// Content type of an embedded workbook (a `Default` for the `xlsx` extension).
pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// Relationship type from the document to a chart part.
pub const CHART_REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart";

/// The drawing's width: the 156 mm text block, in EMU (36 000 a millimetre).
pub const WIDTH_EMU: i64 = crate::layout::grid::BLOCK_W_MM as i64 * 36_000;
/// The width of each of two charts side by side: half the text block less
/// the full-width space between them (16 pt, 203 200 EMU).
pub const HALF_WIDTH_EMU: i64 = (WIDTH_EMU - 203_200) / 2;
/// The height of a chart's drawing that takes `lines` grid lines: half a line
/// less (8.5 lines, 246 pt, for the usual 9), in EMU (635 a twip). The chart's
/// paragraph has single line spacing on the grid, so its line (the drawing
/// plus the paragraph font's descent) takes `lines` grid lines.
pub fn height_emu(lines: usize) -> i64 {
    (LINE_TWIPS as i64 * (2 * lines as i64 - 1) / 2) * 635
}

/// Font sizes in hundredths of a point: title, axes and legend, data labels.
const TITLE_SZ: u32 = (chart_look::TITLE_PT * 100.0) as u32;
const TEXT_SZ: u32 = (chart_look::TEXT_PT * 100.0) as u32;
const LABEL_SZ: u32 = (chart_look::VALUE_PT * 100.0) as u32;

/// A colour of [`chart_look`] as DrawingML writes it (`7F7F7F`).
fn hex([r, g, b]: [u8; 3]) -> String {
    format!("{r:02X}{g:02X}{b:02X}")
}

/// Bar outlines, axis lines and text.
const INK: &str = "000000";
const LINE: &str = "595959";

/// Axis ids, fixed so that the part depends on the data only.
const CAT_AX: &str = "10000001";
const VAL_AX: &str = "10000002";

/// The part names of chart `n` (from 1).
pub fn chart_part(n: usize) -> String {
    format!("word/charts/chart{n}.xml")
}

pub fn chart_rels_part(n: usize) -> String {
    format!("word/charts/_rels/chart{n}.xml.rels")
}

pub fn workbook_part(n: usize) -> String {
    format!("word/embeddings/Microsoft_Excel_Worksheet{n}.xlsx")
}

/// The relationship id of chart `n` in `document.xml.rels`.
pub fn rel_id(n: usize) -> String {
    format!("rIdChart{n}")
}

/// Every part of chart `n`: the chart, its relationships and its workbook.
pub fn parts(n: usize, part: &ChartPart) -> Result<Vec<Part>> {
    let rels = El::new("Relationships").attr("xmlns", REL_NS).child(rel(
        "rId1",
        &format!("{R_NS}/package"),
        &format!("../embeddings/Microsoft_Excel_Worksheet{n}.xlsx"),
    ));
    Ok(vec![
        Part::text(chart_part(n), serialize(&chart_space(&part.chart, &part.font))),
        Part::text(chart_rels_part(n), serialize(&rels)),
        Part::text(workbook_part(n), workbook(&part.chart)?),
    ])
}

/// The run that shows chart `n` inline: `w:drawing` / `wp:inline` `width`
/// EMU wide, `docPr` id `n`, named and described by the chart's title.
pub fn drawing_run(n: usize, title: &str, width: i64, lines: usize) -> El {
    let chart = El::new("c:chart").attr("xmlns:c", C_NS).attr("xmlns:r", R_NS).attr("r:id", &rel_id(n));
    let graphic =
        El::new("a:graphic").attr("xmlns:a", A_NS).child(El::new("a:graphicData").attr("uri", C_NS).child(chart));
    let inline = El::new("wp:inline")
        .attr("distT", "0")
        .attr("distB", "0")
        .attr("distL", "0")
        .attr("distR", "0")
        .child(El::new("wp:extent").attr("cx", &width.to_string()).attr("cy", &height_emu(lines).to_string()))
        .child(El::new("wp:effectExtent").attr("l", "0").attr("t", "0").attr("r", "0").attr("b", "0"))
        .child(El::new("wp:docPr").attr("id", &n.to_string()).attr("name", title).attr("descr", title))
        .child(El::new("wp:cNvGraphicFramePr"))
        .child(graphic);
    El::new("w:r").child(El::new("w:drawing").child(inline))
}

/// Column letters of a 0-based column: `A`, `B`, …, `Z`, `AA`.
fn column(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII")
}

// ---------------------------------------------------------------- the chart part

fn val(name: &str, v: &str) -> El {
    El::new(name).attr("val", v)
}

fn solid(rgb: &str) -> El {
    El::new("a:solidFill").child(El::new("a:srgbClr").attr("val", rgb))
}

fn line(width: u32, rgb: Option<&str>) -> El {
    let l = El::new("a:ln").attr("w", &width.to_string());
    match rgb {
        Some(rgb) => l.child(solid(rgb)),
        None => l.child(El::new("a:noFill")),
    }
}

/// Character properties (`a:defRPr`, `a:rPr`): size, weight, black, the face
/// for Latin and East Asian text.
fn char_props(tag: &str, sz: u32, bold: bool, font: &str) -> El {
    El::new(tag)
        .attr("lang", "zh-CN")
        .attr("sz", &sz.to_string())
        .attr("b", if bold { "1" } else { "0" })
        .child(solid(INK))
        .child(El::new("a:latin").attr("typeface", font))
        .child(El::new("a:ea").attr("typeface", font))
        .child(El::new("a:cs").attr("typeface", font))
}

/// Horizontal, unrotated text (`a:bodyPr`).
fn body_props() -> El {
    El::new("a:bodyPr").attr("rot", "0").attr("vert", "horz")
}

/// `c:txPr`: the text properties of an axis, legend or label set.
fn text_props(sz: u32, font: &str) -> El {
    El::new("c:txPr").child(body_props()).child(El::new("a:lstStyle")).child(
        El::new("a:p")
            .child(El::new("a:pPr").child(char_props("a:defRPr", sz, false, font)))
            .child(El::new("a:endParaRPr").attr("lang", "zh-CN")),
    )
}

/// `c:title` with `text` as rich text.
fn title(text: &str, sz: u32, bold: bool, font: &str) -> El {
    let p = El::new("a:p")
        .child(El::new("a:pPr").child(char_props("a:defRPr", sz, bold, font)))
        .child(El::new("a:r").child(char_props("a:rPr", sz, bold, font)).child(El::new("a:t").text(text)));
    let rich = El::new("c:rich").child(body_props()).child(El::new("a:lstStyle")).child(p);
    El::new("c:title").child(El::new("c:tx").child(rich)).child(val("c:overlay", "0"))
}

/// `Sheet1!$B$2:$B$5`.
fn range(col: usize, first: usize, last: usize) -> String {
    let c = column(col);
    if first == last { format!("Sheet1!${c}${first}") } else { format!("Sheet1!${c}${first}:${c}${last}") }
}

fn str_ref(f: &str, items: &[&str]) -> El {
    let mut cache = El::new("c:strCache").child(val("c:ptCount", &items.len().to_string()));
    for (i, s) in items.iter().enumerate() {
        cache = cache.child(El::new("c:pt").attr("idx", &i.to_string()).child(El::new("c:v").text(s)));
    }
    El::new("c:strRef").child(El::new("c:f").text(f)).child(cache)
}

fn series(chart: &Chart, s: usize, font: &str) -> El {
    let rows = chart.categories.len();
    let names: Vec<&str> = chart.categories.iter().map(|c| c.name.as_str()).collect();
    let mut cache =
        El::new("c:numCache").child(El::new("c:formatCode").text("General")).child(val("c:ptCount", &rows.to_string()));
    for (i, c) in chart.categories.iter().enumerate() {
        // A value the data lacks is no point at all: no bar, no label.
        if let Some(v) = c.values.get(s).copied().flatten() {
            cache = cache.child(El::new("c:pt").attr("idx", &i.to_string()).child(El::new("c:v").text(&value_text(v))));
        }
    }
    let fill = hex(chart_look::FILLS[s % chart_look::FILLS.len()]);
    let labels = El::new("c:dLbls")
        .child(El::new("c:spPr").child(El::new("a:noFill")).child(line(0, None)))
        .child(text_props(LABEL_SZ, font))
        .child(val("c:dLblPos", "outEnd"))
        .child(val("c:showLegendKey", "0"))
        .child(val("c:showVal", "1"))
        .child(val("c:showCatName", "0"))
        .child(val("c:showSerName", "0"))
        .child(val("c:showPercent", "0"))
        .child(val("c:showBubbleSize", "0"));
    El::new("c:ser")
        .child(val("c:idx", &s.to_string()))
        .child(val("c:order", &s.to_string()))
        .child(El::new("c:tx").child(str_ref(&range(s + 1, 1, 1), &[chart.series[s].as_str()])))
        .child(El::new("c:spPr").child(solid(&fill)).child(line(6350, Some(LINE))))
        .child(val("c:invertIfNegative", "0"))
        .child(labels)
        .child(El::new("c:cat").child(str_ref(&range(0, 2, rows + 1), &names)))
        .child(
            El::new("c:val")
                .child(El::new("c:numRef").child(El::new("c:f").text(&range(s + 1, 2, rows + 1))).child(cache)),
        )
}

/// The gap between groups of bars, in percent of a bar's width: bars about an
/// eighth of the plot area wide when there are few (one category's three bars
/// would otherwise fill it), Word's narrower default gap when there are many.
fn gap_width(chart: &Chart) -> u32 {
    let (cats, series) = (chart.categories.len().max(1) as f64, chart.series.len() as f64);
    // bar width = plot width / (categories × (series + gap)), gap in bar widths.
    let gap = 1.0 / (0.12 * cats) - series;
    (gap * 100.0).round().clamp(60.0, 500.0) as u32
}

/// The chart part: a clustered column chart, its title on top, the legend at
/// the bottom, values over the bars, the unit as the value axis' title.
pub fn chart_space(chart: &Chart, font: &str) -> El {
    let mut bars = El::new("c:barChart")
        .child(val("c:barDir", "col"))
        .child(val("c:grouping", "clustered"))
        .child(val("c:varyColors", "0"));
    for s in 0..chart.series.len() {
        bars = bars.child(series(chart, s, font));
    }
    bars = bars
        .child(val("c:gapWidth", &gap_width(chart).to_string()))
        .child(val("c:axId", CAT_AX))
        .child(val("c:axId", VAL_AX));

    let axis_line = || El::new("c:spPr").child(El::new("a:noFill")).child(line(9525, Some(LINE)));
    let cat_ax = El::new("c:catAx")
        .child(val("c:axId", CAT_AX))
        .child(El::new("c:scaling").child(val("c:orientation", "minMax")))
        .child(val("c:delete", "0"))
        .child(val("c:axPos", "b"))
        .child(El::new("c:numFmt").attr("formatCode", "General").attr("sourceLinked", "1"))
        .child(val("c:majorTickMark", "none"))
        .child(val("c:minorTickMark", "none"))
        .child(val("c:tickLblPos", "nextTo"))
        .child(axis_line())
        .child(text_props(TEXT_SZ, font))
        .child(val("c:crossAx", VAL_AX))
        .child(val("c:crosses", "autoZero"))
        .child(val("c:auto", "1"))
        .child(val("c:lblAlgn", "ctr"))
        .child(val("c:lblOffset", "100"))
        .child(val("c:noMultiLvlLbl", "0"));
    // The PDF's axis, so that Word and LibreOffice do not choose their own steps.
    let (step, steps) = chart.axis();
    let val_ax = El::new("c:valAx")
        .child(val("c:axId", VAL_AX))
        .child(
            El::new("c:scaling")
                .child(val("c:orientation", "minMax"))
                .child(val("c:max", &value_text(step * steps as f64)))
                .child(val("c:min", "0")),
        )
        .child(val("c:delete", "0"))
        .child(val("c:axPos", "l"))
        .child(El::new("c:majorGridlines").child(El::new("c:spPr").child(line(6350, Some(&hex(chart_look::GRID))))))
        .child(El::new("c:numFmt").attr("formatCode", "General").attr("sourceLinked", "0"))
        .child(val("c:majorTickMark", "none"))
        .child(val("c:minorTickMark", "none"))
        .child(val("c:tickLblPos", "nextTo"))
        .child(El::new("c:spPr").child(El::new("a:noFill")).child(line(0, None)))
        .child(text_props(TEXT_SZ, font))
        .child(val("c:crossAx", CAT_AX))
        .child(val("c:crosses", "autoZero"))
        .child(val("c:crossBetween", "between"))
        .child(val("c:majorUnit", &value_text(step)));
    let plot = El::new("c:plotArea")
        .child(El::new("c:layout"))
        .child(bars)
        .child(cat_ax)
        .child(val_ax)
        .child(El::new("c:spPr").child(El::new("a:noFill")).child(line(0, None)));
    let legend = El::new("c:legend")
        .child(val("c:legendPos", "b"))
        .child(val("c:overlay", "0"))
        .child(text_props(TEXT_SZ, font));
    let body = El::new("c:chart")
        .child(title(&chart.caption(), TITLE_SZ, true, font))
        .child(val("c:autoTitleDeleted", "0"))
        .child(plot)
        .child(legend)
        .child(val("c:plotVisOnly", "1"))
        .child(val("c:dispBlanksAs", "gap"));
    El::new("c:chartSpace")
        .attr("xmlns:c", C_NS)
        .attr("xmlns:a", A_NS)
        .attr("xmlns:r", R_NS)
        .child(val("c:date1904", "0"))
        .child(val("c:lang", "zh-CN"))
        .child(val("c:roundedCorners", "0"))
        .child(body)
        .child(El::new("c:spPr").child(solid("FFFFFF")).child(line(0, None)))
        .child(text_props(TEXT_SZ, font))
        .child(El::new("c:externalData").attr("r:id", "rId1").child(val("c:autoUpdate", "0")))
}

// ---------------------------------------------------------------- the workbook

/// The chart's data as a one-sheet workbook: A1 empty, the series' names across
/// row 1, the categories' names down column A, each value in its cell (a
/// missing value an empty cell), as the chart's formulas point to them.
pub fn workbook(chart: &Chart) -> Result<Vec<u8>> {
    // Text cells index the shared strings, each string once.
    let mut strings: Vec<String> = Vec::new();
    let mut sst = |s: &str| -> String {
        let i = strings.iter().position(|x| x == s).unwrap_or_else(|| {
            strings.push(s.to_string());
            strings.len() - 1
        });
        i.to_string()
    };
    let text_cell = |r: &str, i: String| El::new("c").attr("r", r).attr("t", "s").child(El::new("v").text(&i));

    let mut data = El::new("sheetData");
    let mut head = El::new("row").attr("r", "1");
    for (s, name) in chart.series.iter().enumerate() {
        head = head.child(text_cell(&format!("{}1", column(s + 1)), sst(name)));
    }
    data = data.child(head);
    for (i, c) in chart.categories.iter().enumerate() {
        let r = i + 2;
        let mut row = El::new("row").attr("r", &r.to_string()).child(text_cell(&format!("A{r}"), sst(&c.name)));
        for (s, v) in c.values.iter().enumerate() {
            if let Some(v) = v {
                let cell =
                    El::new("c").attr("r", &format!("{}{r}", column(s + 1))).child(El::new("v").text(&value_text(*v)));
                row = row.child(cell);
            }
        }
        data = data.child(row);
    }
    let last = format!("{}{}", column(chart.series.len()), chart.categories.len() + 1);
    let sheet = El::new("worksheet")
        .attr("xmlns", SML_NS)
        .child(El::new("dimension").attr("ref", &format!("A1:{last}")))
        .child(
            El::new("cols")
                .child(El::new("col").attr("min", "1").attr("max", "1").attr("width", "30").attr("customWidth", "1")),
        )
        .child(data);
    // Each series and category name is one cell that refers to the table.
    let refs = chart.series.len() + chart.categories.len();
    let mut shared = El::new("sst")
        .attr("xmlns", SML_NS)
        .attr("count", &refs.to_string())
        .attr("uniqueCount", &strings.len().to_string());
    for s in &strings {
        shared = shared.child(El::new("si").child(El::new("t").text(s)));
    }

    let book = El::new("workbook").attr("xmlns", SML_NS).attr("xmlns:r", R_NS).child(
        El::new("sheets").child(El::new("sheet").attr("name", "Sheet1").attr("sheetId", "1").attr("r:id", "rId1")),
    );
    let book_rels = El::new("Relationships")
        .attr("xmlns", REL_NS)
        .child(rel("rId1", &format!("{R_NS}/worksheet"), "worksheets/sheet1.xml"))
        .child(rel("rId2", &format!("{R_NS}/styles"), "styles.xml"))
        .child(rel("rId3", &format!("{R_NS}/sharedStrings"), "sharedStrings.xml"));
    let rels = El::new("Relationships").attr("xmlns", REL_NS).child(rel(
        "rId1",
        &format!("{R_NS}/officeDocument"),
        "xl/workbook.xml",
    ));
    let types = content_types(
        &[],
        &[
            ("/xl/workbook.xml".into(), format!("{SML}.sheet.main+xml")),
            ("/xl/worksheets/sheet1.xml".into(), format!("{SML}.worksheet+xml")),
            ("/xl/styles.xml".into(), format!("{SML}.styles+xml")),
            ("/xl/sharedStrings.xml".into(), format!("{SML}.sharedStrings+xml")),
        ],
    );
    zip_parts(&[
        Part::text("[Content_Types].xml", serialize(&types)),
        Part::text("_rels/.rels", serialize(&rels)),
        Part::text("xl/workbook.xml", serialize(&book)),
        Part::text("xl/_rels/workbook.xml.rels", serialize(&book_rels)),
        Part::text("xl/worksheets/sheet1.xml", serialize(&sheet)),
        Part::text("xl/styles.xml", serialize(&styles())),
        Part::text("xl/sharedStrings.xml", serialize(&shared)),
    ])
}

/// The least style sheet Excel accepts: one font, the two required fills, one
/// border, one cell format.
fn styles() -> El {
    let font = El::new("font").child(val("sz", "11")).child(val("name", "宋体")).child(val("charset", "134"));
    let fill = |pattern: &str| El::new("fill").child(El::new("patternFill").attr("patternType", pattern));
    let border = El::new("border")
        .child(El::new("left"))
        .child(El::new("right"))
        .child(El::new("top"))
        .child(El::new("bottom"))
        .child(El::new("diagonal"));
    let xf = || El::new("xf").attr("numFmtId", "0").attr("fontId", "0").attr("fillId", "0").attr("borderId", "0");
    El::new("styleSheet")
        .attr("xmlns", SML_NS)
        .child(El::new("fonts").attr("count", "1").child(font))
        .child(El::new("fills").attr("count", "2").child(fill("none")).child(fill("gray125")))
        .child(El::new("borders").attr("count", "1").child(border))
        .child(El::new("cellStyleXfs").attr("count", "1").child(xf()))
        .child(El::new("cellXfs").attr("count", "1").child(xf().attr("xfId", "0")))
        .child(
            El::new("cellStyles")
                .attr("count", "1")
                .child(El::new("cellStyle").attr("name", "Normal").attr("xfId", "0").attr("builtinId", "0")),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_spreadsheet_letters() {
        assert_eq!(column(0), "A");
        assert_eq!(column(1), "B");
        assert_eq!(column(25), "Z");
        assert_eq!(column(26), "AA");
        assert_eq!(range(1, 2, 5), "Sheet1!$B$2:$B$5");
        assert_eq!(range(2, 1, 1), "Sheet1!$C$1");
    }

    #[test]
    fn few_bars_are_not_wider_than_an_eighth_of_the_plot() {
        let chart = |cats: usize, series: usize| Chart {
            title: String::new(),
            unit: String::new(),
            series: vec![String::new(); series],
            categories: (0..cats)
                .map(|_| crate::doc::ChartCategory { name: String::new(), values: vec![Some(1.0); series] })
                .collect(),
        };
        assert_eq!(gap_width(&chart(1, 3)), 500);
        assert_eq!(gap_width(&chart(2, 3)), 117);
        assert_eq!(gap_width(&chart(6, 3)), 60);
    }
}
