"""The error every reader of a service's answer raises, and the JSON reader they share. Apart from
the network code, so that the parsers (and the command line that names their formats) load without
the HTTP stack."""

import json

import orjson


class AnswerFormatError(ValueError):
    """An answer that came back whole but cannot be read as what was asked for."""


def json_answer(body: bytes):
    """A JSON answer read: by orjson (iCite's answers run to megabytes, and each is checked before it
    is read), or by json for what orjson refuses and json takes (NaN); ValueError when neither can."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return json.loads(body)
