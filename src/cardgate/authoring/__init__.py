"""Tools for the people who write the documents: `scaffold` (`cardgate init` / `new` from
the templates) and `json_schemas` (`cardgate schema`, for editor autocompletion)."""
