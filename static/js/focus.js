// focus.js: see docs/architecture.md
