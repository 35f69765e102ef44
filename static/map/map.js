// The public map: asks the server for the cameras of the current view (clusters when there are many),
// after each move settles, dropping answers to views already left. Overlays (the survey areas' street
// coverage, and the signs of the view) are layers with a toggle and a legend: see overlay().
// Every value from the data is set as text (never as HTML): operators and models are free text.
(function () {
  "use strict";

  var FIELDS = [
    ["camera_type", "Type"], ["mount", "Mount"], ["surveillance_type", "Surveillance"], ["zone", "Zone"],
    ["operator", "Operator"], ["direction", "Direction"], ["signage", "Signage"],
    ["signage_class", "Signs measured"], ["status", "Status"], ["last_confirmed", "Last confirmed"],
    ["first_seen", "First seen"], ["sightings_count", "Sightings"], ["volunteers_count", "Volunteers"]
  ];
  // The server's vocabularies (survey/vocab.py): the popup shows their labels, not the raw values.
  var VOCAB = JSON.parse(document.querySelector('meta[name="vocab"]').content);
  var LABELLED = { camera_type: "camera_type", mount: "mount", surveillance_type: "surveillance_type",
    zone: "zone", signage: "signage", signage_class: "signage_class", status: "public_camera_status" };
  var FILTERS = ["manufacturer", "operator", "signage", "signage_class"];
  var DOWNLOAD_FILTERS = ["manufacturer", "operator"];  // what the downloads understand
  var DEBOUNCE_MS = 250;
  var WORLD = { bbox: "-180,-90,180,90", zoom: 2 };
  var TAP = 44;  // CSS px: the smallest target a finger hits reliably (WCAG 2.5.5)

  var element = document.getElementById("map");
  var panel = document.getElementById("panel");
  var small = !window.matchMedia("(min-width: 48em)").matches;
  var map = L.map(element);
  // The site sends no-referrer, but OpenStreetMap's tile servers refuse tile requests without a Referer.
  L.tileLayer(element.dataset.tileUrl, {
    attribution: element.dataset.tileAttribution, maxZoom: 19, referrerPolicy: "strict-origin-when-cross-origin",
  }).addTo(map);
  var cameras = L.markerClusterGroup({
    maxClusterRadius: 50, disableClusteringAtZoom: 18,
    iconCreateFunction: function (group) { return countIcon(group.getChildCount()); }
  });
  var cells = L.layerGroup();  // the server's clusters
  map.addLayer(cameras);
  map.addLayer(cells);

  // A dot, and where the direction is known a 60-degree wedge turned to it (0 = north, clockwise).
  // Markup from numbers alone (no data text), so Leaflet builds it only for the markers it shows.
  function cameraIcon(props) {
    var wedge = "";
    if (props.direction !== null && props.direction !== undefined) {
      wedge = '<path class="fov" d="M18 18 L9.5 3.3 A17 17 0 0 1 26.5 3.3 Z" transform="rotate(' +
        Number(props.direction) + ' 18 18)"/>';
    }
    return L.divIcon({
      className: "camera-icon" + (props.status === "removed" ? " removed" : ""),
      html: '<svg width="' + TAP + '" height="' + TAP + '" viewBox="0 0 36 36" aria-hidden="true">' + wedge +
        '<circle class="dot" cx="18" cy="18" r="6"/></svg>',
      iconSize: [TAP, TAP], iconAnchor: [TAP / 2, TAP / 2], popupAnchor: [0, -12]
    });
  }

  function countIcon(count, kind) {
    var text = document.createElement("span");
    text.textContent = count >= 10000 ? Math.round(count / 1000) + "k" : String(count);
    var size = count >= 1000 ? " large" : count >= 100 ? " medium" : "";
    return L.divIcon({ className: "count-icon" + size + (kind ? " " + kind : ""), html: text, iconSize: [TAP, TAP] });
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

  function definitions(pairs) {
    var list = document.createElement("dl");
    pairs.forEach(function (pair) {
      var term = document.createElement("dt");
      term.textContent = pair[0];
      var detail = document.createElement("dd");
      detail.textContent = pair[1];
      list.appendChild(term);
      list.appendChild(detail);
    });
    return list;
  }

  function popupContent(feature, popup) {
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
      // The photo makes the popup taller: lay it out and pan again so it stays whole on a phone.
      img.addEventListener("load", function () { popup.update(); });
      link.appendChild(img);
      box.appendChild(link);
    }
    var title = document.createElement("h3");
    title.textContent = [props.manufacturer, props.model].filter(Boolean).join(" ") || "Camera " + feature.id;
    box.appendChild(title);
    box.appendChild(definitions(FIELDS.filter(function (field) {
      var value = props[field[0]];
      return value !== null && value !== undefined && value !== "";
    }).map(function (field) { return [field[1], shown(field[0], props[field[0]])]; })));
    var permalink = document.createElement("a");
    permalink.href = props.url;
    permalink.textContent = "Permalink";
    box.appendChild(permalink);
    return box;
  }

  // Fits a phone: never wider than the screen, scrolls when taller, and pans the map to show it whole.
  function popupOptions() {
    return {
      maxWidth: Math.min(260, window.innerWidth - 60), maxHeight: window.innerHeight - 120,
      autoPan: true, autoPanPadding: [10, 10], autoPanPaddingTopLeft: [10, 60], keepInView: true
    };
  }

  function selected(names) {
    var chosen = {};
    names.forEach(function (name) {
      var value = document.getElementById("filter-" + name).value;
      if (value) { chosen[name] = value; }
    });
    return chosen;
  }

  function updateDownloads() {
    var query = new URLSearchParams(selected(DOWNLOAD_FILTERS)).toString();
    ["geojson", "csv", "osm"].forEach(function (format) {
      var base = element.dataset.downloadsUrl + "." + format;
      document.getElementById("download-" + format).href = query ? base + "?" + query : base;
    });
    var all = selected(FILTERS);
    document.getElementById("downloads-note").hidden = !(all.signage || all.signage_class);
  }

  function wrapLon(lon) { return ((lon + 180) % 360 + 360) % 360 - 180; }

  // The view as the server takes it: longitudes within -180..180 (west > east across the antimeridian),
  // snapped out to the grid's cells, so nearby views ask for the same URL and share the cache.
  function viewBox() {
    var bounds = map.getBounds(), zoom = Math.round(map.getZoom());
    var cell = Number(element.dataset.cellDegrees) / Math.pow(2, zoom);
    var south = Math.max(-90, Math.floor(bounds.getSouth() / cell) * cell);
    var north = Math.min(90, Math.ceil(bounds.getNorth() / cell) * cell);
    var west = Math.floor(bounds.getWest() / cell) * cell, east = Math.ceil(bounds.getEast() / cell) * cell;
    if (east - west >= 360) {
      west = -180;
      east = 180;
    } else {
      west = wrapLon(west);
      east = wrapLon(east);
      if (east === -180) { east = 180; }
    }
    return { bbox: [west, south, east, north].map(function (v) { return +v.toFixed(7); }).join(","), zoom: zoom };
  }

  // A longitude moved by whole turns to lie near the view's centre (a view east of 180 shows 190, not -170).
  function nearCentre(lon) {
    var centre = map.getCenter().lng;
    return lon + 360 * Math.round((centre - lon) / 360);
  }

  function position(feature) {
    return [feature.geometry.coordinates[1], nearCentre(feature.geometry.coordinates[0])];
  }

  function cameraMarker(feature) {
    var props = feature.properties;
    var text = "Camera " + feature.id + (props.operator ? ", " + props.operator : "");
    var marker = L.marker(position(feature), { icon: cameraIcon(props), title: text, alt: text, keyboard: true });
    return marker.bindPopup(function (layer) { return popupContent(feature, layer.getPopup()); }, popupOptions());
  }

  // A cell of the server's grid: its count, and a closer look on a tap. `noun` is what it counts.
  function cellMarker(feature, noun, kind) {
    var count = feature.properties.count;
    noun = noun || "camera";
    var text = count + " " + noun + (count === 1 ? "" : "s") + ": zoom in";
    var marker = L.marker(position(feature), { icon: countIcon(count, kind), title: text, alt: text, keyboard: true });
    return marker.on("click", function () { map.setView(marker.getLatLng(), map.getZoom() + 2); });
  }

  function say(text) { document.getElementById("camera-count").textContent = text; }

  var pending = null, timer = null;
  var fitted = readHash();  // a shared link's view is kept; otherwise the first answer picks the view

  function show(data) {
    if (!fitted) {
      fitted = true;
      if (data.features.length) {
        map.fitBounds(L.latLngBounds(data.features.map(position)), { maxZoom: 16, padding: [30, 30], animate: false });
        schedule();  // markercluster drops markers added just before a zoom change: draw after it
        return;
      }
    }
    cells.clearLayers();
    if (data.kind === "cameras") {
      showCameras(data.features);
      say(data.total === 1 ? "1 camera in view." : data.total + " cameras in view.");
    } else {
      showCameras([]);
      data.features.forEach(function (feature) { cells.addLayer(cellMarker(feature)); });
      say(data.message);
    }
  }

  // Markers already on the map stay (an open popup with them: panning to show it loads the view again);
  // only those that left the answer go, and only new ones are made. Returns the group's new {id: marker}.
  function keepMarkers(group, shownBefore, features, make) {
    var next = {}, added = [];
    features.forEach(function (feature) {
      var marker = shownBefore[feature.id];
      if (!marker || marker.getLatLng().lng !== position(feature)[1]) {  // across the antimeridian: the near copy
        marker = make(feature);
        added.push(marker);
      }
      next[feature.id] = marker;
    });
    var gone = Object.keys(shownBefore).filter(function (id) {
      return next[id] !== shownBefore[id];
    }).map(function (id) { return shownBefore[id]; });
    if (group.addLayers) {  // markercluster takes them in one batch
      group.removeLayers(gone);
      group.addLayers(added);
    } else {
      gone.forEach(function (marker) { group.removeLayer(marker); });
      added.forEach(function (marker) { group.addLayer(marker); });
    }
    return next;
  }

  var shownCameras = {};
  function showCameras(features) { shownCameras = keepMarkers(cameras, shownCameras, features, cameraMarker); }

  function load(view) {
    if (pending) { pending.abort(); }  // the answer to a view already left would only flicker
    var controller = new AbortController();
    pending = controller;
    var query = new URLSearchParams(Object.assign({}, view || viewBox(), selected(FILTERS)));
    fetch(element.dataset.viewUrl + "?" + query.toString(), { signal: controller.signal })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        if (pending !== controller) { return; }
        pending = null;
        show(data);
      })
      .catch(function (error) {
        if (error.name === "AbortError") { return; }
        say("The cameras could not be loaded. Please reload the page.");
      });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(function () { load(); }, DEBOUNCE_MS);
  }

  // "#zoom/lat/lon" keeps the view in the address, so a link shows the same place.
  function readHash() {
    var parts = window.location.hash.slice(1).split("/").map(Number);
    if (parts.length === 3 && parts.every(isFinite)) {
      map.setView([parts[1], parts[2]], parts[0]);
      return true;
    }
    map.setView([30, 0], 2);
    return false;
  }

  function writeHash() {
    var centre = map.getCenter();
    var hash = "#" + map.getZoom() + "/" + centre.lat.toFixed(5) + "/" + wrapLon(centre.lng).toFixed(5);
    window.history.replaceState(null, "", hash);
  }

  // An overlay: GeoJSON from `urls()`, fetched when first switched on, with a legend of `legend` [[class, label]].
  // With `follow`, it is the current view's points instead, fetched again after each move settles and drawn
  // by `marker(feature)`; the answer's `message` (such as "zoom in") shows in the legend.
  function overlay(options) {
    var layer = options.follow ? L.layerGroup() : L.geoJSON(null, {
      style: options.style,
      onEachFeature: function (feature, shape) {
        shape.bindPopup(function () { return options.popup(feature); }, popupOptions());
      }
    });
    var note = null, kept = {}, asking = null, wait = null;
    var cellLayer = L.layerGroup();  // the server's clusters, for a layer that has them (options.cell)
    var legend = L.control({ position: "bottomleft" });
    legend.onAdd = function () {
      var box = L.DomUtil.create("div", "legend");
      box.setAttribute("aria-label", options.title);
      options.legend.forEach(function (entry) {
        var row = L.DomUtil.create("div", "legend-row", box);
        L.DomUtil.create("span", "swatch " + entry[0], row);
        row.appendChild(document.createTextNode(entry[1]));
      });
      note = L.DomUtil.create("div", "legend-note", box);
      note.setAttribute("aria-live", "polite");
      return box;
    };
    function made(feature) {
      return options.marker(feature).bindPopup(function () { return options.popup(feature); }, popupOptions());
    }
    function draw(data) {
      if (!options.follow) { layer.addData(data); return; }
      var clustered = data.kind === "clusters";
      kept = keepMarkers(layer, kept, clustered ? [] : data.features, made);
      if (options.cell) {
        cellLayer.clearLayers();
        if (clustered) { data.features.forEach(function (feature) { cellLayer.addLayer(options.cell(feature)); }); }
      }
      if (note) { note.textContent = data.message || ""; }
    }
    function fetchAll() {
      if (asking) { asking.abort(); }  // an answer for a view already left would only flicker
      var controller = new AbortController();
      asking = controller;
      options.urls().forEach(function (url) {
        fetch(url, { signal: controller.signal }).then(function (r) { return r.ok ? r.json() : null; })
          .then(function (data) { if (data && asking === controller) { draw(data); } })
          .catch(function (error) { if (error.name !== "AbortError") { throw error; } });
      });
    }
    var loaded = false;
    options.toggle.addEventListener("change", function () {
      if (!options.toggle.checked) {
        map.removeLayer(layer);
        map.removeLayer(cellLayer);
        legend.remove();
        return;
      }
      layer.addTo(map);
      cellLayer.addTo(map);
      legend.addTo(map);
      if (loaded && !options.follow) { return; }
      loaded = true;
      fetchAll();
    });
    if (options.follow) {
      map.on("moveend", function () {
        clearTimeout(wait);
        if (options.toggle.checked) { wait = setTimeout(fetchAll, DEBOUNCE_MS); }
      });
    }
    return layer;
  }

  var STREET_STATES = JSON.parse(element.dataset.streetStates);
  var AREAS = JSON.parse(element.dataset.areas);
  var coverageToggle = document.getElementById("layer-coverage");
  if (coverageToggle) {
    // Streets coloured by state and the month last walked: the public layer never says who walked.
    overlay({
      toggle: coverageToggle,
      title: "Survey coverage",
      urls: function () { return AREAS.map(function (area) { return "/api/v1/areas/" + area.id + "/streets.geojson"; }); },
      style: function (feature) { return { className: "street " + feature.properties.state, weight: 5 }; },
      popup: function (feature) {
        var props = feature.properties;
        var box = document.createElement("div");
        var title = document.createElement("h3");
        title.textContent = props.name || "Unnamed street";
        box.appendChild(title);
        box.appendChild(definitions([
          ["State", label("street_state", props.state)], ["Last walked", props.last_walked_month || "never"]
        ]));
        return box;
      },
      legend: STREET_STATES.map(function (term) { return [term.value, term.label]; })
    });
    VOCAB.street_state = STREET_STATES;
  }

  // A sign plate on a post: markup from numbers alone, as the camera icon.
  function signIcon(props) {
    return L.divIcon({
      className: "sign-icon" + (props.status === "removed" ? " removed" : ""),
      html: '<svg width="' + TAP + '" height="' + TAP + '" viewBox="0 0 36 36" aria-hidden="true">' +
        '<rect class="post" x="17" y="18" width="2" height="12"/><rect class="plate" x="9" y="6" width="18" height="13" rx="2"/>' +
        '</svg>',
      iconSize: [TAP, TAP], iconAnchor: [TAP / 2, TAP / 2], popupAnchor: [0, -12]
    });
  }

  function yesNo(value) { return value === true ? "Yes" : value === false ? "No" : "Not recorded"; }

  // What the sign says: who runs the cameras, why, and whether it gives a way to ask.
  function signPopup(feature) {
    var props = feature.properties;
    var box = document.createElement("div");
    box.className = "sign-popup";
    var title = document.createElement("h3");
    title.textContent = "Sign " + feature.id;
    box.appendChild(title);
    var pairs = [
      ["Operator named", props.operator || "None named"], ["Purpose stated", props.purpose || "None stated"],
      ["Contact given", yesNo(props.has_contact)]
    ];
    if (props.camera_id) { pairs.push(["Fixed to", "Camera " + props.camera_id]); }
    if (props.last_confirmed) { pairs.push(["Last confirmed", props.last_confirmed]); }
    box.appendChild(definitions(pairs));
    return box;
  }

  var signsToggle = document.getElementById("layer-signs");
  if (signsToggle) {
    overlay({
      toggle: signsToggle,
      title: "Signs",
      follow: true,
      // With the zoom, a crowded view comes back as clusters on the cameras' grid.
      urls: function () { return [element.dataset.signsUrl + "?" + new URLSearchParams(viewBox())]; },
      marker: function (feature) {
        var text = "Sign " + feature.id + (feature.properties.operator ? ", " + feature.properties.operator : "");
        return L.marker(position(feature), { icon: signIcon(feature.properties), title: text, alt: text, keyboard: true });
      },
      popup: signPopup,
      cell: function (feature) { return cellMarker(feature, "sign", "sign-count"); },
      legend: [["sign", "Sign naming who runs the cameras"]]
    });
  }

  FILTERS.forEach(function (name) {
    // Show where the chosen cameras are: they may lie outside the current view.
    document.getElementById("filter-" + name).addEventListener("change", function () {
      updateDownloads();
      fitted = false;
      load(WORLD);
    });
  });
  map.on("movestart", function () { clearTimeout(timer); });  // a drag longer than the debounce is not a rest
  map.on("moveend", function () { writeHash(); schedule(); });
  map.on("popupopen", function () { if (small) { panel.open = false; } });  // a phone shows one or the other
  if (!small) { panel.open = true; }
  updateDownloads();
  load(fitted ? null : WORLD);
}());
