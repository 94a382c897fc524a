# Writes json_syntax_errors.txt: invalid JSON texts and the line and column where Python's json module
# (the standard library's RFC 8259 parser) reports the error. Run from the repository root:
#   python3 Tests/TensorSeedTests/Fixtures/json_syntax_errors.py > Tests/TensorSeedTests/Fixtures/json_syntax_errors.txt
# Only texts that every strict parser rejects are listed: Python also accepts NaN, Infinity, repeated keys
# and lone surrogates, which TensorSeed's reader rejects, so those are tested elsewhere.
import json
import sys

texts = [
    '{"a" 1}',
    '{"a": 1,\n "b": 2\n "c": 3}',
    '[1, 2\n 3]',
    '{"tensors": [\n  {"name": "w" "shape": [1]}\n]}',
    '{"a": [1, 2,]}',
    '{"a": tru}',
    '{\n  "\u00e9": "\u00fc",\n  "b": @}',
    '["\U0001F600", \u00e9]',
    '{"a": 01}',
    '{"a": -}',
    '{"a": 1.}',
    '{"a": 1e}',
    '{"a": 2E+}',
    '{"a": "x\\q"}',
    '{"a": "line\nbreak"}',
    '{"a": "\\u12G4"}',
    '{"a": "open',
    '[1] 2',
    '{"a": 1,}',
    '{,}',
    '',
    '  \n\n  ',
    '\t{"k": [true, false, null,\n\t\tnul]}',
    '{"seed": 7,\r\n "dtype": "f32",\r\n "tensors": [}',
]

print("# Produced by: python3 Tests/TensorSeedTests/Fixtures/json_syntax_errors.py (Python %d.%d json)" % sys.version_info[:2])
print("# Columns: line, column (1-based, in code points), the text as a JSON string, '#', Python's message.")
for text in texts:
    try:
        json.loads(text)
        raise SystemExit("accepted: %r" % text)
    except json.JSONDecodeError as error:
        print(error.lineno, error.colno, json.dumps(text), "#", error.msg)
