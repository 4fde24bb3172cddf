// lightbox.js: a card's images in a <dialog> (templates/posts/_images.html, media.css).
// A thumbnail is a plain link to the full image; with this script a click (or Enter) opens the
// dialog instead: the full image with its description as caption, Previous and Next (also the
// arrow keys) between the post's images, Close and Escape, and focus back on the thumbnail.
// The dialog is made once, on first use; its labels come from the images' data-label-*
// attributes, which the server translates.
(function () {
  "use strict";

  var dialog = null;
  var parts = {};
  var links = [];
  var index = 0;
  var opener = null;
  var labels = {};

  function button(className, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = className;
    b.addEventListener("click", onClick);
    return b;
  }

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "lightbox";
    var figure = document.createElement("figure");
    parts.image = document.createElement("img");
    parts.caption = document.createElement("figcaption");
    // The image's alt already says it to screen readers; the caption is for the eyes.
    parts.caption.setAttribute("aria-hidden", "true");
    figure.append(parts.image, parts.caption);
    parts.position = document.createElement("p");
    parts.position.className = "lightbox-position";
    parts.position.setAttribute("aria-live", "polite");
    var bar = document.createElement("div");
    bar.className = "lightbox-bar";
    parts.previous = button("lightbox-previous secondary", function () { show(index - 1); });
    parts.next = button("lightbox-next secondary", function () { show(index + 1); });
    parts.close = button("lightbox-close", function () { dialog.close(); });
    bar.append(parts.previous, parts.next, parts.close);
    dialog.append(bar, figure, parts.position);
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft") { show(index - 1); event.preventDefault(); }
      if (event.key === "ArrowRight") { show(index + 1); event.preventDefault(); }
    });
    // A click on the dark area closes it: anywhere but the image, the caption's text and the
    // buttons (the figure fills the screen, so "beside the image" is mostly the figure). The
    // press must start there too, so selecting caption text never closes it.
    var pressedOnBackdrop = false;
    function backdrop(target) {
      return !(target instanceof Element) || !target.closest("img, figcaption, button");
    }
    dialog.addEventListener("pointerdown", function (event) {
      pressedOnBackdrop = backdrop(event.target);
    });
    dialog.addEventListener("click", function (event) {
      if (pressedOnBackdrop && backdrop(event.target)) dialog.close();
      pressedOnBackdrop = false;
    });
    dialog.addEventListener("close", function () {
      parts.image.removeAttribute("src");
      if (opener && opener.isConnected) opener.focus();
      opener = null;
    });
    document.body.append(dialog);
  }

  function label(name, fallback) {
    return labels[name] || fallback;
  }

  function show(n) {
    index = (n + links.length) % links.length;
    var link = links[index];
    var alt = link.dataset.alt || "";
    parts.image.src = link.getAttribute("href");
    parts.image.alt = alt;
    parts.caption.textContent = alt;
    parts.caption.hidden = !alt;
    parts.position.textContent = label("position", "{n} / {total}")
      .replace("{n}", index + 1).replace("{total}", links.length);
    parts.position.hidden = links.length < 2;
  }

  function open(link) {
    var group = link.closest("[data-lightbox]");
    if (!dialog) build();
    labels = {
      dialog: group.dataset.labelDialog,
      previous: group.dataset.labelPrevious,
      next: group.dataset.labelNext,
      close: group.dataset.labelClose,
      position: group.dataset.labelPosition,
    };
    dialog.setAttribute("aria-label", label("dialog", "Image viewer"));
    parts.previous.textContent = label("previous", "Previous image");
    parts.next.textContent = label("next", "Next image");
    parts.close.textContent = label("close", "Close");
    links = Array.prototype.slice.call(group.querySelectorAll("a.post-image-link"));
    parts.previous.hidden = parts.next.hidden = links.length < 2;
    opener = link;
    show(links.indexOf(link));
    dialog.showModal();
    parts.close.focus();
  }

  document.addEventListener("click", function (event) {
    // A new tab or window (modifier keys, middle button) keeps the plain link.
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    var link = event.target.closest && event.target.closest("[data-lightbox] a.post-image-link");
    if (!link || typeof HTMLDialogElement !== "function") return;
    event.preventDefault();
    open(link);
  });
})();
