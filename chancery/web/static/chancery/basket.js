// The research basket, kept in this browser (localStorage). Progressive: without
// JavaScript a basket is still its link (/basket/?id=…), which lists and downloads it.
(function () {
  "use strict";
  var KEY = "chancery-basket";
  var MAX = 200;
  function load() {
    try {
      var items = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(items) ? items.filter(function (i) { return i && i.id; }) : [];
    } catch (e) { return []; }
  }
  function save(items) {
    try { window.localStorage.setItem(KEY, JSON.stringify(items.slice(0, MAX))); } catch (e) { /* full or off */ }
    update();
  }
  function has(items, id) { return items.some(function (i) { return i.id === id; }); }
  function basketUrl(items) {
    var base = document.documentElement.getAttribute("data-basket-url") || "/basket/";
    var query = items.map(function (i) { return "id=" + encodeURIComponent(i.id); }).join("&");
    return base + (query ? "?" + query : "");
  }
  function update() {
    var items = load();
    document.querySelectorAll("a[data-basket-link]").forEach(function (a) {
      a.href = basketUrl(items);
      a.textContent = "Basket (" + items.length + ")";
    });
    document.querySelectorAll("button[data-basket-toggle]").forEach(function (b) {
      var inside = has(items, b.getAttribute("data-basket-toggle"));
      b.setAttribute("aria-pressed", inside ? "true" : "false");
      b.textContent = inside ? "In basket (remove)" : "Add to basket";
    });
  }
  function toggle(event) {
    var button = event.currentTarget;
    var id = button.getAttribute("data-basket-toggle");
    var items = load();
    if (has(items, id)) {
      items = items.filter(function (i) { return i.id !== id; });
    } else {
      items.push({ id: id, title: button.getAttribute("data-basket-title") || id });
    }
    save(items);
  }
  function addButtons() {
    document.querySelectorAll("[data-basket-id]").forEach(function (el) {
      if (document.getElementById("basket-actions")) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "basket-toggle";
      button.setAttribute("data-basket-toggle", el.getAttribute("data-basket-id"));
      button.setAttribute("data-basket-title", el.getAttribute("data-basket-title") || "");
      var label = el.getAttribute("data-basket-title");
      if (label) { button.title = label; }
      button.addEventListener("click", toggle);
      el.appendChild(button);
    });
  }
  function basketPage() {
    var actions = document.getElementById("basket-actions");
    if (!actions) { return; }
    var items = load();
    var shared = new URLSearchParams(window.location.search).getAll("id");
    if (!shared.length && items.length) {  // this browser's basket: show it by its link
      window.location.replace(basketUrl(items));
      return;
    }
    var keep = document.createElement("button");
    keep.type = "button";
    keep.textContent = "Keep this basket in this browser";
    keep.addEventListener("click", function () {
      var titles = {};
      document.querySelectorAll("[data-basket-id]").forEach(function (el) {
        titles[el.getAttribute("data-basket-id")] = el.getAttribute("data-basket-title");
      });
      save(shared.map(function (id) { return { id: id, title: titles[id] || id }; }));
      keep.textContent = "Kept";
    });
    var empty = document.createElement("button");
    empty.type = "button";
    empty.textContent = "Empty the basket";
    empty.addEventListener("click", function () { save([]); window.location.assign(basketUrl([])); });
    if (shared.length) { actions.appendChild(keep); }
    if (items.length) { actions.appendChild(empty); }
  }
  document.addEventListener("DOMContentLoaded", function () {
    addButtons();
    basketPage();
    update();
  });
}());
