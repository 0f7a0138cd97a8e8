//! The sample statistics workbook `data/指标.xlsx`, as the statistics section
//! would send it: a sheet per report year, a title above the header, each
//! indicator's name (with its unit) over its columns, a row of metric ids
//! under it, one row per county, rates as percentages, counts and money with
//! thousands separators. `cargo run --example sample_workbook` writes it;
//! `tests/sheet.rs` checks that the committed file is what this writes.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook};

/// The counties, in row order.
const COUNTIES: [&str; 2] = ["襄垣县", "样例区"];

/// A column: its id (`id` or `id.field`), number format, and each county's figure.
type Column = (&'static str, &'static str, [Option<f64>; 2]);
/// An indicator: the name over its columns, and the columns.
type Group = (&'static str, &'static [Column]);

const COUNT: &str = "#,##0";
const PCT1: &str = "0.0%";

/// Sheet "2018年": the figures of 2017 the 2018 reports print.
const Y2018: &[Group] = &[
    ("县医院临床路径管理病种（个）", &[("pathway_diseases", COUNT, [Some(87.0), None])]),
    ("公立医院药占比（%）", &[("drug_ratio", PCT1, [Some(0.338), Some(0.315)])]),
    ("培训全科医师（名）", &[("gp_trained", COUNT, [Some(17.0), None])]),
    ("完成标准化建设的村卫生所（个）", &[("standard_clinics", COUNT, [Some(33.0), None])]),
    ("基层医疗设备投入（万元）", &[("equipment_investment", "#,##0.0", [Some(338.3), None])]),
    (
        "在岗乡村医生基本工资（元/月）",
        &[
            ("village_doctor_wage", COUNT, [Some(800.0), None]),
            ("village_doctor_wage.prior", COUNT, [Some(600.0), None]),
        ],
    ),
    (
        "常住人口家庭医生签约率（%）",
        &[
            ("signing_rate", PCT1, [Some(0.662), None]),
            ("signing_rate.numerator", COUNT, [Some(183131.0), Some(114930.0)]),
            ("signing_rate.denominator", COUNT, [None, Some(326500.0)]),
        ],
    ),
    (
        "重点人群家庭医生签约率（%）",
        &[
            ("key_group_signing_rate.numerator", COUNT, [Some(54490.0), Some(40150.0)]),
            ("key_group_signing_rate.denominator", COUNT, [Some(59945.0), Some(64350.0)]),
        ],
    ),
    (
        "残疾人家庭医生签约率（%）",
        &[
            ("disabled_signing_rate.numerator", COUNT, [Some(3545.0), None]),
            ("disabled_signing_rate.denominator", COUNT, [Some(4791.0), None]),
        ],
    ),
    ("签约贫困人口（人）", &[("poor_signed", COUNT, [Some(1711.0), None])]),
    ("大病集中救治（人）", &[("serious_illness_treated", COUNT, [Some(63.0), None])]),
    ("计生奖扶资金（2年合计）（万元）", &[("family_planning_awards", "#,##0.000", [Some(1022.457), None])]),
    ("宫颈癌筛查（人）", &[("cervical_screening", COUNT, [Some(7703.0), None])]),
    ("乳腺癌筛查（人）", &[("breast_screening", COUNT, [Some(1507.0), None])]),
    ("免费婚检（对）", &[("premarital_checks", COUNT, [Some(1254.0), None])]),
    ("健康教育大讲堂（堂）", &[("health_lectures", COUNT, [Some(90.0), None])]),
    ("整改安全隐患（条）", &[("hazards_fixed", COUNT, [Some(27.0), None])]),
    ("药品零差率和大型设备检查减收让利（万元）", &[("zero_markup_savings", "#,##0.00", [None, Some(1342.15)])]),
    ("卫生计生信息化投入（万元）", &[("it_investment", COUNT, [None, Some(1160.0)])]),
    ("城乡居民健康档案电子建档率（%）", &[("ehr_rate", PCT1, [None, Some(0.922)])]),
    (
        "监督检查医疗卫生单位（家）",
        &[("inspections", COUNT, [None, Some(166.0)]), ("inspections.prior", COUNT, [None, Some(142.0)])],
    ),
    ("乡镇卫生院国医堂（个）", &[("tcm_halls_township", COUNT, [None, Some(8.0)])]),
    ("社区卫生服务中心国医堂（个）", &[("tcm_halls_community", COUNT, [None, Some(1.0)])]),
    ("国医堂合计（个）", &[("tcm_halls", COUNT, [None, Some(9.0)])]),
    ("符合政策生育率（%）", &[("policy_birth_rate", "0.00%", [None, Some(0.9681)])]),
    ("免费孕前优生健康检查（人）", &[("preconception_checks", COUNT, [None, Some(1590.0)])]),
];

/// Sheet "2017年": the figures of 2016 and the targets for 2017 that the
/// `kind: figures` files hold.
const Y2017: &[Group] = &[
    (
        "常住人口家庭医生签约率（%）",
        &[("signing_rate", PCT1, [Some(0.453), Some(0.286)]), ("signing_rate.target", "0%", [Some(0.6), Some(0.35)])],
    ),
    (
        "重点人群家庭医生签约率（%）",
        &[
            ("key_group_signing_rate", PCT1, [None, Some(0.523)]),
            ("key_group_signing_rate.target", "0%", [None, Some(0.6)]),
        ],
    ),
    (
        "公立医院药占比（%）",
        &[("drug_ratio", PCT1, [Some(0.36), Some(0.342)]), ("drug_ratio.target", "0%", [Some(0.35), Some(0.33)])],
    ),
    (
        "完成标准化建设的村卫生所（个）",
        &[("standard_clinics", COUNT, [Some(21.0), None]), ("standard_clinics.target", COUNT, [Some(33.0), None])],
    ),
    ("基层医疗设备投入（万元）", &[("equipment_investment", "#,##0.0", [Some(300.7), None])]),
    ("县医院临床路径管理病种（个）", &[("pathway_diseases", COUNT, [Some(62.0), None])]),
    (
        "宫颈癌筛查（人）",
        &[
            ("cervical_screening", COUNT, [Some(7100.0), None]),
            ("cervical_screening.target", COUNT, [Some(8000.0), None]),
        ],
    ),
    ("卫生计生信息化投入（万元）", &[("it_investment", COUNT, [None, Some(860.0)])]),
    (
        "城乡居民健康档案电子建档率（%）",
        &[("ehr_rate", PCT1, [None, Some(0.885)]), ("ehr_rate.target", "0%", [None, Some(0.9)])],
    ),
    (
        "符合政策生育率（%）",
        &[("policy_birth_rate", PCT1, [None, Some(0.962)]), ("policy_birth_rate.target", "0%", [None, Some(0.95)])],
    ),
    (
        "免费孕前优生健康检查（人）",
        &[
            ("preconception_checks", COUNT, [None, Some(1480.0)]),
            ("preconception_checks.target", COUNT, [None, Some(1600.0)]),
        ],
    ),
];

/// The workbook's bytes (the same on every run).
pub fn build() -> Vec<u8> {
    let mut book = Workbook::new();
    book.set_properties(
        &DocProperties::new()
            .set_title("各县（区）卫生计生主要指标（示例数据）")
            .set_creation_datetime(&ExcelDateTime::from_ymd(2018, 1, 1).unwrap()),
    );
    let title = Format::new().set_bold().set_font_size(14).set_align(FormatAlign::Center);
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin);
    let id = Format::new().set_font_color(0x808080).set_border(FormatBorder::Thin);
    for (sheet_name, groups) in [("2018年", Y2018), ("2017年", Y2017)] {
        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name).unwrap();
        let columns: usize = groups.iter().map(|(_, c)| c.len()).sum();
        let caption = format!("{sheet_name}度各县（区）卫生计生主要指标（示例数据，数值虚构）");
        sheet.merge_range(0, 0, 0, columns as u16, &caption, &title).unwrap();
        sheet.merge_range(1, 0, 2, 0, "单位", &head).unwrap();
        sheet.set_column_width(0, 10).unwrap();
        let mut col = 1u16;
        for (name, fields) in groups {
            let last = col + fields.len() as u16 - 1;
            if last > col {
                sheet.merge_range(1, col, 1, last, name, &head).unwrap();
            } else {
                sheet.write_string_with_format(1, col, *name, &head).unwrap();
            }
            for (field_id, number_format, values) in fields.iter() {
                sheet.write_string_with_format(2, col, *field_id, &id).unwrap();
                sheet.set_column_width(col, 14).unwrap();
                let format = Format::new().set_num_format(*number_format).set_border(FormatBorder::Thin);
                for (row, value) in values.iter().enumerate() {
                    match value {
                        Some(v) => sheet.write_number_with_format(3 + row as u32, col, *v, &format).unwrap(),
                        None => sheet.write_blank(3 + row as u32, col, &format).unwrap(),
                    };
                }
                col += 1;
            }
        }
        for (row, county) in COUNTIES.iter().enumerate() {
            sheet.write_string_with_format(3 + row as u32, 0, *county, &head).unwrap();
        }
        sheet.set_row_height(1, 48).unwrap();
        sheet.set_freeze_panes(3, 1).unwrap();
    }
    book.save_to_buffer().unwrap()
}
