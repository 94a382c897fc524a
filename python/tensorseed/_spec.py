"""Spec dicts as JSON text: one tensor per line, readable and diffable."""
import json


def spec_text(spec):
    """The spec as JSON text (the CLI reads it), each tensor on its own line."""
    head = {k: v for k, v in spec.items() if k != "tensors"}
    lines = [json.dumps(t, allow_nan=False) for t in spec.get("tensors", [])]
    top = json.dumps(head, allow_nan=False)[1:-1]
    return "{" + top + (", " if top else "") + '"tensors": [\n  ' + ",\n  ".join(lines) + "\n]}\n"
