"""litgraph: a clinical trial's literature as author, paper and trial graphs.

The front door (`build`, `Build`, `Settings`, `InputError`) is imported on first use, so that
`litgraph --help` and the light submodules load without networkx, numpy or requests-cache.
"""

from importlib import import_module

from .version import __version__

_FRONT_DOOR = {"Build": ".api", "InputError": ".sources.inputs", "build": ".api", "Settings": ".settings",
               "up_to_date": ".uptodate"}
__all__ = [*sorted(_FRONT_DOOR), "__version__"]


def __getattr__(name: str):
    if name not in _FRONT_DOOR:
        raise AttributeError(f"module 'litgraph' has no attribute {name!r}")
    value = getattr(import_module(_FRONT_DOOR[name], __name__), name)
    globals()[name] = value  # found once; later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
