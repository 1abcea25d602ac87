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
    series: [{ name: "受理", type: "line", smooth: true, data: data.trend.received },
             { name: "办结", type: "bar", data: data.trend.closed }]
  });
  var units = echarts.init(document.getElementById("chart-units"));
  units.setOption({
    title: { text: "承办单位按期办结率与满意率（%）", left: "center", textStyle: { fontSize: 14 } },
    tooltip: { trigger: "axis" }, legend: { bottom: 0, data: ["按期办结率", "满意率"] },
    grid: { left: 150 }, xAxis: { type: "value", min: 80, max: 100 },
    yAxis: { type: "category", data: data.units.names.slice().reverse() },
    series: [{ name: "按期办结率", type: "bar", data: data.units.on_time.slice().reverse() },
             { name: "满意率", type: "bar", data: data.units.satisfaction.slice().reverse() }]
  });
  window.addEventListener("resize", function () { trend.resize(); units.resize(); });
})();
