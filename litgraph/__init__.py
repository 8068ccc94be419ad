"""litgraph: a clinical trial's literature as author, paper and trial graphs."""

from .api import Build, InputError, build
from .settings import Settings
from .version import __version__

__all__ = ["Build", "InputError", "Settings", "build", "__version__"]
