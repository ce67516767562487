"""Core, the lowest floor: problems and their reporting, JSON reading and writing, schemas, records,
the copy of the dataset in use, the toolkit version. Imports nothing else of the package."""
from newsgold.core.exports import lazy

__all__ = ["Document", "InputError", "Predictions", "Problem", "Quote", "Span", "StanceItem", "__version__"]
__getattr__ = lazy(__name__, {
    "records": ("Document", "Predictions", "Quote", "Span", "StanceItem"),
    "diagnostics": ("InputError", "Problem"),
    "version": ("__version__",),
})
