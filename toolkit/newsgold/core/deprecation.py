"""Old calling conventions kept working for one minor version, each with a DeprecationWarning.

The Python API takes ``(predictions, gold)`` first and everything after the first two by
keyword. Calls written for 0.2 (more positional arguments; ``score_spans(gold, predictions)``)
still give the same result until 0.4, and say how to write them now.
"""
from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any, TypeVar, cast

F = TypeVar("F", bound=Callable[..., Any])
REMOVED_IN = "0.4.0"


def warn(message: str) -> None:
    """A DeprecationWarning pointing at the caller's caller (the user's line)."""
    warnings.warn(f"{message} (the old form stops working in newsgold {REMOVED_IN})", DeprecationWarning, stacklevel=3)


def positional_after_two(*names: str) -> Callable[[F], F]:
    """Accept, with a warning, positional arguments after the first two: ``names`` are the keyword
    parameters they used to fill, in their old order."""
    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        def inner(*args: Any, **kwargs: Any) -> Any:
            if len(args) > 2:
                extra = args[2:]
                if len(extra) > len(names):
                    raise TypeError(f"{fn.__name__}() takes 2 positional arguments but {len(args)} were given")
                for name, value in zip(names, extra):
                    if name in kwargs:
                        raise TypeError(f"{fn.__name__}() got multiple values for argument {name!r}")
                    kwargs[name] = value
                warn(f"{fn.__name__}(): pass {', '.join(names[:len(extra)])} by keyword")
                args = args[:2]
            return fn(*args, **kwargs)
        return cast(F, inner)
    return wrap


UNSET: Any = object()   # "not given" (None is a value some callers pass)


def predictions_and_gold(fn_name: str, args: tuple[Any, ...], predictions: Any, gold: Any) -> tuple[Any, Any]:
    """``(predictions, gold)`` of a function whose 0.2 form was ``fn(gold, predictions)``.

    By keyword the order does not matter. Positional arguments keep their 0.2 meaning (gold
    first) with a warning until the old form is removed, so an old call never silently
    scores the gold against the predictions.
    """
    if not args:
        if predictions is UNSET or gold is UNSET:
            raise TypeError(f"{fn_name}() needs predictions= and gold=")
        return predictions, gold
    if len(args) > 2 or (len(args) == 2 and (predictions is not UNSET or gold is not UNSET)) \
            or (len(args) == 1 and gold is not UNSET):
        raise TypeError(f"{fn_name}(): pass predictions= and gold= by keyword")
    warn(f"{fn_name}(gold, predictions) by position is deprecated: write {fn_name}(predictions=..., gold=...)")
    if len(args) == 1:
        if predictions is UNSET:
            raise TypeError(f"{fn_name}() needs predictions=")
        return predictions, args[0]
    return args[1], args[0]
