"""YAML for files people write by hand (layouts, packs), read with limits.

``load(text, source=...)`` is ``yaml.safe_load`` with three refusals, so that a small file
cannot make the reader do a large amount of work:

* anchors and aliases (``&name`` / ``*name``): a 606-byte "billion laughs" file expands
  to a billion items through them, and nothing reportlib reads needs them;
* files over ``max_bytes`` (256 KiB by default; a layout or pack is a few KiB);
* nesting deeper than ``MAX_DEPTH`` (the composer is recursive);
* a key given twice in one mapping (plain YAML keeps the last in silence).

Dates are not turned into date objects here: they stay text, which the pack and layout
checks read themselves, so "2010-02-30" is a located error rather than a crash.

Each refusal raises ``UnsafeYaml``, a ``yaml.YAMLError``, so callers already catching
``yaml.YAMLError`` keep working; its message names the file.
"""
from __future__ import annotations

import yaml
from yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent

MAX_BYTES = 256 * 1024
MAX_DEPTH = 50


class UnsafeYaml(yaml.YAMLError):
    """A YAML file refused before or while parsing: too big, anchors/aliases, or too deep."""


def problem_line(exc: yaml.YAMLError) -> str:
    """A YAML error on one line: where, and what is wrong ("line 2, column 8: expected ',' or ']'...")."""
    def at(mark) -> str:
        return f"line {mark.line + 1}, column {mark.column + 1}"

    problem, context = getattr(exc, "problem", None), getattr(exc, "context", None)
    problem_mark, context_mark = getattr(exc, "problem_mark", None), getattr(exc, "context_mark", None)
    if not problem:
        return " ".join(str(exc).split())
    text = (f"{at(problem_mark)}: " if problem_mark else "") + " ".join(problem.split())
    if context:
        text += f" ({' '.join(context.split())}" + (f" that starts at {at(context_mark)})" if context_mark else ")")
    return text


def _loader_for(source: str):
    class _Loader(yaml.SafeLoader):
        _depth = 0

        def compose_node(self, parent, index):
            event = self.peek_event()
            if isinstance(event, AliasEvent) or (isinstance(event, (ScalarEvent, CollectionStartEvent))
                                                 and event.anchor is not None):
                line = event.start_mark.line + 1 if event.start_mark else "?"
                raise UnsafeYaml(f"aliases and anchors (& and *) are not allowed in {source} (line {line})")
            self._depth += 1
            try:
                if self._depth > MAX_DEPTH:
                    raise UnsafeYaml(f"{source} is nested more than {MAX_DEPTH} levels deep")
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1

        def construct_mapping(self, node, deep=False):
            seen = {}
            for key_node, _ in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                if key is not None and key in seen:
                    raise UnsafeYaml(f"'{key}' is given twice in {source} (lines {seen[key]} and "
                                     f"{key_node.start_mark.line + 1}); give each key once")
                if key is not None:
                    seen[key] = key_node.start_mark.line + 1
            return super().construct_mapping(node, deep=deep)

    _Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return _Loader


def load(text, *, source: str, max_bytes: int = MAX_BYTES):
    """Parse ``text`` (str or bytes) as YAML with the limits above; ``source`` names the file in messages."""
    size = len(text.encode("utf-8") if isinstance(text, str) else text)
    if size > max_bytes:
        raise UnsafeYaml(f"{source} is {size:,} bytes; a file of this kind may be at most {max_bytes:,} bytes")
    loader = _loader_for(source)(text)
    try:
        return loader.get_single_data()
    except RecursionError:
        raise UnsafeYaml(f"{source} is nested too deeply to read") from None
    finally:
        loader.dispose()
