// The public map: loads the confirmed cameras as GeoJSON, clusters them, filters them in the page.
// Every value from the data is set as text (never as HTML): operators and models are free text.
(function () {
  "use strict";

  var FIELDS = [
    ["camera_type", "Type"], ["mount", "Mount"], ["surveillance_type", "Surveillance"], ["zone", "Zone"],
    ["operator", "Operator"], ["direction", "Direction"], ["signage", "Signage"], ["status", "Status"],
    ["last_confirmed", "Last confirmed"], ["first_seen", "First seen"], ["sightings_count", "Sightings"],
    ["volunteers_count", "Volunteers"]
  ];
  // The server's vocabularies (survey/vocab.py): the popup shows their labels, not the raw values.
  var VOCAB = JSON.parse(document.querySelector('meta[name="vocab"]').content);
  var LABELLED = { camera_type: "camera_type", mount: "mount", surveillance_type: "surveillance_type",
    zone: "zone", signage: "signage", status: "public_camera_status" };
  var FILTERS = ["manufacturer", "operator"];
  var SVG = "http://www.w3.org/2000/svg";

  var element = document.getElementById("map");
  var map = L.map(element).setView([30, 0], 2);
  // The site sends no-referrer, but OpenStreetMap's tile servers refuse tile requests without a Referer.
  L.tileLayer(element.dataset.tileUrl, {
    attribution: element.dataset.tileAttribution, maxZoom: 19, referrerPolicy: "strict-origin-when-cross-origin",
  }).addTo(map);
  var clusters = L.markerClusterGroup({ chunkedLoading: true, maxClusterRadius: 50, disableClusteringAtZoom: 18 });
  map.addLayer(clusters);
  var cameras = [];

  function svgElement(name, attributes) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    return node;
  }

  // A dot, and where the direction is known a 60-degree wedge turned to it (0 = north, clockwise).
  function cameraIcon(props) {
    var svg = svgElement("svg", { width: 36, height: 36, viewBox: "0 0 36 36", "aria-hidden": "true" });
    if (props.direction !== null && props.direction !== undefined) {
      svg.appendChild(svgElement("path", {
        "class": "fov", d: "M18 18 L9.5 3.3 A17 17 0 0 1 26.5 3.3 Z",
        transform: "rotate(" + Number(props.direction) + " 18 18)"
      }));
    }
    svg.appendChild(svgElement("circle", { "class": "dot", cx: 18, cy: 18, r: 6 }));
    return L.divIcon({
      className: "camera-icon" + (props.status === "removed" ? " removed" : ""),
      html: svg, iconSize: [36, 36], iconAnchor: [18, 18], popupAnchor: [0, -12]
    });
  }

  function label(vocabulary, value) {
    var term = (VOCAB[vocabulary] || []).filter(function (t) { return t.value === value; })[0];
    return term ? term.label : String(value);
  }

  function shown(name, value) {
    if (LABELLED[name]) { return label(LABELLED[name], value); }
    if (name === "direction") { return value + "°"; }
    return String(value);
  }

  function popupContent(feature) {
    var props = feature.properties;
    var box = document.createElement("div");
    box.className = "camera-popup";
    if (props.thumbnail_url) {
      var link = document.createElement("a");
      link.href = props.photo_url || props.thumbnail_url;
      link.target = "_blank";
      link.rel = "noopener";
      var img = document.createElement("img");
      img.src = props.thumbnail_url;
      img.alt = "Photo of camera " + feature.id;
      link.appendChild(img);
      box.appendChild(link);
    }
    var title = document.createElement("h3");
    title.textContent = [props.manufacturer, props.model].filter(Boolean).join(" ") || "Camera " + feature.id;
    box.appendChild(title);
    var list = document.createElement("dl");
    FIELDS.forEach(function (field) {
      var value = props[field[0]];
      if (value === null || value === undefined || value === "") { return; }
      var term = document.createElement("dt");
      term.textContent = field[1];
      var detail = document.createElement("dd");
      detail.textContent = shown(field[0], value);
      list.appendChild(term);
      list.appendChild(detail);
    });
    box.appendChild(list);
    var permalink = document.createElement("a");
    permalink.href = props.url;
    permalink.textContent = "Permalink";
    box.appendChild(permalink);
    return box;
  }

  function selected() {
    var chosen = {};
    FILTERS.forEach(function (name) {
      var value = document.getElementById("filter-" + name).value;
      if (value) { chosen[name] = value; }
    });
    return chosen;
  }

  // The same rule as the server's filters: exact text, any case.
  function matches(feature, chosen) {
    return Object.keys(chosen).every(function (name) {
      var value = feature.properties[name];
      return typeof value === "string" && value.toLowerCase() === chosen[name].toLowerCase();
    });
  }

  function updateDownloads(chosen) {
    var query = new URLSearchParams(chosen).toString();
    ["geojson", "csv", "osm"].forEach(function (format) {
      var base = element.dataset.downloadsUrl + "." + format;
      document.getElementById("download-" + format).href = query ? base + "?" + query : base;
    });
  }

  function render(fit) {
    var chosen = selected();
    var markers = cameras.filter(function (feature) { return matches(feature, chosen); }).map(function (feature) {
      var position = [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
      var label = "Camera " + feature.id + (feature.properties.operator ? ", " + feature.properties.operator : "");
      return L.marker(position, { icon: cameraIcon(feature.properties), title: label, alt: label, keyboard: true })
        .bindPopup(function () { return popupContent(feature); }, { autoPanPaddingTopLeft: [56, 64], maxWidth: 260 });
    });
    clusters.clearLayers();
    // Fit before adding: markercluster drops markers added just before a zoom change.
    if (fit && markers.length) {
      var bounds = L.latLngBounds(markers.map(function (marker) { return marker.getLatLng(); }));
      map.fitBounds(bounds, { maxZoom: 16, padding: [30, 30] });
    }
    clusters.addLayers(markers);
    document.getElementById("camera-count").textContent = markers.length + " of " + cameras.length + " cameras shown.";
    updateDownloads(chosen);
  }

  function fillSelect(name) {
    var select = document.getElementById("filter-" + name);
    var values = {};
    cameras.forEach(function (feature) {
      var value = feature.properties[name];
      if (value) { values[value] = true; }
    });
    Object.keys(values).sort().forEach(function (value) {
      var option = document.createElement("option");
      option.value = value;
      option.textContent = value;
      select.appendChild(option);
    });
    // Show where the chosen cameras are: an operator's cameras may lie outside the current view.
    select.addEventListener("change", function () { render(true); });
  }

  function load() {
    fetch(element.dataset.camerasUrl, { headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (collection) {
        cameras = collection.features;
        FILTERS.forEach(fillSelect);
        render(true);
      })
      .catch(function () {
        document.getElementById("camera-count").textContent = "The cameras could not be loaded. Please reload the page.";
      });
  }

  if (window.matchMedia("(min-width: 48em)").matches) {
    document.getElementById("panel").open = true;
  }
  load();
}());
