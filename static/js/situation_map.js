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

  function bbox(geometries) {
    var box = [Infinity, Infinity, -Infinity, -Infinity];
    (function walk(value) {
      if (typeof value[0] === "number") {
        box = [Math.min(box[0], value[0]), Math.min(box[1], value[1]), Math.max(box[2], value[0]), Math.max(box[3], value[1])];
      } else value.forEach(walk);
    })(geometries.map(function (geometry) { return geometry.coordinates; }));
    return box;
  }

  function centre(geometry) {
    var box = bbox([geometry]);
    return [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2];
  }

  // The whole map as large as the box allows, proportions kept, with room for the colour scale below it.
  var bounds = bbox(areas.map(function (feature) { return feature.geometry; }));
  var SCALE_ROOM = 56;
  function layout() {
    // ECharts draws a degree of longitude 0.75 as wide as one of latitude (its aspectScale), near enough for China.
    var aspect = ((bounds[2] - bounds[0]) * 0.75) / Math.max(bounds[3] - bounds[1], 1e-9);
    var width = box.clientWidth * 0.94;
    var height = (box.clientHeight - SCALE_ROOM) * 0.94;
    var size = aspect > 1 ? Math.min(width, height * aspect) : Math.min(height, width / aspect);
    return { layoutCenter: [box.clientWidth / 2, (box.clientHeight - SCALE_ROOM) / 2 + 4], layoutSize: size };
  }

  var regions = data.features.filter(function (feature) { return feature.geometry && feature.geometry.type !== "Point"; });
  var LIMITS = { min: 0.8, max: 80 };
  // Above the community the building points crowd the areas out: they show once zoomed in enough to tell them apart.
  var POINTS_FROM = { district: 6, street: 3 }[data.level] || 0;
  var zoom = 1;

  // What a layer changes: the colours and the coloured series (regions, or the buildings under a grid).
  function layerParts(layer) {
    var values;
    var series;
    if (buildingsAreChildren) {
      values = buildings.map(function (feature) { return value(feature.properties, layer); });
      series = {
        id: "layer",
        type: "scatter",
        coordinateSystem: "geo",
        symbolSize: 18,
        itemStyle: { borderColor: "#495057", borderWidth: 1 },
        label: { show: true, fontSize: 10, formatter: function (item) { return item.data.number; } },
        data: buildings.map(function (feature, index) {
          return { id: feature.id, name: feature.properties.name, number: feature.properties.number, value: feature.geometry.coordinates.concat([values[index]]), properties: feature.properties };
        }),
      };
    } else {
      values = regions.map(function (feature) { return value(feature.properties, layer); });
      series = {
        id: "layer",
        type: "map",
        geoIndex: 0,
        data: regions.map(function (feature, index) { return { name: String(feature.id), value: values[index], properties: feature.properties }; }),
      };
    }
    return { visualMap: visualMap(layer, values), series: [series] };
  }

  function pointsState() {
    var shown = zoom >= POINTS_FROM;
    return { id: "points", silent: !shown, itemStyle: { color: "#343a40", opacity: shown ? 0.7 : 0 } };
  }

  function option() {
    var parts = layerParts(config.layer);
    var series = parts.series;
    if (data.points && data.points.rows.length) {
      var named = data.points.columns.indexOf("name");
      series.push(Object.assign(pointsState(), {
        type: "scatter",
        coordinateSystem: "geo",
        symbolSize: data.level === "community" ? 8 : 4,
        large: data.points.rows.length > 2000,
        tooltip: { show: named >= 0 },
        data: data.points.rows.map(function (row) { return { id: row[0], name: named >= 0 ? row[named] : "", value: [row[1], row[2]] }; }),
      }));
    }
    if (!buildingsAreChildren) {
      series.push({
        id: "labels",
        type: "scatter",
        coordinateSystem: "geo",
        silent: true,
        symbolSize: 0,
        label: { show: true, formatter: "{b}", fontSize: 11, width: 44, overflow: "break", color: "#212529", textBorderColor: "#fff", textBorderWidth: 2 },
        labelLayout: { hideOverlap: true },
        data: regions.map(function (feature) { return { name: feature.properties.name, value: centre(feature.geometry) }; }),
      });
    }
    return {
      tooltip: {
        trigger: "item",
        formatter: function (item) {
          var properties = item.data && item.data.properties;
          var name = properties ? properties.name : item.name;
          if (!properties) return name;
          return name + "<br>" + config.labels[config.layer] + ": " + shown(properties, config.layer);
        },
      },
      visualMap: parts.visualMap,
      geo: {
        map: mapName,
        roam: true,
        zoom: zoom,
        scaleLimit: LIMITS,
        // A centre and a size keep the map's proportions (four sides would stretch it).
        layoutCenter: layout().layoutCenter,
        layoutSize: layout().layoutSize,
        selectedMode: false,
        label: { show: false },
        itemStyle: { areaColor: "#f1f3f5", borderColor: "#6c757d", borderWidth: 1 },
        emphasis: { label: { show: false }, itemStyle: { borderColor: "#212529", borderWidth: 2 } },
      },
      series: series,
    };
  }

  // The zoom is followed here rather than read back from the chart, which would copy every point each time.
  function zoomTo(value, apply) {
    var pointsBefore = zoom >= POINTS_FROM;
    zoom = Math.min(LIMITS.max, Math.max(LIMITS.min, value));
    if (apply) chart.setOption({ geo: { zoom: zoom } });
    if (pointsBefore !== zoom >= POINTS_FROM) chart.setOption({ series: [pointsState()] });
  }

  chart.setOption(option());
  chart.on("georoam", function (event) {
    if (event.zoom) zoomTo(zoom * event.zoom, false);
  });
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
        zoom = 1;
        chart.setOption(option(), true);
      } else {
        zoomTo(how === "in" ? zoom * 1.6 : zoom / 1.6, true);
      }
    });
  });

  // Layers switch in place; the address and the links keep the chosen layer for a reload or a drill-down.
  document.querySelectorAll("a[data-layer]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      event.preventDefault();
      config.layer = button.getAttribute("data-layer");
      chart.setOption(layerParts(config.layer));
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
  window.addEventListener("resize", function () {
    chart.resize();
    chart.setOption({ geo: layout() });
  });
});
