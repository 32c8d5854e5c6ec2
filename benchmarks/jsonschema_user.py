"""A libyaml + jsonschema script: what a user writes to check documents against the JSON
Schemas cardgate exports (`cardgate schema`), the fastest way in Python.

Usage: python jsonschema_user.py SCHEMA_FOLDER FILE...

Each file is parsed by PyYAML's C loader (libyaml; dates kept as text, as the schemas
want them) or by `json`, and validated by jsonschema against its kind's schema (chosen by
file name: model-card, checklist-*, datasheet), with format checks, as check-jsonschema
does. Prints the number of files and of invalid ones, with the seconds spent importing,
parsing and validating, as JSON. Imports nothing of cardgate's.
"""

import json
import sys
import time

start = time.perf_counter()
import jsonschema  # noqa: E402
import yaml  # noqa: E402


class Loader(yaml.CSafeLoader):
    """libyaml, with timestamps left as text."""


Loader.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)


def kind(name: str) -> str:
    if name.startswith("checklist"):
        return "checklist"
    return name.split(".")[0]


def main(folder: str, files: list[str]) -> None:
    imported = time.perf_counter()
    validators = {}
    for name in ("model-card", "checklist", "datasheet"):
        with open(f"{folder}/{name}.schema.json", encoding="utf-8") as handle:
            schema = json.load(handle)
        validators[name] = jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )
    parsed = []
    for path in files:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        data = json.loads(text) if path.endswith(".json") else yaml.load(text, Loader=Loader)
        parsed.append((kind(path.rsplit("/", 1)[-1]), data))
    read = time.perf_counter()
    invalid = sum(1 for name, data in parsed if not validators[name].is_valid(data))
    done = time.perf_counter()
    seconds = {"import": imported - start, "parse": read - imported, "validate": done - read}
    json.dump({"files": len(files), "invalid": invalid, "seconds": seconds}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
