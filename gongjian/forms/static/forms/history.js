/* The history of a field across periods, drawn by ECharts from #history-data; a click on a
   point opens that period's roll-up. The table below the chart holds the same numbers. */
(function () {
  "use strict";
  var node = document.getElementById("history-data");
  var el = document.getElementById("history-chart");
  if (!node || !el || !window.echarts) { return; }
  var data = JSON.parse(node.textContent);
  var chart = echarts.init(el, null, { renderer: "canvas" });
  chart.setOption({
    title: { text: data.title, left: "center", textStyle: { fontSize: 14 } },
    tooltip: { trigger: "axis" },
    grid: { left: 50, right: 20, top: 60, bottom: 40, containLabel: true },
    xAxis: { type: "category", data: data.labels },
    yAxis: { type: "value", axisLabel: { formatter: data.percent ? "{value}%" : "{value}" } },
    series: [{
      type: "line",
      data: data.values,
      connectNulls: false,
      symbolSize: 10,
      itemStyle: { color: "#c8102e" },
      label: { show: true, position: "top" }
    }]
  });
  chart.on("click", function (params) {
    var link = data.links[params.dataIndex];
    if (link) { window.location.href = link; }
  });
  el.setAttribute("data-drawn", "1");
  window.addEventListener("resize", function () { chart.resize(); });
})();
