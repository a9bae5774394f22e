// Charts drawn from the same data as the tables beside them; without JavaScript the tables remain.
document.addEventListener("DOMContentLoaded", function () {
  if (!window.echarts) return;
  var trend = JSON.parse(document.getElementById("trend-data").textContent);
  var trendBox = document.getElementById("trend-chart");
  if (trendBox && trend.length) {
    echarts.init(trendBox).setOption({
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 40, right: 10, top: 10, bottom: 40 },
      xAxis: { type: "category", data: trend.map(function (r) { return r.month; }) },
      yAxis: { type: "value" },
      series: [
        { name: "诉求", type: "line", data: trend.map(function (r) { return r.submitted; }) },
        { name: "办结", type: "line", data: trend.map(function (r) { return r.closed; }) },
      ],
    });
  }
  var children = JSON.parse(document.getElementById("children-data").textContent);
  var childBox = document.getElementById("children-chart");
  if (childBox && children.length) {
    echarts.init(childBox).setOption({
      tooltip: { trigger: "axis" },
      grid: { left: 40, right: 10, top: 10, bottom: 60 },
      xAxis: { type: "category", data: children.map(function (r) { return r.name; }), axisLabel: { rotate: 30 } },
      yAxis: { type: "value" },
      series: [{ type: "bar", data: children.map(function (r) { return r.requests; }) }],
    });
  }
});
