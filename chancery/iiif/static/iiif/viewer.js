/* Chancery: show a record's scans in OpenSeadragon, from its IIIF manifest.
   Without JavaScript (or if anything fails) the plain list of scans stays the way in. */
(function () {
  "use strict";
  function start() {
    var box = document.getElementById("iiif-viewer");
    if (!box || typeof OpenSeadragon === "undefined" || !window.fetch) return;
    fetch(box.dataset.manifest, {headers: {Accept: "application/ld+json"}})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (manifest) {
        var labels = [];
        var sources = (manifest.items || []).map(function (canvas) {
          var body = canvas.items[0].items[0].body;
          var label = canvas.label && (canvas.label.en || canvas.label.none);
          labels.push(label ? label[0] : "");
          return body.service[0].id + "/info.json";
        });
        if (!sources.length) return;
        box.hidden = false;
        // OpenSeadragon adds an inline <style> unless one with this attribute exists; the
        // Content-Security-Policy allows no inline style but an empty one (its hash), so an
        // empty marker stands in. Its one rule (no focus ring on touch screens) is left out
        // on purpose: viewer.css draws a visible focus ring.
        if (!document.querySelector("style[data-openseadragon-mobile-css]")) {
          var marker = document.createElement("style");
          marker.setAttribute("data-openseadragon-mobile-css", "true");
          document.head.appendChild(marker);
        }
        var viewer = OpenSeadragon({
          element: box,
          prefixUrl: box.dataset.prefix,
          tileSources: sources,
          sequenceMode: sources.length > 1,
          showReferenceStrip: false,
          showNavigator: true,
          // OpenSeadragon's own buttons are not keyboard-reachable: real buttons below.
          showNavigationControl: false,
          showSequenceControl: false,
          crossOriginPolicy: "Anonymous"
        });
        viewer.canvas.setAttribute("role", "application");
        viewer.canvas.setAttribute("aria-label",
          "Scan image. Arrow keys pan, + and - zoom, 0 resets the view.");

        var bar = document.createElement("div");
        bar.className = "iiif-toolbar";
        bar.setAttribute("role", "group");
        bar.setAttribute("aria-label", "Viewer controls");
        var status = document.createElement("p");
        status.className = "iiif-status hint";
        status.setAttribute("aria-live", "polite");
        var page = 0;
        function button(text, action) {
          var b = document.createElement("button");
          b.type = "button";
          b.textContent = text;
          b.addEventListener("click", action);
          bar.appendChild(b);
          return b;
        }
        var prev = button("Previous page", function () { viewer.goToPage(page - 1); });
        var next = button("Next page", function () { viewer.goToPage(page + 1); });
        button("Zoom in", function () { viewer.viewport.zoomBy(1.5); viewer.viewport.applyConstraints(); });
        button("Zoom out", function () { viewer.viewport.zoomBy(1 / 1.5); viewer.viewport.applyConstraints(); });
        button("Reset view", function () { viewer.viewport.goHome(); });
        if (sources.length < 2) { prev.hidden = true; next.hidden = true; }
        box.insertAdjacentElement("beforebegin", bar);
        box.insertAdjacentElement("afterend", status);
        function announce(p) {
          page = p;
          prev.disabled = p === 0;
          next.disabled = p === sources.length - 1;
          status.textContent = "Showing " + (labels[p] || "scan") + " (" + (p + 1) +
            " of " + sources.length + ")";
        }
        viewer.addHandler("page", function (e) { announce(e.page); });
        announce(0);
        window.chanceryViewer = viewer;
      })
      .catch(function () { box.hidden = true; });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
