"""The server's SVG charts (ledger.web.charts): well-formed SVG, whole-number axes for counts,
bars in proportion, and names escaped (an item called <script> is text, never markup)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

from ledger.web.charts import Series, bar_chart, ranked_bars

SVG = "{http://www.w3.org/2000/svg}"


def test_a_bar_chart_is_svg_with_one_bar_per_value_and_whole_ticks_for_counts() -> None:
    svg = ET.fromstring(
        str(bar_chart("每月兑换次数", ["2026-01", "2026-02"], [Series("次数", [3, 1])]))
    )
    assert svg.get("aria-label") == "每月兑换次数" and svg.get("role") == "img"
    bars = svg.findall(f"{SVG}rect")
    assert [b.find(f"{SVG}title").text for b in bars] == ["2026-01 次数: 3", "2026-02 次数: 1"]
    assert float(bars[0].get("height")) == 3 * float(bars[1].get("height"))
    ticks = [t.text for t in svg.findall(f"{SVG}text")][:5]
    assert ticks == ["0", "1", "2", "3", "4"]  # never 1.25 exchanges


def test_several_series_get_a_legend_and_hours_may_be_fractions() -> None:
    chart = bar_chart(
        "币", ["2026-01"], [Series("发放", [Decimal("1.5")]), Series("兑换", [Decimal("0.5")])]
    )
    svg = ET.fromstring(str(chart))
    texts = [t.text for t in svg.findall(f"{SVG}text")]
    assert "发放" in texts and "兑换" in texts and "0.5" in texts


def test_names_are_escaped_and_an_empty_chart_still_draws() -> None:
    chart = str(ranked_bars("按物品", [("<script>alert(1)</script>", 2), ("茶叶", 1)]))
    assert "<script>" not in chart and "&lt;script&gt;" in chart
    svg = ET.fromstring(chart)
    widths = [float(r.get("width")) for r in svg.findall(f"{SVG}rect")]
    assert widths[0] == 2 * widths[1]
    assert ET.fromstring(str(bar_chart("空", [], [Series("x", [])]))).tag == f"{SVG}svg"
    assert ET.fromstring(str(ranked_bars("空", []))).tag == f"{SVG}svg"
