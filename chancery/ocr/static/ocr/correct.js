// The correction page: the line whose field has the focus is marked on the page image.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const input of document.querySelectorAll(".ocr-lines input[data-box]")) {
    const box = document.getElementById(input.dataset.box);
    if (!box) continue;
    input.addEventListener("focus", () => box.classList.add("is-current"));
    input.addEventListener("blur", () => box.classList.remove("is-current"));
  }
});
