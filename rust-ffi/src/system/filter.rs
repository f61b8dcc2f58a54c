//! `BarterInstrumentFilter`: barter's `InstrumentFilter` with indexed keys,
//! the argument of `ClosePositions` and `CancelOrders`.

use crate::ctypes::c_tag;
use crate::status::FfiError;
use barter::engine::state::instrument::filter::InstrumentFilter;
use barter_instrument::asset::AssetIndex;
use barter_instrument::exchange::ExchangeIndex;
use barter_instrument::instrument::InstrumentIndex;
use barter_instrument::Underlying;
use barter_integration::collection::one_or_many::OneOrMany;

/// Which `InstrumentFilter` a `BarterInstrumentFilter` holds.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarterInstrumentFilterKind {
    /// Every instrument; `indices` is unused.
    None = 1,
    /// `indices` are `ExchangeIndex`es.
    Exchanges = 2,
    /// `indices` are `InstrumentIndex`es.
    Instruments = 3,
    /// `indices` are `AssetIndex` pairs, base then quote: `2 * len` of them.
    Underlyings = 4,
}

c_tag!(BarterInstrumentFilterKind {
    None,
    Exchanges,
    Instruments,
    Underlyings
});

/// barter's `InstrumentFilter`. Every filter but `None` names at least one
/// key (barter's `OneOrMany`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BarterInstrumentFilter {
    /// A `BarterInstrumentFilterKind`.
    pub kind: u32,
    /// Set to zero.
    pub reserved: u32,
    /// How many keys: exchanges, instruments, or underlyings.
    pub len: usize,
    /// `len` indices (`2 * len` for underlyings).
    pub indices: *const usize,
}

/// How many of each key the System has: every index must be below it.
#[derive(Debug, Clone, Copy)]
pub struct KeyCounts {
    pub exchanges: usize,
    pub assets: usize,
    pub instruments: usize,
}

fn checked(index: usize, count: usize, what: &str) -> Result<usize, FfiError> {
    if index < count {
        return Ok(index);
    }
    Err(FfiError::invalid(format!(
        "{what} index {index} is out of range: the System has {count}"
    )))
}

fn one_or_many<T>(items: Vec<T>) -> Result<OneOrMany<T>, FfiError> {
    match <[T; 1]>::try_from(items) {
        Ok([one]) => Ok(OneOrMany::One(one)),
        Err(items) if items.is_empty() => Err(FfiError::invalid(
            "an instrument filter other than None needs at least one key (len is 0)",
        )),
        Err(items) => Ok(OneOrMany::Many(items)),
    }
}

impl BarterInstrumentFilter {
    /// The barter filter, every index checked against `counts`.
    ///
    /// # Safety
    /// `indices` must be NULL only if no index is read, else valid for reads
    /// of `len` (`2 * len` for underlyings) `usize`s.
    pub unsafe fn to_barter(&self, counts: KeyCounts) -> Result<InstrumentFilter, FfiError> {
        let kind = BarterInstrumentFilterKind::from_raw(self.kind)?;
        if kind == BarterInstrumentFilterKind::None {
            return Ok(InstrumentFilter::None);
        }
        let width = if kind == BarterInstrumentFilterKind::Underlyings {
            2
        } else {
            1
        };
        let total = self
            .len
            .checked_mul(width)
            .ok_or_else(|| FfiError::invalid(format!("len {} is too large", self.len)))?;
        // SAFETY: per this function's contract.
        let indices = unsafe { crate::batch::input_slice(self.indices, total, "indices") }?;
        Ok(match kind {
            BarterInstrumentFilterKind::None => InstrumentFilter::None,
            BarterInstrumentFilterKind::Exchanges => InstrumentFilter::Exchanges(one_or_many(
                indices
                    .iter()
                    .map(|&i| checked(i, counts.exchanges, "exchange").map(ExchangeIndex))
                    .collect::<Result<_, _>>()?,
            )?),
            BarterInstrumentFilterKind::Instruments => InstrumentFilter::Instruments(one_or_many(
                indices
                    .iter()
                    .map(|&i| checked(i, counts.instruments, "instrument").map(InstrumentIndex))
                    .collect::<Result<_, _>>()?,
            )?),
            BarterInstrumentFilterKind::Underlyings => InstrumentFilter::Underlyings(one_or_many(
                indices
                    .chunks_exact(2)
                    .map(|pair| {
                        Ok(Underlying {
                            base: AssetIndex(checked(pair[0], counts.assets, "asset")?),
                            quote: AssetIndex(checked(pair[1], counts.assets, "asset")?),
                        })
                    })
                    .collect::<Result<_, FfiError>>()?,
            )?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COUNTS: KeyCounts = KeyCounts {
        exchanges: 1,
        assets: 4,
        instruments: 3,
    };

    fn filter(kind: u32, indices: &[usize], len: usize) -> Result<InstrumentFilter, FfiError> {
        let c = BarterInstrumentFilter {
            kind,
            reserved: 0,
            len,
            indices: indices.as_ptr(),
        };
        unsafe { c.to_barter(COUNTS) }
    }

    #[test]
    fn every_kind_converts() {
        assert_eq!(filter(1, &[], 0).unwrap(), InstrumentFilter::None);
        assert_eq!(
            filter(3, &[0, 2], 2).unwrap(),
            InstrumentFilter::Instruments(OneOrMany::Many(vec![
                InstrumentIndex(0),
                InstrumentIndex(2)
            ]))
        );
        assert_eq!(
            filter(4, &[1, 0], 1).unwrap(),
            InstrumentFilter::Underlyings(OneOrMany::One(Underlying {
                base: AssetIndex(1),
                quote: AssetIndex(0)
            }))
        );
    }

    #[test]
    fn hostile_filters_are_refused() {
        assert!(filter(0, &[], 0).unwrap_err().message.contains("unknown"));
        assert!(filter(9, &[], 0).is_err());
        assert!(filter(2, &[1], 1)
            .unwrap_err()
            .message
            .contains("out of range"));
        assert!(filter(3, &[], 0)
            .unwrap_err()
            .message
            .contains("at least one"));
        assert!(filter(4, &[], usize::MAX).is_err());
        let null = BarterInstrumentFilter {
            kind: 3,
            reserved: 0,
            len: 1,
            indices: std::ptr::null(),
        };
        assert!(unsafe { null.to_barter(COUNTS) }.is_err());
    }
}
