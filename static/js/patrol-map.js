// The patrol drawn on its grid: the outline as the map, the track as a line, start and end as dots; no tile server.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("patrol-map");
  if (!window.echarts || !box) return;
  const data = JSON.parse(document.getElementById("patrol-map-data").textContent);
  const placed = [...data.track, ...Object.values(data.points)];
  // Without an outline the map is the box around the positions, so that the geo coordinate system has an extent.
  let outline = data.outline;
  if (!outline) {
    const lons = placed.map((p) => p[0]);
    const lats = placed.map((p) => p[1]);
    const [w, e, s, n] = [Math.min(...lons) - 0.001, Math.max(...lons) + 0.001, Math.min(...lats) - 0.001, Math.max(...lats) + 0.001];
    outline = { type: "Polygon", coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] };
  }
  echarts.registerMap("patrol-grid", { type: "FeatureCollection", features: [{ type: "Feature", properties: { name: data.name }, geometry: outline }] });
  const series = [];
  if (data.track.length > 1) {
    series.push({ name: box.dataset.track, type: "lines", coordinateSystem: "geo", polyline: true, lineStyle: { color: "#c0392b", width: 3 }, data: [{ coords: data.track }] });
  }
  series.push({
    type: "scatter",
    coordinateSystem: "geo",
    symbolSize: 12,
    label: { show: true, position: "top", formatter: ({ name }) => name },
    data: Object.entries(data.points).map(([which, point]) => ({ name: box.dataset[which], value: point, itemStyle: { color: which === "start" ? "#198754" : "#0d6efd" } })),
  });
  echarts.init(box).setOption({
    // Drawn at once: a phone on patrol has no time to spare for the animation.
    animation: false,
    geo: { map: "patrol-grid", roam: true, itemStyle: { areaColor: "#fdf2e9", borderColor: "#b03a2e" }, label: { show: false }, emphasis: { disabled: true } },
    series,
  });
});
