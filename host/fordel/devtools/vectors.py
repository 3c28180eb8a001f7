"""The public telegram vectors (../shared/vectors/wmbus_public.json, found through
fordel.paths.given_data()) for benchmarks run on CPython."""
import json

from fordel import paths


def cases(categories=("hca", "water")):
    """The vector cases of the given categories, as the file holds them."""
    with open(paths.given_data() / "vectors" / "wmbus_public.json", encoding="utf-8") as f:
        data = json.load(f)
    return [c for c in data["cases"] if c["category"] in categories]
