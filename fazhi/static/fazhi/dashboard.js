// Draws the appeal dashboard charts from the JSON the page embeds; ECharts is served locally.
(function () {
  var el = document.getElementById("charts-data");
  if (!el || typeof echarts === "undefined") return;
  var data = JSON.parse(el.textContent);
  var trend = echarts.init(document.getElementById("chart-trend"));
  trend.setOption({
    title: { text: "月度受理与办结", left: "center", textStyle: { fontSize: 14 } },
    tooltip: { trigger: "axis" }, legend: { bottom: 0, data: ["受理", "办结"] },
    xAxis: { type: "category", data: data.trend.months }, yAxis: { type: "value" },
    // The line is drawn above the bars (z), with visible points, so a single month still shows both.
    series: [{ name: "办结", type: "bar", data: data.trend.closed },
             { name: "受理", type: "line", smooth: true, z: 3, showSymbol: true, symbolSize: 8,
               data: data.trend.received }]
  });
  var units = echarts.init(document.getElementById("chart-units"));
  units.setOption({
    title: { text: "承办单位按期办结率与满意率（%）", left: "center", textStyle: { fontSize: 14 } },
    tooltip: { trigger: "axis" }, legend: { bottom: 0, data: ["按期办结率", "满意率"] },
    grid: { left: 150 }, xAxis: { type: "value", max: 100,
            // Start near the lowest rate (80 when all are high) so that no unit's bar disappears.
            min: function (v) { return Math.min(80, Math.max(0, Math.floor((v.min - 5) / 10) * 10)); } },
    yAxis: { type: "category", data: data.units.names.slice().reverse() },
    series: [{ name: "按期办结率", type: "bar", data: data.units.on_time.slice().reverse() },
             { name: "满意率", type: "bar", data: data.units.satisfaction.slice().reverse() }]
  });
  var matters = echarts.init(document.getElementById("chart-matters"));
  matters.setOption({
    title: { text: "按事项受理、办结与按期办结率", left: "center", textStyle: { fontSize: 14 } },
    tooltip: { trigger: "axis" }, legend: { bottom: 0, data: ["受理", "办结", "按期办结率"] },
    grid: { bottom: 70 },
    xAxis: { type: "category", data: data.matters.names,
             axisLabel: { interval: 0, rotate: data.matters.names.length > 6 ? 30 : 0 } },
    yAxis: [{ type: "value", name: "件" }, { type: "value", name: "%", max: 100, min: 0 }],
    series: [{ name: "受理", type: "bar", data: data.matters.received },
             { name: "办结", type: "bar", data: data.matters.closed },
             { name: "按期办结率", type: "line", yAxisIndex: 1, showSymbol: true, data: data.matters.on_time }]
  });
  var channels = echarts.init(document.getElementById("chart-channels"));
  channels.setOption({
    title: { text: "受理渠道分布", left: "center", textStyle: { fontSize: 14 } },
    tooltip: { trigger: "item", formatter: "{b}：{c} 件（{d}%）" }, legend: { bottom: 0 },
    series: [{ type: "pie", radius: ["35%", "62%"], data: data.channels,
               label: { formatter: "{b} {d}%" } }]
  });
  var all = [trend, units, matters, channels];
  window.addEventListener("resize", function () { all.forEach(function (c) { c.resize(); }); });
})();
