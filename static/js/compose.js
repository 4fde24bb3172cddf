// compose.js: the compose form's helpers (posts/forms.py PostForm, templates/posts/_media.html).
//
// A live character counter under every textarea and text input with data-max-length (posts,
// comments, messages, content warnings, alt text, poll options, the profile's name and bio;
// core.forms.counted). It counts as the server does (posts.services.post_body_clean, core.text
// and Django's CharField with core.forms.LinesField for textareas):
// line endings as one character, outer whitespace trimmed as Python's str.strip() trims it,
// and code points, not UTF-16 units (an emoji is one). It never cuts the text: over the limit
// it says by how much, and the server refuses the post with the text kept. The visible
// counter updates as you type; a screen reader hears it once typing pauses.
//
// A chosen image shows at once, from the file itself, while htmx uploads it.
(function () {
  "use strict";

  var WARN_WITHIN = 20;
  var SPEAK_AFTER_MS = 800;
  // Python's str.isspace() characters, which str.strip() removes (JavaScript's trim() differs:
  // it keeps U+001C-U+001F and U+0085 and removes U+FEFF).
  var SPACE = "[\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
  var OUTER_SPACE = new RegExp("^" + SPACE + "+|" + SPACE + "+$", "g");

  function serverLength(value) {
    var text = value.replace(/\r\n?/g, "\n").replace(OUTER_SPACE, "");
    return Array.from(text).length;
  }

  function message(textarea, remaining) {
    var over = remaining < 0;
    var n = Math.abs(remaining);
    var key = (over ? "counterOver" : "counter") + (n === 1 ? "One" : "Other");
    var fallback = over ? "{n} characters over the limit" : "{n} characters left";
    return (textarea.dataset[key] || fallback).replace("{n}", n);
  }

  function update(textarea) {
    var counter = textarea.charCounter;
    var remaining = Number(textarea.dataset.maxLength) - serverLength(textarea.value);
    var text = message(textarea, remaining);
    counter.visible.textContent = text;
    counter.visible.dataset.remaining = remaining;
    counter.visible.classList.toggle("warn", remaining >= 0 && remaining <= WARN_WITHIN);
    counter.visible.classList.toggle("over", remaining < 0);
    clearTimeout(counter.timer);
    counter.timer = setTimeout(function () { counter.spoken.textContent = text; }, SPEAK_AFTER_MS);
  }

  function attach(textarea) {
    if (textarea.charCounter) return;
    // A maxlength would make the browser cut a paste short without a word.
    textarea.removeAttribute("maxlength");
    var visible = document.createElement("small");
    visible.className = "char-counter";
    visible.setAttribute("aria-hidden", "true");
    var spoken = document.createElement("span");
    spoken.className = "visually-hidden";
    spoken.setAttribute("aria-live", "polite");
    textarea.after(visible, spoken);
    textarea.charCounter = { visible: visible, spoken: spoken, timer: null };
    update(textarea);
    clearTimeout(textarea.charCounter.timer);  // nothing to announce before any typing
    textarea.addEventListener("input", function () { update(textarea); });
  }

  var COUNTED = "textarea[data-max-length], input[type=text][data-max-length]";

  function attachAll(root) {
    var scope = root && root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches(COUNTED)) attach(scope);
    scope.querySelectorAll(COUNTED).forEach(attach);
  }

  // Show the chosen image in its slot at once; htmx then swaps in the uploaded draft (or the
  // slot again with the server's refusal).
  function preview(input) {
    var slot = input.closest(".compose-slot");
    var file = input.files && input.files[0];
    if (!slot || !file || !/^image\//.test(file.type)) return;
    var old = slot.querySelector(".compose-preview");
    if (old) old.remove();
    var box = document.createElement("div");
    box.className = "compose-preview";
    var image = document.createElement("img");
    image.className = "compose-thumb";
    image.alt = "";
    // A data: address: the CSP's img-src allows it, not blob:.
    var reader = new FileReader();
    reader.addEventListener("load", function () { image.src = reader.result; });
    reader.readAsDataURL(file);
    var status = document.createElement("small");
    status.setAttribute("role", "status");
    status.textContent = slot.closest("[data-uploading]")
      ? slot.closest("[data-uploading]").dataset.uploading : "Uploading…";
    box.append(image, status);
    input.before(box);
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches(".compose-slot input[type=file]")) {
      preview(event.target);
    }
  });
  document.addEventListener("DOMContentLoaded", function () { attachAll(document); });
  // A form htmx swaps in (a comment form after an error, a fresh one after posting).
  document.addEventListener("htmx:load", function (event) { attachAll(event.target); });
})();
