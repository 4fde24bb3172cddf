// lightbox.js: see docs/architecture.md
