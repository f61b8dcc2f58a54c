//! `Arena`: owns everything the C structs of one batch point into.

use super::strings::BarterStr;
use crate::limits::check_string_len;
use crate::status::{BarterStatus, FfiError};
use std::any::Any;

/// Owns the bytes behind the `BarterStr` views of one batch, in one contiguous
/// buffer, and the arrays that C structs of the batch point to. Its capacity is fixed when it is created, so the buffer never moves
/// and views stay valid for the arena's lifetime.
pub struct Arena {
    buf: Vec<u8>,
    slices: Vec<Box<dyn Any>>,
}

impl Arena {
    /// Decoded strings are never longer than their JSON text, so the input
    /// length is a capacity that every push of a decode fits into.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            buf: Vec::with_capacity(capacity),
            slices: Vec::new(),
        }
    }

    pub fn push(&mut self, s: &str) -> Result<BarterStr, FfiError> {
        if s.is_empty() {
            return Ok(BarterStr::EMPTY);
        }
        check_string_len(s.len())?;
        if self.buf.capacity() - self.buf.len() < s.len() {
            // Growing would move the buffer and dangle earlier views.
            return Err(FfiError::new(
                BarterStatus::Panic,
                "internal error: string arena capacity exceeded",
            ));
        }
        let start = self.buf.len();
        self.buf.extend_from_slice(s.as_bytes());
        Ok(BarterStr {
            // SAFETY: `start..start + len` was just written inside `buf`.
            ptr: unsafe { self.buf.as_ptr().add(start) },
            len: s.len(),
        })
    }

    /// Keeps `items` for the arena's lifetime and returns a pointer to them
    /// and their count, for a C struct's array field.
    pub fn keep_slice<T: 'static>(&mut self, items: Vec<T>) -> (*const T, usize) {
        let items: Box<[T]> = items.into_boxed_slice();
        let view = (items.as_ptr(), items.len());
        self.slices.push(Box::new(items));
        view
    }

    pub fn as_view(&self) -> BarterStr {
        BarterStr {
            ptr: self.buf.as_ptr(),
            len: self.buf.len(),
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
    }

    #[test]
    fn arena_refuses_to_grow() {
        let mut arena = Arena::with_capacity(2);
        assert!(arena.push("abc").is_err());
    }

    #[test]
    fn slices_stay_put() {
        let mut arena = Arena::with_capacity(0);
        let (ptr, len) = arena.keep_slice(vec![1u32, 2, 3]);
        arena.keep_slice(vec![4u64; 100]);
        assert_eq!(unsafe { std::slice::from_raw_parts(ptr, len) }, &[1, 2, 3]);
    }
}
