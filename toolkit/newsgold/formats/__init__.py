"""Other tools' files: one reader per format (``formats/<tool>.py``), listed in :mod:`newsgold.formats.registry`,
shared by ``convert``, ``score --from`` and ``import``."""
from newsgold.core.exports import lazy

__all__ = ["Format", "convert", "get", "names"]
__getattr__ = lazy(__name__, {
    "registry": ("Format", "get", "names"),
    "to_predictions": ("convert",),
})
