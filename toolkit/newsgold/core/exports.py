"""Public names of a subpackage, loaded on first use.

Each subpackage's ``__init__.py`` declares its public API in ``__all__`` and maps each name to
the module that defines it; the module is imported only when the name is used, so
``import newsgold.scoring`` stays as cheap as the command line needs.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping


def lazy(package: str, modules: Mapping[str, tuple[str, ...]]) -> Callable[[str], object]:
    """A module ``__getattr__`` that finds each public name in its module (``modules``: module -> its public names)."""
    where = {name: module for module, names in modules.items() for name in names}

    def get(name: str) -> object:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{where[name]}"), name)
    return get
