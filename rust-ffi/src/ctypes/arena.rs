//! `Arena`: holds everything the C structs of one batch, or of one item
//! decoded into the caller's memory, point into.

use super::strings::BarterStr;
use crate::limits::check_string_len;
use crate::status::{BarterStatus, FfiError};
use std::any::Any;
use std::mem::{align_of, size_of};
use std::ptr::NonNull;

/// Holds the bytes behind the `BarterStr` views of one batch in one
/// contiguous region, and the arrays that C structs of the batch point to.
/// The region never moves or grows, so views stay valid as long as it does.
///
/// The region is either owned (a buffer allocated here, with the arrays in
/// boxes of their own), or borrowed from the caller (`barter_decode_one_into`),
/// where the arrays are copied into the region too. A push that does not fit
/// fails in an owned arena, whose capacity is a bound that must hold; in a
/// borrowed one it only counts the bytes it would have taken, so that the
/// caller learns the size of buffer to retry with.
pub struct Arena {
    base: *mut u8,
    /// Bytes taken (or, borrowed and overflowed, that would be taken) from
    /// `base`; every push lands at this offset whether it fits or not, so
    /// the layout, and the total, do not depend on the capacity.
    len: usize,
    cap: usize,
    /// The alignment `base` is known to have; borrowed arrays are aligned
    /// relative to `base`, so the total is the same at any such address.
    align: usize,
    borrowed: bool,
    /// Keeps alive the allocation `base` points into when owned (empty
    /// when borrowed); only ever written through `base`.
    _allocation: Vec<u8>,
    slices: Vec<Box<dyn Any>>,
}

impl Arena {
    /// Decoded strings are never longer than their JSON text, so the input
    /// length is a capacity that every push of a decode fits into.
    pub fn with_capacity(capacity: usize) -> Self {
        let mut allocation = Vec::with_capacity(capacity);
        Self {
            base: allocation.as_mut_ptr(),
            len: 0,
            cap: capacity,
            align: 1,
            borrowed: false,
            _allocation: allocation,
            slices: Vec::new(),
        }
    }

    /// An arena over the caller's `cap` bytes at `base`, whose first
    /// `reserved` bytes are left for the item itself.
    ///
    /// # Safety
    /// `base` must be aligned to `align` (a power of two), valid for writes
    /// of `cap` bytes and not otherwise accessed while the arena or any
    /// view it hands out is in use; it may be NULL only if `cap` is 0.
    pub unsafe fn borrowing(base: *mut u8, cap: usize, reserved: usize, align: usize) -> Self {
        Self {
            base,
            len: reserved,
            cap,
            align,
            borrowed: true,
            _allocation: Vec::new(),
            slices: Vec::new(),
        }
    }

    /// The bytes the arena has taken from its region (or would need, when
    /// a borrowed region was too small), counting any reserved bytes.
    pub fn used(&self) -> usize {
        self.len
    }

    /// Takes `size` bytes at offset `start`: the pointer to them, or `None`
    /// when they do not fit (counted in a borrowed arena, an error in an
    /// owned one).
    fn take(&mut self, start: usize, size: usize) -> Result<Option<*mut u8>, FfiError> {
        let end = start.saturating_add(size);
        if end > self.cap {
            if !self.borrowed {
                // Growing would move the buffer and dangle earlier views.
                return Err(FfiError::new(
                    BarterStatus::Panic,
                    "internal error: string arena capacity exceeded",
                ));
            }
            self.len = end;
            return Ok(None);
        }
        self.len = end;
        // SAFETY: `start + size <= cap`, inside the region.
        Ok(Some(unsafe { self.base.add(start) }))
    }

    pub fn push(&mut self, s: &str) -> Result<BarterStr, FfiError> {
        if s.is_empty() {
            return Ok(BarterStr::EMPTY);
        }
        check_string_len(s.len())?;
        let Some(at) = self.take(self.len, s.len())? else {
            // The item holding this view is never handed out.
            return Ok(BarterStr::EMPTY);
        };
        // SAFETY: `at` has room for `s` and nothing else points there yet.
        unsafe { std::ptr::copy_nonoverlapping(s.as_ptr(), at, s.len()) };
        Ok(BarterStr {
            ptr: at,
            len: s.len(),
        })
    }

    /// Keeps `items` for the arena's lifetime and returns a pointer to them
    /// and their count, for a C struct's array field.
    pub fn keep_slice<T: Copy + 'static>(
        &mut self,
        items: Vec<T>,
    ) -> Result<(*const T, usize), FfiError> {
        let count = items.len();
        if !self.borrowed {
            let items: Box<[T]> = items.into_boxed_slice();
            let view = items.as_ptr();
            self.slices.push(Box::new(items));
            return Ok((view, count));
        }
        if align_of::<T>() > self.align {
            // The padding would depend on the caller's address.
            return Err(FfiError::new(
                BarterStatus::Panic,
                "internal error: an array is aligned more strictly than its item",
            ));
        }
        if count == 0 {
            // Nothing to copy and nothing taken; like an empty Box<[T]>.
            return Ok((NonNull::dangling().as_ptr(), 0));
        }
        let start = self
            .len
            .checked_next_multiple_of(align_of::<T>())
            .unwrap_or(usize::MAX);
        let size = size_of::<T>().saturating_mul(count);
        let Some(at) = self.take(start, size)? else {
            return Ok((NonNull::dangling().as_ptr(), count));
        };
        let at = at.cast::<T>();
        // SAFETY: `at` is aligned for `T` (`base` is aligned to `self.align`
        // and `start` to `T`), has room for `count` items, and `T: Copy`
        // has no drop to run for the bytes it overwrites or leaves behind.
        unsafe { std::ptr::copy_nonoverlapping(items.as_ptr(), at, count) };
        Ok((at, count))
    }

    pub fn as_view(&self) -> BarterStr {
        BarterStr {
            ptr: self.base,
            len: self.len,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_survive_later_pushes_and_keep_nul() {
        let mut arena = Arena::with_capacity(16);
        let a = arena.push("a\0b").unwrap();
        let b = arena.push("ü").unwrap();
        assert_eq!(unsafe { a.as_str() }.unwrap(), "a\0b");
        assert_eq!(unsafe { b.as_str() }.unwrap(), "ü");
        assert_eq!(arena.as_view().len, 5);
        assert_eq!(unsafe { arena.as_view().as_str() }.unwrap(), "a\0bü");
    }

    #[test]
    fn arena_refuses_to_grow() {
        let mut arena = Arena::with_capacity(2);
        let error = arena.push("abc").unwrap_err();
        assert_eq!(error.status, BarterStatus::Panic);
    }

    #[test]
    fn slices_stay_put() {
        let mut arena = Arena::with_capacity(0);
        let (ptr, len) = arena.keep_slice(vec![1u32, 2, 3]).unwrap();
        arena.keep_slice(vec![4u64; 100]).unwrap();
        assert_eq!(unsafe { std::slice::from_raw_parts(ptr, len) }, &[1, 2, 3]);
    }

    #[test]
    fn a_borrowed_region_holds_strings_and_aligned_arrays() {
        let mut region = [0u64; 8];
        let base = region.as_mut_ptr().cast::<u8>();
        // SAFETY: `region` is 64 bytes aligned to 8, used only through the arena.
        let mut arena = unsafe { Arena::borrowing(base, 64, 8, 8) };
        let s = arena.push("abc").unwrap();
        let (ptr, len) = arena.keep_slice(vec![7u64, 9]).unwrap();
        assert_eq!(s.ptr, base.wrapping_add(8));
        assert_eq!(ptr.cast::<u8>(), base.wrapping_add(16), "padded to 8");
        assert_eq!(arena.used(), 32);
        assert_eq!(unsafe { s.as_str() }.unwrap(), "abc");
        assert_eq!(unsafe { std::slice::from_raw_parts(ptr, len) }, &[7, 9]);
    }

    #[test]
    fn a_borrowed_region_too_small_counts_what_it_needs() {
        let mut region = [0xAAu8; 8];
        // SAFETY: `region` is 8 bytes, used only through the arena; `u8`s
        // need no alignment.
        let mut arena = unsafe { Arena::borrowing(region.as_mut_ptr(), 8, 2, 1) };
        arena.push("abcd").unwrap();
        arena.push("efgh").unwrap();
        arena.push("ij").unwrap();
        arena.keep_slice(vec![1u8; 5]).unwrap();
        assert_eq!(arena.used(), 2 + 4 + 4 + 2 + 5);
        assert_eq!(&region, b"\xAA\xAAabcd\xAA\xAA", "nothing past the region");
    }

    #[test]
    fn a_borrowed_array_aligned_more_than_the_region_is_refused() {
        // SAFETY: nothing is written: the array is refused first.
        let mut arena = unsafe { Arena::borrowing(std::ptr::null_mut(), 0, 0, 4) };
        let error = arena.keep_slice(vec![1u64]).unwrap_err();
        assert_eq!(error.status, BarterStatus::Panic);
    }
}
