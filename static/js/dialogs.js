// dialogs.js: a button with data-dialog="ID" opens <dialog id="ID"> instead of doing its own
// action (which stays as the no-JavaScript fallback, e.g. the Block confirmation page).
// [data-dialog-close] inside a dialog closes it; Escape closes it too (the browser's own).
// Focus goes back to the button that opened it. Delegated on document, so buttons that htmx
// swaps in work as well. Dropdown menus (<details class="dropdown">) close with Escape too.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;

    var opener = target.closest("[data-dialog]");
    if (opener) {
      var dialog = document.getElementById(opener.getAttribute("data-dialog"));
      if (!dialog || typeof dialog.showModal !== "function") return; // fall back to the page
      event.preventDefault();
      dialog.msgOpener = opener;
      dialog.showModal();
      return;
    }

    var closer = target.closest("[data-dialog-close]");
    if (closer) {
      var open = closer.closest("dialog");
      if (open) {
        event.preventDefault();
        open.close();
      }
    }
  });

  // "close" does not bubble: listen in the capture phase to catch every dialog's.
  document.addEventListener(
    "close",
    function (event) {
      var dialog = event.target;
      if (!(dialog instanceof HTMLDialogElement) || !dialog.msgOpener) return;
      var opener = dialog.msgOpener;
      dialog.msgOpener = null;
      if (document.contains(opener)) opener.focus();
    },
    true
  );

  // A <details class="dropdown"> menu (the phone's More menu): Escape inside it closes it and
  // puts focus back on its summary; it also closes when focus moves out of it.
  function openDropdown(node) {
    var details = node instanceof Element ? node.closest("details.dropdown") : null;
    return details && details.open ? details : null;
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    var details = openDropdown(event.target);
    if (!details) return;
    event.preventDefault();
    details.open = false;
    var summary = details.querySelector(":scope > summary");
    if (summary) summary.focus();
  });

  document.addEventListener("focusout", function (event) {
    var details = openDropdown(event.target);
    if (!details) return;
    var next = event.relatedTarget;
    // relatedTarget is null when focus leaves the page or goes to nothing focusable (a click on
    // plain text): leave the menu alone then, the browser's own click handling applies.
    if (next instanceof Node && !details.contains(next)) details.open = false;
  });
})();
