/* Statistics chart (ECharts, vendored under static/vendor/echarts). The table beside it holds the same figures. */
(function () {
  var node = document.getElementById("chart");
  var source = document.getElementById("chart-data");
  if (!node || !source || !window.echarts) { return; }
  var data = JSON.parse(JSON.parse(source.textContent));
  var chart = window.echarts.init(node);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: [data.names.received, data.names.overdue, data.names.ontime] },
    xAxis: { type: "category", data: data.labels },
    yAxis: [{ type: "value" }, { type: "value", max: 100 }],
    series: [
      { name: data.names.received, type: "bar", data: data.received },
      { name: data.names.overdue, type: "bar", data: data.overdue },
      { name: data.names.ontime, type: "line", yAxisIndex: 1, data: data.ontime }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
