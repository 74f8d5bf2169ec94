//! Horizontal bar charts as standalone SVG: one panel per job or dataset, one row per
//! format, one bar per series, whiskers for the spread. Written by hand (a few dozen
//! elements per chart) so the report needs no plotting stack and renders the same in any
//! browser or markdown viewer.

use std::fmt::Write as _;

pub struct Chart {
    pub title: String,
    /// What the bars measure, with its unit; says whether more is better.
    pub axis: String,
    /// The name of each bar in a row, in order.
    pub series: Vec<String>,
    pub panels: Vec<Panel>,
}

pub struct Panel {
    pub title: String,
    pub rows: Vec<Row>,
}

pub struct Row {
    pub label: String,
    /// One per series; `None` where the series has no value for this row.
    pub bars: Vec<Option<Bar>>,
}

#[derive(Debug, Clone, Copy)]
pub struct Bar {
    pub value: f64,
    /// The spread drawn as a whisker, where there is one.
    pub spread: Option<(f64, f64)>,
}

const WIDTH: f64 = 900.0;
const LABEL: f64 = 150.0;
const PLOT: f64 = 600.0;
const BAR: f64 = 11.0;
const GAP: f64 = 5.0;
const COLORS: [&str; 4] = ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1"];

impl Chart {
    pub fn render(&self) -> String {
        let mut body = String::new();
        let mut y = 48.0;
        for (i, name) in self.series.iter().enumerate() {
            let x = LABEL + i as f64 * 160.0;
            let _ = write!(
                body,
                r#"<rect x="{x}" y="30" width="10" height="10" fill="{}"/><text x="{}" y="39">{}</text>"#,
                COLORS[i % COLORS.len()],
                x + 14.0,
                escape(name)
            );
        }
        for panel in &self.panels {
            y += 22.0;
            let _ = write!(
                body,
                r#"<text x="8" y="{y}" font-weight="bold">{}</text>"#,
                escape(&panel.title)
            );
            y += 8.0;
            let max = panel
                .rows
                .iter()
                .flat_map(|r| r.bars.iter().flatten())
                .map(|b| b.spread.map_or(b.value, |(_, high)| high.max(b.value)))
                .fold(0.0f64, f64::max)
                .max(f64::MIN_POSITIVE);
            let scale = PLOT / max;
            for row in &panel.rows {
                let height = row.bars.len() as f64 * BAR;
                let _ = write!(
                    body,
                    r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
                    LABEL - 6.0,
                    y + height / 2.0 + 4.0,
                    escape(&row.label)
                );
                for (s, bar) in row.bars.iter().enumerate() {
                    let top = y + s as f64 * BAR;
                    if let Some(bar) = bar {
                        draw_bar(&mut body, bar, top, scale, COLORS[s % COLORS.len()]);
                    }
                }
                y += height + GAP;
            }
        }
        y += 12.0;
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{y}" viewBox="0 0 {WIDTH} {y}" font-family="sans-serif" font-size="11"><rect width="100%" height="100%" fill="white"/><text x="8" y="18" font-size="14" font-weight="bold">{}</text><text x="{}" y="18" text-anchor="end">{}</text>{body}</svg>
"#,
            escape(&self.title),
            WIDTH - 8.0,
            escape(&self.axis)
        )
    }
}

fn draw_bar(out: &mut String, bar: &Bar, top: f64, scale: f64, color: &str) {
    let width = (bar.value * scale).max(0.5);
    let _ = write!(
        out,
        r#"<rect x="{LABEL}" y="{top}" width="{width:.1}" height="{}" fill="{color}"/>"#,
        BAR - 2.0
    );
    let mut end = LABEL + width;
    if let Some((low, high)) = bar.spread {
        let middle = top + (BAR - 2.0) / 2.0;
        let (x1, x2) = (LABEL + low * scale, LABEL + high * scale);
        let _ = write!(
            out,
            r##"<line x1="{x1:.1}" x2="{x2:.1}" y1="{middle}" y2="{middle}" stroke="#333"/>"##
        );
        end = end.max(x2);
    }
    let _ = write!(
        out,
        r#"<text x="{:.1}" y="{}">{}</text>"#,
        end + 4.0,
        top + BAR - 3.0,
        number(bar.value)
    );
}

/// Three significant digits, as the tables show them.
pub fn number(value: f64) -> String {
    match value.abs() {
        v if v >= 100.0 => format!("{value:.0}"),
        v if v >= 10.0 => format!("{value:.1}"),
        _ => format!("{value:.2}"),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_panel_and_text_is_escaped() {
        let chart = Chart {
            title: "a <b> & c".into(),
            axis: "ops/ms (more is better)".into(),
            series: vec!["one".into(), "two".into()],
            panels: vec![Panel {
                title: "panel".into(),
                rows: vec![
                    Row {
                        label: "x".into(),
                        bars: vec![
                            Some(Bar {
                                value: 50.0,
                                spread: Some((40.0, 100.0)),
                            }),
                            None,
                        ],
                    },
                    Row {
                        label: "y".into(),
                        bars: vec![
                            None,
                            Some(Bar {
                                value: 25.0,
                                spread: None,
                            }),
                        ],
                    },
                ],
            }],
        };
        let svg = chart.render();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let widths: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("rect") && n.attribute("y") != Some("30"))
            .filter_map(|n| n.attribute("width"))
            .collect();
        // The background, then the widest whisker end (100) spans the plot: 50 → 300 px.
        assert_eq!(widths, ["100%", "300.0", "150.0"]);
        assert!(svg.contains("a &lt;b&gt; &amp; c"));
    }

    #[test]
    fn numbers_keep_three_digits() {
        assert_eq!(number(1234.4), "1234");
        assert_eq!(number(12.345), "12.3");
        assert_eq!(number(1.2345), "1.23");
    }
}
