/* "Sao chép mã" buttons of the /widget page: each copies the text of the element its
 * data-copy names. Hidden where the browser has no clipboard API (or without JavaScript). */
(() => {
  "use strict";
  for (const button of document.querySelectorAll("button.copy[data-copy]")) {
    button.hidden = !navigator.clipboard;
    button.addEventListener("click", () => {
      const text = document.getElementById(button.dataset.copy).textContent;
      navigator.clipboard.writeText(text).then(() => { button.textContent = "Đã sao chép ✓"; });
    });
  }
})();
