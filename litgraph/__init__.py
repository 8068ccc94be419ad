"""litgraph: a clinical trial's literature as author, paper and trial graphs."""

__version__ = "0.1.0"

from .api import Build, InputError, build  # noqa: E402  (the version must exist first)
from .settings import Settings  # noqa: E402

__all__ = ["Build", "InputError", "Settings", "build", "__version__"]
