"""The immutable value-class base shared by every typed barter class.

A ``Record`` is a tuple underneath: building one is a single
``tuple.__new__`` call, the cheapest immutable object CPython and PyPy can
make (a frozen dataclass costs several times more, and a slotted class
still pays one ``object.__setattr__`` per field). Fields are read through
properties. On top of the tuple, equality and hashing include the class, so
``Timeout() != RateLimit()`` and ``OrderKey(...) != (1, 3, "mm", "c")``;
ordering is refused, except where a class defines its own (``Timestamp``).
Being a tuple still shows in ``len()``, iteration and indexing.
"""

from __future__ import annotations

import importlib
from operator import itemgetter
from typing import Any, Callable, ClassVar, NoReturn, TypeVar

R = TypeVar("R", bound="Record")

#: Builds a record from its field values in ``_fields`` order, skipping
#: validation: for values that are known to be valid (decoded by Rust).
make = tuple.__new__


def _property_getter(index: int, doc: str) -> Any:
    return property(itemgetter(index), doc=doc)


#: A read-only descriptor for tuple item ``index``: CPython's C one (what
#: namedtuple fields use, ~40% faster to read than a property), or a
#: property where it does not exist (PyPy, whose JIT makes either cheap).
field_getter: Callable[[int, str], Any] = getattr(
    importlib.import_module("_collections"), "_tuplegetter", _property_getter
)


class Record(tuple):  # type: ignore[type-arg]
    """Immutable, hashable, compared by class and field values."""

    __slots__ = ()
    #: The value fields, in barter's order: the tuple's items.
    _fields: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for index, field in enumerate(cls._fields):
            if field not in cls.__dict__:
                setattr(cls, field, field_getter(index, f"The ``{field}`` field."))

    def __new__(cls: type[R]) -> R:
        return make(cls, ())

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"{type(self).__name__} is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"{type(self).__name__} is immutable; cannot delete {name!r}")

    # A definite answer for other types: NotImplemented would let Python fall
    # back to plain tuple equality.
    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and tuple.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return type(other) is not type(self) or tuple.__ne__(self, other)

    def __hash__(self) -> int:
        return hash((type(self).__name__, tuple.__hash__(self)))

    def __lt__(self, other: object) -> bool:
        return NotImplemented

    __le__ = __gt__ = __ge__ = __lt__

    def __repr__(self) -> str:
        fields = ", ".join(f"{field}={value!r}" for field, value in zip(self._fields, self))
        return f"{type(self).__name__}({fields})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), tuple(self))

    def __copy__(self: R) -> R:
        return self

    def __deepcopy__(self: R, memo: dict[int, Any]) -> R:
        return self
