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
        highlight(viewer, manifest, bar);
        window.chanceryViewer = viewer;
        document.dispatchEvent(new CustomEvent("chancery:viewer"));  // parallel.js: zoom buttons
      })
      .catch(function () { box.hidden = true; });
  }
  /* A search's words (?q= of the record page, kept from the search hit) found by the
     manifest's IIIF Content Search service: boxes on the page images and a list of the
     pages they are on. */
  function highlight(viewer, manifest, bar) {
    var q = new URLSearchParams(window.location.search).get("q");
    var service = (manifest.service || []).filter(function (s) {
      return s.type === "SearchService2";
    })[0];
    if (!q || !service) return;
    var canvases = (manifest.items || []).map(function (c) { return c.id; });
    fetch(service.id + "?q=" + encodeURIComponent(q))
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (answer) {
        var byPage = {};
        (answer.items || []).forEach(function (a) {
          var parts = a.target.split("#xywh=");
          var n = canvases.indexOf(parts[0]);
          if (n < 0 || parts.length < 2) return;
          (byPage[n] = byPage[n] || []).push({
            box: parts[1].split(",").map(Number), word: a.body && a.body.value
          });
        });
        var pages = Object.keys(byPage).map(Number).sort(function (a, b) { return a - b; });
        var list = document.createElement("div");
        list.className = "iiif-hits";
        var heading = document.createElement("p");
        heading.textContent = pages.length ?
          "“" + q + "” in the machine-read text of the scans:" :
          "“" + q + "” is not in the machine-read text of the scans.";
        list.appendChild(heading);
        if (pages.length) {
          var ul = document.createElement("ul");
          pages.forEach(function (n) {
            var li = document.createElement("li");
            var b = document.createElement("button");
            b.type = "button";
            var count = byPage[n].length;
            b.textContent = "Page " + (n + 1) + ": " + count + " match" + (count > 1 ? "es" : "");
            b.addEventListener("click", function () { viewer.goToPage(n); });
            li.appendChild(b);
            ul.appendChild(li);
          });
          list.appendChild(ul);
        }
        bar.insertAdjacentElement("beforebegin", list);
        function mark() {
          viewer.clearOverlays();
          var item = viewer.world.getItemAt(0);
          var hits = byPage[viewer.currentPage()] || [];
          if (!item) return;
          hits.forEach(function (hit) {
            var el = document.createElement("div");
            el.className = "iiif-hit";
            el.setAttribute("data-word", hit.word || "");
            var b = hit.box;
            viewer.addOverlay({
              element: el, location: item.imageToViewportRectangle(b[0], b[1], b[2], b[3])
            });
          });
        }
        viewer.addHandler("open", mark);
        if (viewer.world.getItemCount()) mark();
        if (pages.length && pages[0] !== viewer.currentPage()) viewer.goToPage(pages[0]);
      })
      .catch(function () { /* the scans stay viewable without the highlights */ });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
