"""The CEL runtime (common-expression-language's compiled extension), without its interactive shell.

`import cel` also imports the package's REPL (prompt_toolkit, pygments, rich's syntax highlighting):
a tenth of a second of every `standards check` start-up, for nothing the checker uses. The compiled
module is loaded on its own, under its own name, so a later `import cel` (a benchmark, a test) finds
it in sys.modules and reuses it rather than loading it twice.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from types import ModuleType
from typing import TYPE_CHECKING


def _load() -> ModuleType:
    loaded = sys.modules.get("cel.cel")
    if loaded is not None:
        return loaded
    package = importlib.util.find_spec("cel")  # found, not imported: the package's __init__ does not run
    folders = list(package.submodule_search_locations or []) if package is not None else []
    spec = importlib.machinery.PathFinder.find_spec("cel.cel", folders)
    if spec is None or spec.loader is None:  # laid out otherwise: take the whole package after all
        import cel.cel

        return cel.cel
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules["cel.cel"] = module
    return module


if TYPE_CHECKING:
    from cel.cel import Context as Context
    from cel.cel import compile as compile
else:
    _runtime = _load()
    Context = _runtime.Context
    compile = _runtime.compile
