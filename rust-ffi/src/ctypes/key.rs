//! `BarterKey` (an exchange, instrument or asset key, indexed or by name) and
//! `BarterOrderKey`.

use super::arena::Arena;
use super::strings::BarterStr;
use super::{c_tag, FromC, ToC};
use crate::status::{at, FfiError};
use barter_execution::order::id::{ClientOrderId, StrategyId};
use barter_execution::order::OrderKey;
use barter_instrument::asset::name::AssetNameExchange;
use barter_instrument::asset::{AssetIndex, QuoteAsset};
use barter_instrument::exchange::{ExchangeId, ExchangeIndex};
use barter_instrument::instrument::name::InstrumentNameExchange;
use barter_instrument::instrument::InstrumentIndex;
use serde::de::value::{Error as ValueError, StrDeserializer};
use serde::Deserialize;
use smol_str::SmolStr;

/// Which field of a `BarterKey` holds the key.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarterKeyKind {
    /// `index` holds an `ExchangeIndex`, `InstrumentIndex` or `AssetIndex`.
    Index = 1,
    /// `name` holds an `ExchangeId` in snake_case, or an exchange's
    /// instrument or asset name.
    Name = 2,
    /// barter's `QuoteAsset`: the quote asset of the instrument in context
    /// (trade fees); neither field is used.
    Quote = 3,
}

c_tag!(BarterKeyKind { Index, Name, Quote });

impl BarterKeyKind {
    fn describe(self) -> &'static str {
        match self {
            BarterKeyKind::Index => "an index",
            BarterKeyKind::Name => "a name",
            BarterKeyKind::Quote => "the quote-asset",
        }
    }
}

/// One key of barter's indexed or unindexed form. Both forms share this
/// layout, so an ABI user handles either without a second struct.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BarterKey {
    /// A `BarterKeyKind`.
    pub kind: u32,
    /// Set to zero.
    pub reserved: u32,
    /// Valid when `kind` is `BARTER_KEY_KIND_INDEX`.
    pub index: usize,
    /// Valid when `kind` is `BARTER_KEY_KIND_NAME`.
    pub name: BarterStr,
}

impl BarterKey {
    pub fn index(index: usize) -> Self {
        Self {
            kind: BarterKeyKind::Index as u32,
            reserved: 0,
            index,
            name: BarterStr::EMPTY,
        }
    }

    pub fn name(name: BarterStr) -> Self {
        Self {
            kind: BarterKeyKind::Name as u32,
            reserved: 0,
            index: 0,
            name,
        }
    }

    pub fn quote() -> Self {
        Self {
            kind: BarterKeyKind::Quote as u32,
            ..Self::index(0)
        }
    }

    fn expect(&self, expected: BarterKeyKind) -> Result<(), FfiError> {
        let found = BarterKeyKind::from_raw(self.kind)?;
        if found != expected {
            return Err(FfiError::invalid(format!(
                "expected {} key, found {} key",
                expected.describe(),
                found.describe()
            )));
        }
        Ok(())
    }

    fn expect_index(&self) -> Result<usize, FfiError> {
        self.expect(BarterKeyKind::Index).map(|()| self.index)
    }

    /// # Safety
    /// `name` must be NULL or valid for reads of its length.
    unsafe fn expect_name<'a>(&self) -> Result<&'a str, FfiError> {
        self.expect(BarterKeyKind::Name)?;
        // SAFETY: forwarded from the caller.
        unsafe { self.name.as_str() }
    }
}

macro_rules! index_key {
    ($($index:ty),+) => {$(
        impl ToC for $index {
            type C = BarterKey;
            fn to_c(&self, _: &mut Arena) -> Result<BarterKey, FfiError> {
                Ok(BarterKey::index(self.0))
            }
        }

        impl FromC for $index {
            type C = BarterKey;
            unsafe fn from_c(c: &BarterKey) -> Result<Self, FfiError> {
                c.expect_index().map(Self)
            }
        }
    )+};
}
index_key!(ExchangeIndex, InstrumentIndex, AssetIndex);

macro_rules! name_key {
    ($($name:ty),+) => {$(
        impl ToC for $name {
            type C = BarterKey;
            fn to_c(&self, arena: &mut Arena) -> Result<BarterKey, FfiError> {
                Ok(BarterKey::name(arena.push(self.name())?))
            }
        }

        impl FromC for $name {
            type C = BarterKey;
            unsafe fn from_c(c: &BarterKey) -> Result<Self, FfiError> {
                // SAFETY: forwarded from the caller.
                unsafe { c.expect_name() }.map(<$name>::new)
            }
        }
    )+};
}
name_key!(AssetNameExchange, InstrumentNameExchange);

impl ToC for QuoteAsset {
    type C = BarterKey;
    fn to_c(&self, _: &mut Arena) -> Result<BarterKey, FfiError> {
        Ok(BarterKey::quote())
    }
}

impl FromC for QuoteAsset {
    type C = BarterKey;
    unsafe fn from_c(c: &BarterKey) -> Result<Self, FfiError> {
        c.expect(BarterKeyKind::Quote).map(|()| QuoteAsset)
    }
}

impl ToC for ExchangeId {
    type C = BarterKey;
    fn to_c(&self, arena: &mut Arena) -> Result<BarterKey, FfiError> {
        Ok(BarterKey::name(arena.push(self.as_str())?))
    }
}

impl FromC for ExchangeId {
    type C = BarterKey;
    unsafe fn from_c(c: &BarterKey) -> Result<Self, FfiError> {
        // SAFETY: forwarded from the caller.
        let name = unsafe { c.expect_name() }?;
        // serde is the authority on which names exist (and their aliases).
        ExchangeId::deserialize(StrDeserializer::<ValueError>::new(name))
            .map_err(|e| FfiError::invalid(format!("ExchangeId: {e}")))
    }
}

/// `OrderKey { exchange, instrument, strategy, cid }`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BarterOrderKey {
    pub exchange: BarterKey,
    pub instrument: BarterKey,
    pub strategy: BarterStr,
    pub cid: BarterStr,
}

impl<E: ToC<C = BarterKey>, I: ToC<C = BarterKey>> ToC for OrderKey<E, I> {
    type C = BarterOrderKey;
    fn to_c(&self, arena: &mut Arena) -> Result<BarterOrderKey, FfiError> {
        Ok(BarterOrderKey {
            exchange: self.exchange.to_c(arena)?,
            instrument: self.instrument.to_c(arena)?,
            strategy: arena.push(&self.strategy.0).map_err(at("key.strategy"))?,
            cid: arena.push(&self.cid.0).map_err(at("key.cid"))?,
        })
    }
}

impl<E: FromC<C = BarterKey>, I: FromC<C = BarterKey>> FromC for OrderKey<E, I> {
    type C = BarterOrderKey;
    unsafe fn from_c(c: &BarterOrderKey) -> Result<Self, FfiError> {
        // SAFETY (all four): forwarded from the caller.
        Ok(OrderKey {
            exchange: unsafe { E::from_c(&c.exchange) }.map_err(at("key.exchange"))?,
            instrument: unsafe { I::from_c(&c.instrument) }.map_err(at("key.instrument"))?,
            strategy: StrategyId(smol(unsafe { c.strategy.as_str() }, "key.strategy")?),
            cid: ClientOrderId(smol(unsafe { c.cid.as_str() }, "key.cid")?),
        })
    }
}

/// Attaches a field path to a string-view error and copies the text.
pub(crate) fn smol(view: Result<&str, FfiError>, field: &str) -> Result<SmolStr, FfiError> {
    view.map(SmolStr::new).map_err(at(field))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_key_round_trips_with_max_indices_and_odd_strings() {
        let key = OrderKey {
            exchange: ExchangeIndex(usize::MAX),
            instrument: InstrumentIndex(0),
            strategy: StrategyId::new("stratégie\0with a long tail past 23 bytes"),
            cid: ClientOrderId::new(""),
        };
        let mut arena = Arena::with_capacity(128);
        let c = key.to_c(&mut arena).unwrap();
        let back: OrderKey = unsafe { OrderKey::from_c(&c) }.unwrap();
        assert_eq!(back, key);
    }

    #[test]
    fn exchange_ids_round_trip_by_name() {
        let mut arena = Arena::with_capacity(64);
        let c = ExchangeId::BinanceSpot.to_c(&mut arena).unwrap();
        assert_eq!(unsafe { c.name.as_str() }.unwrap(), "binance_spot");
        assert_eq!(
            unsafe { ExchangeId::from_c(&c) }.unwrap(),
            ExchangeId::BinanceSpot
        );
        let unknown = BarterKey::name(BarterStr::borrowing("nasdaq"));
        let error = unsafe { ExchangeId::from_c(&unknown) }.unwrap_err();
        assert!(
            error.message.contains("unknown variant `nasdaq`"),
            "{error}"
        );
    }

    #[test]
    fn wrong_or_unknown_kinds_are_rejected() {
        let name = BarterKey::name(BarterStr::EMPTY);
        assert!(unsafe { ExchangeIndex::from_c(&name) }.is_err());
        let bogus = BarterKey {
            kind: 99,
            ..BarterKey::index(1)
        };
        let error = unsafe { InstrumentIndex::from_c(&bogus) }.unwrap_err();
        assert_eq!(error.message, "unknown BarterKeyKind value 99");
    }
}
