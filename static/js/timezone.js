// timezone.js: see docs/architecture.md
