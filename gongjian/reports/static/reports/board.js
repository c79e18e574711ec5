/* The dashboard's charts, drawn by ECharts (served from the app) from #board-data. */
(function () {
  "use strict";
  var node = document.getElementById("board-data");
  if (!node || !window.echarts) { return; }
  var data = JSON.parse(node.textContent);
  var dark = document.body.classList.contains("screen");
  var text = dark ? "#e8eefc" : "#333";
  var charts = [];

  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var chart = echarts.init(el, dark ? "dark" : null, { renderer: "canvas" });
    option.backgroundColor = "transparent";
    option.textStyle = { color: text };
    chart.setOption(option);
    charts.push(chart);
  }

  function bars(id, title, rows, colour, unit) {
    draw(id, {
      title: { text: title, left: "center", textStyle: { fontSize: 14, color: text } },
      grid: { left: 120, right: 40, top: 40, bottom: 20 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "value", name: unit },
      yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r[0]; }) },
      series: [{ type: "bar", data: rows.map(function (r) { return r[1]; }), itemStyle: { color: colour }, label: { show: true, position: "right" } }]
    });
  }

  draw("chart-months", {
    title: { text: "按月趋势", left: "center", textStyle: { fontSize: 14, color: text } },
    tooltip: { trigger: "axis" },
    legend: { bottom: 0, textStyle: { color: text } },
    grid: { left: 50, right: 50, top: 40, bottom: 50 },
    xAxis: { type: "category", data: data.months },
    yAxis: [{ type: "value", name: "场次" }, { type: "value", name: "人次" }],
    series: [
      { name: "活动场次", type: "bar", data: data.month_activities, itemStyle: { color: "#c8102e" } },
      { name: "参与人次", type: "line", yAxisIndex: 1, data: data.month_person_times, itemStyle: { color: "#f0a500" } }
    ]
  });
  draw("chart-categories", {
    title: { text: "按服务类别（人次）", left: "center", textStyle: { fontSize: 14, color: text } },
    tooltip: { trigger: "item" },
    series: [{ type: "pie", radius: ["35%", "65%"], data: data.categories, label: { color: text } }]
  });
  bars("chart-units-top", "报到率前列单位", data.top_units, "#2e8b57", "%");
  bars("chart-units-bottom", "报到率靠后单位", data.bottom_units, "#c8102e", "%");
  bars("chart-communities-top", "参与人次前列社区", data.top_communities, "#1f5fbf", "人次");
  bars("chart-communities-bottom", "参与人次靠后社区", data.bottom_communities, "#8c8c8c", "人次");

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  var full = document.getElementById("go-fullscreen");
  if (full) {
    full.addEventListener("click", function () {
      if (document.documentElement.requestFullscreen) { document.documentElement.requestFullscreen(); }
    });
  }
  var refresh = parseInt(document.body.getAttribute("data-refresh") || "0", 10);
  if (refresh > 0) { setTimeout(function () { window.location.reload(); }, refresh * 1000); }
})();
