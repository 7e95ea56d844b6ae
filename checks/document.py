"""A parsed manifest: its data, and where each key and value is in the file.

Read by checks.block_yaml (nearly every manifest), a document holds its positions as tables and
composes PyYAML's node tree only if something asks for a node (a problem's wording, rarely); read
by PyYAML (checks.loading), it holds the node tree from the start. `place` and `key_place` answer
either way, and are what the checks use to put a finding on its line and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from checks import block_yaml
from checks.yaml11 import HardenedLoader

NodePath = tuple[str | int, ...]


@dataclass(slots=True)
class Document:
    """A parsed YAML file: its data, and the positions of its keys and values (see the module)."""

    data: Any
    composed: yaml.Node | None
    text: str
    # Failures of many requirements point at the same few fields: look each path up once.
    found: dict[NodePath, tuple[yaml.Node, bool]] = field(default_factory=dict)
    key_index: dict[int, dict[str, tuple[yaml.Node, yaml.Node]]] = field(default_factory=dict)
    # Plain numbers YAML 1.1 read in a surprising way (0x1F, 1_000, 1:30:00): validation refuses them.
    surprising: list[yaml.ScalarNode] = field(default_factory=list)
    # From checks.block_yaml: each value's (line, column, kind) and each key's (line, column), by path.
    places: dict[block_yaml.Path, tuple[int, int, int]] | None = None
    key_places: dict[block_yaml.Path, tuple[int, int]] | None = None

    @property
    def root(self) -> yaml.Node:
        if self.composed is None:
            # The same text PyYAML would have read first: it gives the same tree (tests/test_block_yaml.py).
            loader = HardenedLoader(self.text)
            try:
                self.composed = loader.get_single_node()
            finally:
                loader.dispose()
        return self.composed

    def place(self, path: NodePath) -> tuple[int, int]:
        """The line and column of the deepest value on `path` (as `position(node_at(path)[0])`)."""
        if self.places is None:
            return position(self.node_at(path)[0])
        return self._walk(path)[1][:2]

    def key_place(self, path: NodePath) -> tuple[int, int] | None:
        """The line and column of the key of the last element of `path`, if its mapping has it."""
        if self.places is None or self.key_places is None:
            key = self.key_node_at(path)
            return position(key) if key is not None else None
        if not path or not isinstance(path[-1], str):
            return None
        parent, (_, _, kind), complete = self._walk(path[:-1])
        if not complete or kind != block_yaml.MAPPING:
            return None
        return self.key_places.get((*parent, path[-1]))

    def _walk(self, path: NodePath) -> tuple[block_yaml.Path, tuple[int, int, int], bool]:
        # As node_at walks nodes: a mapping is entered by the part as text, a sequence by an index.
        places = self.places
        assert places is not None
        at: block_yaml.Path = ()
        entry = places[at]
        for part in path:
            kind = entry[2]
            if kind == block_yaml.MAPPING:
                child: block_yaml.Path = (*at, str(part))
            elif kind == block_yaml.SEQUENCE and isinstance(part, int) and part >= 0:
                child = (*at, part)
            else:
                return at, entry, False
            found = places.get(child)
            if found is None:
                return at, entry, False
            at, entry = child, found
        return at, entry, True

    def node_at(self, path: NodePath) -> tuple[yaml.Node, bool]:
        """The deepest node on `path`, and whether the whole path was found."""
        cached = self.found.get(path)
        if cached is not None:
            return cached
        node = self.root
        complete = True
        for part in path:
            child = self.child(node, part)
            if child is None:
                complete = False
                break
            node = child
        self.found[path] = (node, complete)
        return node, complete

    def path_to(self, target: yaml.Node) -> NodePath:
        """The key path of a node in the tree (a walk of the tree: only for the rare node a message names)."""
        stack: list[tuple[yaml.Node, NodePath]] = [(self.root, ())]
        while stack:
            node, path = stack.pop()
            if node is target:
                return path
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    name = key.value if isinstance(key, yaml.ScalarNode) else "?"
                    stack.extend(((key, path), (value, (*path, name))))
            elif isinstance(node, yaml.SequenceNode):
                stack.extend((item, (*path, i)) for i, item in enumerate(node.value))
        return ()

    def key_node_at(self, path: NodePath) -> yaml.Node | None:
        """The key node for the last element of `path` in its mapping, if present."""
        if not path or not isinstance(path[-1], str):
            return None
        parent, found = self.node_at(path[:-1])
        if not found or not isinstance(parent, yaml.MappingNode):
            return None
        entry = self._keys(parent).get(path[-1])
        return entry[0] if entry else None

    def child(self, node: yaml.Node, part: str | int) -> yaml.Node | None:
        """The value under `part` in a mapping or sequence node, or None."""
        if isinstance(node, yaml.MappingNode):
            entry = self._keys(node).get(str(part))
            return entry[1] if entry else None
        if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            return node.value[part]  # type: ignore[no-any-return]
        return None

    def _keys(self, node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        # An index per mapping, so a file with thousands of bad keys is still located in linear time.
        index = self.key_index.get(id(node))
        if index is None:
            index = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    index.setdefault(key.value, (key, value))
            self.key_index[id(node)] = index
        return index


def position(node: yaml.Node) -> tuple[int, int]:
    mark = node.start_mark
    return mark.line + 1, mark.column + 1
