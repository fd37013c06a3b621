"""The one reader of JSON bodies: every API parser and webhook reads JSON through ``read_json``.

Python's parser recurses once per level of nesting, so a small body nested thousands of levels
deep raises ``RecursionError`` (a 500) in the parser, or later in any code that walks the value.
``read_json`` refuses such a body, and one larger than the size limit, with a ``JsonBodyError``
whose ``code`` is stable and whose message is translated.
"""

import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from django.utils.translation import gettext as _

MAX_DEPTH = 32  # the deepest document any client of ours sends is about 4 levels deep


class JsonBodyError(ValueError):
    """A body that is not acceptable JSON. ``code``: ``too_large``, ``too_deep`` or ``invalid``."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def max_body_bytes() -> int | None:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def read_bytes(source, max_bytes: int | None) -> bytes:
    """The bytes of a request, a stream or bytes, refusing more than ``max_bytes``."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    elif isinstance(source, HttpRequest):
        try:
            data = source.body
        except RequestDataTooBig:
            raise JsonBodyError("too_large", too_large_message(max_bytes)) from None
    else:  # a stream: read at most one byte past the limit, never the whole of a huge body
        data = source.read() if max_bytes is None else source.read(max_bytes + 1)
    if max_bytes is not None and len(data) > max_bytes:
        raise JsonBodyError("too_large", too_large_message(max_bytes))
    return data


def too_large_message(max_bytes: int | None) -> str:
    if not max_bytes:
        return _("The body is too large.")
    return _("The body is too large (at most %(size)s bytes).") % {"size": max_bytes}


def depth(value) -> int:
    """How deeply a parsed value nests lists and objects (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest


def read_json(source, *, max_bytes: int | None = -1, max_depth: int = MAX_DEPTH, encoding: str = "utf-8"):
    """The parsed JSON of a request, a stream or bytes.

    ``max_bytes`` defaults to ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (None: no limit). Raises
    ``JsonBodyError`` for a body that is too large, nested deeper than ``max_depth``, or not JSON.
    """
    if max_bytes == -1:
        max_bytes = max_body_bytes()
    data = read_bytes(source, max_bytes)
    try:
        value = json.loads(data.decode(encoding) if isinstance(data, bytes) else data)
    except RecursionError:
        raise JsonBodyError("too_deep", too_deep_message(max_depth)) from None
    except (ValueError, UnicodeDecodeError, LookupError):
        raise JsonBodyError("invalid", _("The body is not valid JSON.")) from None
    if depth(value) > max_depth:
        raise JsonBodyError("too_deep", too_deep_message(max_depth))
    return value


def too_deep_message(max_depth: int) -> str:
    return _("The JSON is nested too deeply (at most %(depth)s levels).") % {"depth": max_depth}
