"""The neutral core: what every list and both apps share, importing no app.

Filtering, facets and paging (browsing), the figures worked out ahead of time (figures),
CSV columns and the CSV writer (export), time limits (time_budget), HTTP caching
(http_cache), folded text (folding) and bulk writes (bulk). The apps import the core; the
core imports no app, and reaches the two models it keeps state in through settings
(stores). The import-linter contracts in pyproject.toml hold it to that in CI.
"""
