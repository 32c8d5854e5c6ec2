"""Stage 1, documents: human-authored YAML read into typed documents with positions.

`loading` (YAML -> data + position index, limits) with its `parse_cache`; `schemas` (the
pydantic models, one per document kind); `validated` (one document against its schema);
`placeholders` and `completeness` (what counts as not filled in); `crossrefs` (references
between documents); `signoffs` (reading sign-offs and what they cover); `workspace` (finds
the workspace and loads every document once).
"""
