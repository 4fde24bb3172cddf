// compose.js: see docs/architecture.md
