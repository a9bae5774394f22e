// The people's-situation map: our own outlines and building points drawn by ECharts, no tile server. The table under
// the map holds the same figures, so the page says everything without JavaScript too.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  if (!window.echarts) return;
  var data = JSON.parse(document.getElementById("situation-data").textContent);
  var config = JSON.parse(document.getElementById("situation-config").textContent);
  var box = document.getElementById("situation-map");
  var buildingsAreChildren = data.child_level === "building";
  var names = {};
  var areas = [];
  var buildings = [];
  data.features.forEach(function (feature) {
    names[feature.id] = feature.properties.name;
    if (!feature.geometry) return;
    if (feature.geometry.type === "Point") buildings.push(feature);
    else areas.push({ type: "Feature", properties: { name: String(feature.id) }, geometry: feature.geometry });
  });
  // Under a grid the buildings are the children and the grid's own outline is the ground they stand on.
  if (buildingsAreChildren && data.outline) areas.push({ type: "Feature", properties: { name: "" }, geometry: data.outline });
  if (!areas.length) return;
  document.querySelectorAll("[data-map-wrap]").forEach(function (element) { element.hidden = false; });
  var mapName = "situation-" + data.level + "-" + data.id;
  echarts.registerMap(mapName, { type: "FeatureCollection", features: areas });
  var chart = echarts.init(box);

  function link(pattern, id) {
    return pattern.replace("/0/", "/" + id + "/");
  }

  function go(url) {
    window.location.href = url + (url.indexOf("/map/") >= 0 ? "?layer=" + config.layer : "");
  }

  // A masked key-care count ("<3") is coloured as 1 or 2 would be; the tooltip still says "<3".
  function value(properties, layer) {
    var figure = properties[layer];
    return figure === "<3" ? 2 : figure;
  }

  function shown(properties, layer) {
    var figure = properties[layer];
    if (figure === null || figure === undefined) return "—";
    return layer === "coverage" ? figure + "%" : String(figure);
  }

  function visualMap(layer, values) {
    var coverage = layer === "coverage";
    var top = Math.max.apply(null, [3].concat(values.filter(function (v) { return typeof v === "number"; })));
    return {
      type: "continuous",
      min: 0,
      max: coverage ? 100 : top,
      seriesIndex: 0,
      orient: "horizontal",
      left: "center",
      bottom: 4,
      itemWidth: 10,
      itemHeight: 120,
      text: coverage ? ["100%", "0%"] : [String(top), "0"],
      // Few visits is the alarm for coverage; many is the alarm for every other layer.
      inRange: { color: coverage ? ["#c8102e", "#ffe8a3", "#2f9e44"] : ["#e9f5ec", "#ffe8a3", "#c8102e"] },
      outOfRange: { color: "#dee2e6" },
    };
  }

  function option(layer) {
    var series = [];
    var values;
    if (buildingsAreChildren) {
      values = buildings.map(function (feature) { return value(feature.properties, layer); });
      series.push({
        type: "scatter",
        coordinateSystem: "geo",
        symbolSize: 18,
        itemStyle: { borderColor: "#495057", borderWidth: 1 },
        label: { show: true, fontSize: 10, formatter: function (item) { return item.data.number; } },
        data: buildings.map(function (feature, index) {
          return { id: feature.id, name: feature.properties.name, number: feature.properties.number, value: feature.geometry.coordinates.concat([values[index]]), properties: feature.properties };
        }),
      });
    } else {
      var regions = data.features.filter(function (feature) { return feature.geometry; });
      values = regions.map(function (feature) { return value(feature.properties, layer); });
      series.push({
        type: "map",
        geoIndex: 0,
        data: regions.map(function (feature, index) { return { name: String(feature.id), value: values[index], properties: feature.properties }; }),
      });
      if (data.points && data.points.rows.length) {
        var named = data.points.columns.indexOf("name");
        series.push({
          type: "scatter",
          coordinateSystem: "geo",
          symbolSize: data.level === "community" ? 8 : 3,
          large: data.points.rows.length > 2000,
          itemStyle: { color: "#343a40", opacity: 0.7 },
          tooltip: { show: named >= 0 },
          data: data.points.rows.map(function (row) { return { id: row[0], name: named >= 0 ? row[named] : "", value: [row[1], row[2]] }; }),
        });
      }
    }
    return {
      tooltip: {
        trigger: "item",
        formatter: function (item) {
          var properties = item.data && item.data.properties;
          var name = properties ? properties.name : item.name;
          if (!properties) return name;
          return name + "<br>" + config.labels[layer] + ": " + shown(properties, layer);
        },
      },
      visualMap: visualMap(layer, values),
      geo: {
        map: mapName,
        roam: true,
        scaleLimit: { min: 0.8, max: 80 },
        // A centre and a size keep the map's proportions (four sides would stretch it); the scale sits below.
        layoutCenter: ["50%", "46%"],
        layoutSize: "90%",
        selectedMode: false,
        label: { show: !buildingsAreChildren, fontSize: 10, formatter: function (item) { return names[item.name] || ""; } },
        itemStyle: { areaColor: "#f1f3f5", borderColor: "#6c757d", borderWidth: 1 },
        emphasis: { label: { show: true }, itemStyle: { borderColor: "#212529", borderWidth: 2 } },
      },
      series: series,
    };
  }

  chart.setOption(option(config.layer));
  chart.on("click", function (item) {
    if (item.seriesType === "scatter" && item.data && item.data.id) {
      go(link(buildingsAreChildren ? config.links.child : config.links.building, item.data.id));
    } else if ((item.seriesType === "map" || item.componentType === "geo") && names[item.name] !== undefined) {
      go(link(config.links.child, item.name));
    }
  });

  // One thumb: zoom buttons beside the pinch, and a button back to the whole map.
  document.querySelectorAll("[data-zoom]").forEach(function (button) {
    button.addEventListener("click", function () {
      var how = button.getAttribute("data-zoom");
      if (how === "reset") {
        chart.setOption(option(config.layer), true);
        return;
      }
      var zoom = chart.getOption().geo[0].zoom || 1;
      chart.setOption({ geo: { zoom: how === "in" ? zoom * 1.6 : zoom / 1.6 } });
    });
  });

  // Layers switch in place; the address and the links keep the chosen layer for a reload or a drill-down.
  document.querySelectorAll("a[data-layer]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      event.preventDefault();
      config.layer = button.getAttribute("data-layer");
      var view = chart.getOption().geo[0];
      chart.setOption(option(config.layer), true);
      chart.setOption({ geo: { zoom: view.zoom, center: view.center } });
      document.querySelectorAll("a[data-layer]").forEach(function (other) {
        var active = other === button;
        other.classList.toggle("btn-party", active);
        other.classList.toggle("btn-outline-secondary", !active);
        if (active) other.setAttribute("aria-current", "true");
        else other.removeAttribute("aria-current");
      });
      document.querySelectorAll("main a[href*='?layer=']:not([data-layer])").forEach(function (anchor) {
        anchor.search = "?layer=" + config.layer;
      });
      history.replaceState(null, "", "?layer=" + config.layer);
    });
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
