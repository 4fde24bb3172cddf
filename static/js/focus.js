// focus.js: keyboard focus survives htmx swaps, "New post" focuses the compose box, and the
// compose box grows with its text where CSS field-sizing is unsupported.
//
// An in-place action (Like, Repost, Bookmark, Follow...) replaces the element that holds the
// pressed button (hx-swap="outerHTML"), so the focused button leaves the document and focus
// would fall to <body>. Before the swap we note which control inside the target had focus:
// its data-focus-key, else its id, else its name and value, else its position among the
// target's focusable controls. After the swap we focus the same control in the new content.
(function () {
  "use strict";

  var FOCUSABLE = "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]";
  var pending = null;

  function focusables(root) {
    var found = Array.prototype.slice.call(root.querySelectorAll(FOCUSABLE));
    if (root.matches && root.matches(FOCUSABLE)) found.unshift(root);
    return found.filter(function (el) { return !el.disabled && el.tabIndex !== -1; });
  }

  function describe(el, target) {
    return {
      key: el.getAttribute("data-focus-key"),
      id: el.id,
      name: el.getAttribute("name"),
      value: el.getAttribute("value"),
      tag: el.tagName,
      index: focusables(target).indexOf(el),
    };
  }

  function cssEscape(value) {
    return window.CSS && CSS.escape ? CSS.escape(value) : value.replace(/["\\]/g, "\\$&");
  }

  function find(roots, memo) {
    var i, el;
    var tests = [];
    if (memo.key) tests.push('[data-focus-key="' + cssEscape(memo.key) + '"]');
    if (memo.id) tests.push("#" + cssEscape(memo.id));
    if (memo.name) {
      tests.push(memo.tag.toLowerCase() + '[name="' + cssEscape(memo.name) + '"]' +
        (memo.value !== null ? '[value="' + cssEscape(memo.value) + '"]' : ""));
    }
    for (var t = 0; t < tests.length; t++) {
      for (i = 0; i < roots.length; i++) {
        el = roots[i].matches(tests[t]) ? roots[i] : roots[i].querySelector(tests[t]);
        if (el) return el;
      }
    }
    // The same place among the new content's controls, else its first control.
    var all = [];
    roots.forEach(function (root) { all = all.concat(focusables(root)); });
    if (memo.index >= 0 && memo.index < all.length) return all[memo.index];
    return all[0] || null;
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    pending = null;
    var target = event.detail.target;
    var active = document.activeElement;
    if (!target || !active || active === document.body) return;
    if (target === active || target.contains(active)) {
      pending = { memo: describe(active, target), parent: target.parentNode, roots: [] };
    }
  });

  // htmx fires afterSwap on each element the swap inserted (with outerHTML, the new ones).
  document.addEventListener("htmx:afterSwap", function (event) {
    if (!pending || !(event.target instanceof Element)) return;
    if (pending.parent && pending.parent.contains(event.target)) pending.roots.push(event.target);
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (!pending) return;
    var memo = pending.memo;
    var roots = pending.roots.filter(function (el) { return document.contains(el); });
    pending = null;
    var active = document.activeElement;
    // Focus stayed in the document (an innerHTML swap that kept the control, or htmx's own
    // restore by id): leave it.
    if (active && active !== document.body && document.contains(active)) return;
    if (!roots.length) return;
    var el = find(roots, memo);
    if (el) el.focus({ preventScroll: true });
  });

  // "New post" (the sidebar's and the tab bar's link to /#compose) puts the caret in the box.
  function focusCompose() {
    if (window.location.hash !== "#compose") return;
    var box = document.querySelector("form.compose textarea[name=body]");
    if (box) box.focus();
  }
  window.addEventListener("hashchange", focusCompose);
  // After load: the browser's own scroll to the fragment would move focus away again.
  window.addEventListener("load", function () { window.setTimeout(focusCompose, 0); });

  // A form sent without htmx came back with errors: put focus on the first invalid field, so
  // a keyboard or screen-reader user lands on it and hears its error (aria-describedby).
  // Only on page load: an htmx swap keeps focus where it was (above).
  document.addEventListener("DOMContentLoaded", function () {
    var field = document.querySelector("form [aria-invalid=true]");
    if (!field) {
      var error = document.querySelector("form .field-error[id]");
      if (error) field = document.querySelector('form [aria-describedby~="' + cssEscape(error.id) + '"]');
    }
    var active = document.activeElement;
    if (!field || (active && active !== document.body && !active.hasAttribute("autofocus"))) return;
    field.focus();
  });

  // Compose grows with its text: CSS field-sizing does it where supported; elsewhere, size the
  // box to its content on input (the CSS max-height still caps it).
  function fit(box) {
    box.style.height = "auto";
    box.style.height = box.scrollHeight + 2 + "px";
  }
  if (!(window.CSS && CSS.supports && CSS.supports("field-sizing", "content"))) {
    document.addEventListener("input", function (event) {
      var box = event.target;
      if (box.matches && box.matches("form.compose textarea[name=body]")) fit(box);
    });
    document.addEventListener("DOMContentLoaded", function () {
      var box = document.querySelector("form.compose textarea[name=body]");
      if (box) {
        box.rows = 1;
        fit(box);
      }
    });
  }
})();
