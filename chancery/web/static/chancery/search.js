// The results page. Progressive: without JavaScript the filters stay open before the
// results (with "Skip to results" first on the page) and every export link is a plain
// download.
//
// 1. On a phone the filters come before the results, folded under "Filters".
// 2. An export link downloads with fetch() and says how far it has got (bytes, and records
//    for the formats with one marker a record), with a Cancel button; the file is saved
//    when it is complete.
(function () {
  "use strict";
  var NARROW = window.matchMedia("(max-width: 50rem)");

  function fold() {
    document.querySelectorAll("details.filters").forEach(function (filters) {
      filters.open = !NARROW.matches;
    });
  }

  // -- export progress ----------------------------------------------------------------
  // How a record starts or ends in each text format (CSV rows may hold line breaks, and a
  // ZIP is compressed: those count bytes only).
  var MARKERS = { "JSON Lines": "\n", "BibTeX": "\n@", "RIS": "\nER  -" };

  function size(bytes) {
    if (bytes < 1024) return bytes + " bytes";
    if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(0) + " KB";
    return (bytes / 1024 / 1024).toFixed(1) + " MB";
  }

  function number(n) { return Number(n).toLocaleString("en"); }

  function occurrences(text, marker) {
    var n = 0, at = text.indexOf(marker);
    while (at !== -1) { n += 1; at = text.indexOf(marker, at + marker.length); }
    return n;
  }

  function filename(response, fallback) {
    var found = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
    return found ? found[1] : fallback;
  }

  function save(blob, name) {
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    a.remove();
    window.setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
  }

  function exporter(box) {
    var status = box.querySelector(".export-status");
    var busy = null;

    function say(text) { status.textContent = text; }

    function show(format, bytes, records, total) {
      var parts = [format + ": " + size(bytes) + " received"];
      if (records !== null) parts.push(number(Math.min(records, total)) + " of " + number(total) + " records");
      else parts.push(number(total) + " records in all");
      say(parts.join(", ") + "…");
    }

    function cancelButton(controller) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "export-cancel";
      button.textContent = "Cancel download";
      button.addEventListener("click", function () { controller.abort(); });
      status.after(button);
      return button;
    }

    async function download(link) {
      var format = link.getAttribute("data-export");
      var marker = MARKERS[format] || null;
      var controller = new AbortController();
      var cancel = cancelButton(controller);
      busy = link;
      say(format + ": starting…");
      try {
        var response = await fetch(link.href, { signal: controller.signal });
        if (!response.ok) {
          say(format + ": the archive refused the download (HTTP " + response.status + "). Open the link itself to read why.");
          return;
        }
        var total = Number(response.headers.get("X-Export-Records") || box.getAttribute("data-records"));
        var reader = response.body.getReader();
        var decoder = marker ? new TextDecoder() : null;
        var chunks = [], bytes = 0, records = marker ? 0 : null, tail = "", shown = 0;
        for (;;) {
          var step = await reader.read();
          if (step.done) break;
          chunks.push(step.value);
          bytes += step.value.length;
          if (marker) {
            // the tail keeps a marker cut in two by a chunk boundary
            var text = tail + decoder.decode(step.value, { stream: true });
            records += occurrences(text, marker);
            var last = text.lastIndexOf(marker);
            var from = Math.max(0, text.length - marker.length + 1);
            tail = text.slice(last === -1 ? from : Math.max(from, last + marker.length));
          }
          if (Date.now() - shown > 200) { show(format, bytes, records, total); shown = Date.now(); }
        }
        if (format === "BibTeX" && chunks.length && records < total) records += 1; // the first entry has no line before it
        save(new Blob(chunks, { type: response.headers.get("Content-Type") || "application/octet-stream" }),
          filename(response, link.href.split("/").pop().split("?")[0]));
        say(format + ": downloaded " + number(total) + " record" + (total === 1 ? "" : "s") + " (" + size(bytes) + ").");
      } catch (error) {
        say(error.name === "AbortError" ? format + ": download cancelled." : format + ": the download failed (" + error.message + "). Try the link again.");
      } finally {
        cancel.remove();
        busy = null;
      }
    }

    box.querySelectorAll("a[data-export]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        if (!window.fetch || !window.ReadableStream || event.ctrlKey || event.metaKey || event.shiftKey) return;
        event.preventDefault();
        if (busy) { say("One download at a time: cancel the one under way first."); return; }
        download(link);
      });
    });
  }

  function start() {
    fold();
    if (NARROW.addEventListener) NARROW.addEventListener("change", fold);
    document.querySelectorAll(".export-links[data-records]").forEach(exporter);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
