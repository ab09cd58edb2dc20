/* Chancery: the parallel reading view (web/_parallel.html, docs/reading.md).
   Without this script the panes are stacked, each with links to its pages. With it:
   - wide screens: the panes side by side (rows aligned by page in reading.css), each
     shown or hidden by a toggle button (aria-pressed);
   - narrow screens (phones): the panes become tabs (WAI-ARIA tabs pattern, arrow keys);
   - a page marker ("[Page 2]") shows that page's scan: scrolled to and focused, and the
     deep-zoom viewer turned to it;
   - the reader's page follows from tab to tab, and a record opened from a search opens at
     the page of the first highlighted word. */
(function () {
  "use strict";
  var root = document.querySelector("[data-parallel]");
  if (!root) return;
  var bar = root.querySelector(".pane-switch");
  var buttons = Array.prototype.slice.call(bar.querySelectorAll("button[data-pane]"));
  var panes = {};
  buttons.forEach(function (b) { panes[b.dataset.pane] = document.getElementById(b.getAttribute("aria-controls")); });
  var phone = window.matchMedia("(max-width: 50rem)");
  var shown = {};  // wide screens: which panes are shown
  buttons.forEach(function (b) { shown[b.dataset.pane] = true; });
  // phones: the selected tab, the first text (a phone's screen is too small to read a scan)
  var tab = (buttons.filter(function (b) { return b.dataset.pane !== "scan"; })[0] || buttons[0]).dataset.pane;
  var page = null;  // the page being read

  root.classList.add("parallel-js");
  bar.hidden = false;

  function rowAt(key, p) {
    return panes[key] && panes[key].querySelector('.pane-row[data-page="' + CSS.escape(p) + '"]');
  }
  function currentPage() {
    // the last row of a visible pane whose top is above the middle of the window
    var key = phone.matches ? tab : buttons.map(function (b) { return b.dataset.pane; })
      .filter(function (k) { return shown[k]; })[0];
    if (!key) return page;
    var found = page;
    panes[key].querySelectorAll(".pane-row[data-page]").forEach(function (row) {
      if (row.getBoundingClientRect().top < window.innerHeight / 2) found = row.dataset.page;
    });
    return found;
  }
  function goTo(key, p, focus) {
    var row = p && rowAt(key, p);
    if (!row) return;
    row.scrollIntoView({block: "start"});
    if (focus) {
      if (!row.hasAttribute("tabindex")) row.setAttribute("tabindex", "-1");
      row.focus({preventScroll: true});
    }
  }
  function render() {
    var tabs = phone.matches;
    bar.setAttribute("role", tabs ? "tablist" : "group");
    bar.setAttribute("aria-label", tabs ? "Pane to read" : "Panes to show");
    root.classList.toggle("parallel-tabs", tabs);
    buttons.forEach(function (b) {
      var key = b.dataset.pane, pane = panes[key];
      if (tabs) {
        var on = key === tab;
        b.setAttribute("role", "tab");
        b.setAttribute("aria-selected", on ? "true" : "false");
        b.removeAttribute("aria-pressed");
        b.tabIndex = on ? 0 : -1;
        pane.setAttribute("role", "tabpanel");
        pane.setAttribute("aria-labelledby", b.id);
        pane.hidden = !on;
      } else {
        b.removeAttribute("role");
        b.removeAttribute("aria-selected");
        b.setAttribute("aria-pressed", shown[key] ? "true" : "false");
        b.tabIndex = 0;
        pane.removeAttribute("role");
        pane.setAttribute("aria-labelledby", "pane-title-" + key);
        pane.hidden = !shown[key];
      }
    });
    var count = buttons.filter(function (b) { return !panes[b.dataset.pane].hidden; }).length;
    root.dataset.shown = String(count);
  }
  function select(key, focus) {
    var p = currentPage();
    tab = key;
    shown[key] = true;
    render();
    goTo(key, p);
    if (focus) document.getElementById("pane-button-" + key).focus();
  }

  buttons.forEach(function (b, i) {
    b.addEventListener("click", function () {
      var key = b.dataset.pane;
      if (phone.matches) { select(key, false); return; }
      var p = currentPage();
      var others = buttons.filter(function (o) { return o !== b && shown[o.dataset.pane]; });
      if (shown[key] && !others.length) return;  // keep one pane
      shown[key] = !shown[key];
      render();
      if (p) goTo(shown[key] ? key : others[0].dataset.pane, p);
    });
    b.addEventListener("keydown", function (e) {
      if (!phone.matches) return;
      var to = {ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: buttons.length - 1}[e.key];
      if (to === undefined) return;
      e.preventDefault();
      select(buttons[(to + buttons.length) % buttons.length].dataset.pane, true);
    });
  });
  phone.addEventListener("change", render);

  // a page marker shows that page's scan
  root.addEventListener("click", function (e) {
    var link = e.target.closest ? e.target.closest(".pb a[href^='#scan-page-']") : null;
    if (!link || !panes.scan) return;
    e.preventDefault();
    var p = link.closest(".pb").dataset.page;
    page = p;
    if (phone.matches) { tab = "scan"; } else { shown.scan = true; }
    render();
    root.querySelectorAll(".scan-page.current").forEach(function (r) { r.classList.remove("current"); });
    var row = rowAt("scan", p);
    if (row) row.classList.add("current");
    goTo("scan", p, true);
    if (history.replaceState) history.replaceState(null, "", "#scan-page-" + p);
    zoomTo(row);
  });

  // the deep-zoom viewer below (iiif/viewer.js) shows the same scans: turned to a page
  // from its row in the scan pane, where each page's "Open in the zoom viewer" button
  // (hidden until the viewer is ready) opens it there
  function zoomTo(row) {
    var viewer = window.chanceryViewer, figures = panes.scan ? Array.prototype.slice.call(
      panes.scan.querySelectorAll(".scan-page figure")) : [];
    var index = figures.indexOf(row && row.querySelector("figure"));
    if (viewer && index >= 0 && viewer.goToPage) viewer.goToPage(index);
    return viewer && index >= 0 ? viewer : null;
  }
  function zoomReady() {
    if (!window.chanceryViewer) return;
    root.querySelectorAll(".zoom-open").forEach(function (p) { p.hidden = false; });
  }
  document.addEventListener("chancery:viewer", zoomReady);
  zoomReady();
  root.addEventListener("click", function (e) {
    var button = e.target.closest ? e.target.closest("button[data-zoom-page]") : null;
    if (!button) return;
    var viewer = zoomTo(button.closest(".scan-page"));
    if (!viewer) return;
    var box = document.getElementById("iiif-viewer");
    box.scrollIntoView({block: "center"});
    viewer.canvas.focus({preventScroll: true});
  });

  render();
  // opened from a search: every pane at the page of the first highlighted word
  var mark = root.querySelector(".pane mark");
  if (mark) {
    var row = mark.closest(".pane-row[data-page]");
    var key = mark.closest(".pane").dataset.pane;
    if (row) {
      page = row.dataset.page;
      if (phone.matches) { tab = key; render(); }
      mark.scrollIntoView({block: "center"});
    }
  } else if (location.hash) {
    var target = document.getElementById(location.hash.slice(1));
    var inPane = target && target.closest(".pane");
    if (inPane && phone.matches) { tab = inPane.dataset.pane; render(); target.scrollIntoView(); }
  }
})();
