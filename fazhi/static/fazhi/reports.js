// Draws the report comparison chart from the JSON the page embeds; ECharts is served locally.
// One indicator at a time: units report different figures, and one axis cannot hold
// percentages and case counts together.
(function () {
  var el = document.getElementById("compare-data");
  var box = document.getElementById("chart-compare");
  var pick = document.getElementById("compare-indicator");
  if (!el || !box || !pick || typeof echarts === "undefined") return;
  var data = JSON.parse(el.textContent);
  if (!data.rows.length) return;
  var filled = function (row) { return row.values.filter(function (v) { return v !== null; }).length; };
  var best = 0;
  data.rows.forEach(function (row, i) {
    var opt = document.createElement("option");
    opt.value = String(i);
    opt.textContent = row.label + (row.unit ? "（" + row.unit + "）" : "") + " · " + filled(row) + "/" + row.values.length;
    pick.appendChild(opt);
    if (filled(row) > filled(data.rows[best])) best = i;
  });
  pick.value = String(best);
  // Unit names run to 15 characters; keep the distinctive head so six columns fit side by side.
  var shortName = function (name) {
    var width = Math.max(4, Math.floor(72 / data.columns.length));
    return name.length > width ? name.slice(0, width - 1) + "…" : name;
  };
  var chart = echarts.init(box);
  function draw() {
    var row = data.rows[Number(pick.value)];
    chart.setOption({
      title: { text: row.label + (row.unit ? "（" + row.unit + "）" : ""), left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      grid: { left: 24, right: 24, top: 56, bottom: 16, containLabel: true },
      xAxis: { type: "category", data: data.columns, axisLabel: { interval: 0, lineHeight: 16,
               formatter: function (v, i) { return shortName(data.units[i]) + "\n" + data.years[i]; } } },
      yAxis: { type: "value", name: row.unit },
      series: [{ type: "bar", name: row.label, data: row.values, barMaxWidth: 48, itemStyle: { color: "#1d5fbf" },
                 label: { show: true, position: "top" } }]
    }, true);
  }
  pick.addEventListener("change", draw);
  window.addEventListener("resize", function () { chart.resize(); });
  draw();
})();
