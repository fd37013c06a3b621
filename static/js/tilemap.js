/* Optional tile map: replaces an SVG map with a Leaflet map when a tile server is configured.
   The SVG stays in the page for visitors without JavaScript. */
(function () {
  "use strict";
  document.querySelectorAll("[data-tilemap]").forEach(function (el) {
    if (!window.L) { return; }
    var lat = parseFloat(el.dataset.lat), lon = parseFloat(el.dataset.lon);
    if (isNaN(lat) || isNaN(lon)) { return; }
    var holder = document.createElement("div");
    holder.className = "tilemap";
    el.parentNode.insertBefore(holder, el);
    var map = L.map(holder).setView([lat, lon], 14);
    L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution || "", maxZoom: 18 }).addTo(map);
    L.circleMarker([lat, lon], { radius: 8, color: "#b3261e" }).addTo(map).bindPopup(el.dataset.label || "");
    el.hidden = true;
  });
})();
