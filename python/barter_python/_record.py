"""The immutable value-class base shared by every typed barter object."""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn, TypeVar

R = TypeVar("R", bound="Record")

#: Sets a slot without going through the guarded ``__setattr__``.
_set = object.__setattr__
_new = object.__new__


class Record:
    """Slotted, immutable, hashable and compared by type and field values.

    Cheaper to build than a frozen dataclass: construction writes the slots
    directly and only user assignment goes through the guard below.
    """

    __slots__ = ()
    #: The value fields, in barter's order; they define eq, hash and repr.
    _fields: ClassVar[tuple[str, ...]] = ()

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"{type(self).__name__} is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"{type(self).__name__} is immutable; cannot delete {name!r}")

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, field) for field in self._fields)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Record)
        return self._values() == other._values()

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._values()))

    def __repr__(self) -> str:
        fields = ", ".join(f"{field}={getattr(self, field)!r}" for field in self._fields)
        return f"{type(self).__name__}({fields})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), self._values())

    def __copy__(self: R) -> R:
        return self

    def __deepcopy__(self: R, memo: dict[int, Any]) -> R:
        return self


def build(cls: type[R], **fields: Any) -> R:
    """Creates an instance with the given slot values, skipping validation.

    For values that are already known to be valid (decoded by Rust)."""
    obj = _new(cls)
    for name, value in fields.items():
        _set(obj, name, value)
    return obj
