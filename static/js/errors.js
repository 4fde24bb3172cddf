// errors.js: an in-place (htmx) action that fails says so.
//
// htmx-config (templates/_base.html) swaps no 4xx/5xx answer but a 400, so a failed Like or
// Follow would otherwise change nothing on screen. On htmx:responseError we show the answer's
// own words when it is a short line of plain text (core.middleware answers every htmx error so,
// translated), else the generic message from <body data-error-generic>; on htmx:sendError (no
// connection) the one from <body data-error-offline>. The text goes in with textContent only,
// never as HTML, into a role="alert" line fixed at the bottom of the screen (above the phone's
// tab bar). Focus stays on the control; the next action or Dismiss clears the line.
(function () {
  "use strict";

  var LONGEST = 300;
  var box = null;
  var line = null;
  var dismiss = null;

  // The alert exists, empty, before anything goes wrong: screen readers announce a change to a
  // live region they already know more reliably than a region inserted with its text.
  function build() {
    if (box || !document.body) return;
    box = document.createElement("div");
    box.className = "action-alert";
    line = document.createElement("p");
    line.setAttribute("role", "alert");
    dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.className = "secondary outline";
    dismiss.textContent = document.body.getAttribute("data-error-dismiss") || "OK";
    dismiss.hidden = true;
    dismiss.addEventListener("click", clear);
    box.appendChild(line);
    box.appendChild(dismiss);
    document.body.appendChild(box);
  }

  function show(text) {
    build();
    if (!box) return;
    line.textContent = text;
    dismiss.hidden = false;
    box.classList.add("is-shown");
  }

  function clear() {
    if (!box || !box.classList.contains("is-shown")) return;
    // Dismiss had focus: put it back on the page rather than on <body>.
    var hadFocus = document.activeElement === dismiss;
    line.textContent = "";
    dismiss.hidden = true;
    box.classList.remove("is-shown");
    if (hadFocus) {
      var main = document.getElementById("main");
      if (main) {
        main.setAttribute("tabindex", "-1");
        main.focus({ preventScroll: true });
      }
    }
  }

  function said(xhr) {
    if (!xhr) return "";
    var type = xhr.getResponseHeader("Content-Type") || "";
    var text = (xhr.responseText || "").trim();
    if (type.indexOf("text/plain") !== 0 || !text || text.length > LONGEST) return "";
    return text;
  }

  function message(name) {
    return document.body.getAttribute(name) || "";
  }

  document.addEventListener("htmx:responseError", function (event) {
    show(said(event.detail.xhr) || message("data-error-generic"));
  });

  document.addEventListener("htmx:sendError", function () {
    show(message("data-error-offline") || message("data-error-generic"));
  });

  // The next action (a POST) clears the line; a background load (the sidebar, more posts) does not.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var config = event.detail.requestConfig;
    if (config && String(config.verb).toLowerCase() !== "get") clear();
  });

  build();
})();
