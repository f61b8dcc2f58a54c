//! `BarterOrderError`: every leaf of `OrderError` (its `ConnectivityError` and
//! `ApiError` variants) as one flat tag.

use super::arena::Arena;
use super::key::BarterKey;
use super::strings::BarterStr;
use super::{c_tag, FromC, ToC};
use crate::status::{at, FfiError};
use barter_execution::error::{ApiError, ConnectivityError, OrderError};
use barter_instrument::exchange::ExchangeId;

/// The leaf of an `OrderError`. Comments name the fields each one uses.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarterOrderErrorKind {
    /// `Connectivity(ExchangeOffline(key))`, key is an `ExchangeId` name.
    ConnectivityExchangeOffline = 1,
    /// `Connectivity(Timeout)`.
    ConnectivityTimeout = 2,
    /// `Connectivity(Socket(message))`.
    ConnectivitySocket = 3,
    /// `Rejected(AssetInvalid(key, message))`, key is an asset.
    ApiAssetInvalid = 4,
    /// `Rejected(InstrumentInvalid(key, message))`, key is an instrument.
    ApiInstrumentInvalid = 5,
    /// `Rejected(RateLimit)`.
    ApiRateLimit = 6,
    /// `Rejected(BalanceInsufficient(key, message))`, key is an asset.
    ApiBalanceInsufficient = 7,
    /// `Rejected(OrderRejected(message))`.
    ApiOrderRejected = 8,
    /// `Rejected(OrderAlreadyCancelled)`.
    ApiOrderAlreadyCancelled = 9,
    /// `Rejected(OrderAlreadyFullyFilled)`.
    ApiOrderAlreadyFullyFilled = 10,
}

c_tag!(BarterOrderErrorKind {
    ConnectivityExchangeOffline,
    ConnectivityTimeout,
    ConnectivitySocket,
    ApiAssetInvalid,
    ApiInstrumentInvalid,
    ApiRateLimit,
    ApiBalanceInsufficient,
    ApiOrderRejected,
    ApiOrderAlreadyCancelled,
    ApiOrderAlreadyFullyFilled
});

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BarterOrderError {
    /// A `BarterOrderErrorKind`.
    pub kind: u32,
    /// Set to zero.
    pub reserved: u32,
    /// The exchange, asset or instrument the error names, where it names one.
    pub key: BarterKey,
    /// The error's text, where it carries one; else empty.
    pub message: BarterStr,
}

impl BarterOrderError {
    /// The value of an unused error field: a zeroed struct with kind 0.
    pub(crate) const NONE: BarterOrderError = BarterOrderError {
        kind: 0,
        reserved: 0,
        key: BarterKey {
            kind: 0,
            reserved: 0,
            index: 0,
            name: BarterStr::EMPTY,
        },
        message: BarterStr::EMPTY,
    };

    fn new(kind: BarterOrderErrorKind, key: BarterKey, message: BarterStr) -> Self {
        Self {
            kind: kind as u32,
            key,
            message,
            ..Self::NONE
        }
    }

    fn bare(kind: BarterOrderErrorKind) -> Self {
        Self::new(kind, Self::NONE.key, BarterStr::EMPTY)
    }
}

impl<A, I> ToC for OrderError<A, I>
where
    A: ToC<C = BarterKey>,
    I: ToC<C = BarterKey>,
{
    type C = BarterOrderError;

    fn to_c(&self, arena: &mut Arena) -> Result<BarterOrderError, FfiError> {
        use BarterOrderErrorKind as K;
        let no_key = BarterOrderError::NONE.key;
        Ok(match self {
            OrderError::Connectivity(error) => match error {
                ConnectivityError::ExchangeOffline(exchange) => BarterOrderError::new(
                    K::ConnectivityExchangeOffline,
                    exchange.to_c(arena)?,
                    BarterStr::EMPTY,
                ),
                ConnectivityError::Timeout => BarterOrderError::bare(K::ConnectivityTimeout),
                ConnectivityError::Socket(message) => BarterOrderError::new(
                    K::ConnectivitySocket,
                    no_key,
                    arena.push(message).map_err(at("message"))?,
                ),
            },
            OrderError::Rejected(error) => match error {
                ApiError::AssetInvalid(asset, message) => BarterOrderError::new(
                    K::ApiAssetInvalid,
                    asset.to_c(arena)?,
                    arena.push(message).map_err(at("message"))?,
                ),
                ApiError::InstrumentInvalid(instrument, message) => BarterOrderError::new(
                    K::ApiInstrumentInvalid,
                    instrument.to_c(arena)?,
                    arena.push(message).map_err(at("message"))?,
                ),
                ApiError::RateLimit => BarterOrderError::bare(K::ApiRateLimit),
                ApiError::BalanceInsufficient(asset, message) => BarterOrderError::new(
                    K::ApiBalanceInsufficient,
                    asset.to_c(arena)?,
                    arena.push(message).map_err(at("message"))?,
                ),
                ApiError::OrderRejected(message) => BarterOrderError::new(
                    K::ApiOrderRejected,
                    no_key,
                    arena.push(message).map_err(at("message"))?,
                ),
                ApiError::OrderAlreadyCancelled => {
                    BarterOrderError::bare(K::ApiOrderAlreadyCancelled)
                }
                ApiError::OrderAlreadyFullyFilled => {
                    BarterOrderError::bare(K::ApiOrderAlreadyFullyFilled)
                }
            },
        })
    }
}

impl<A, I> FromC for OrderError<A, I>
where
    A: FromC<C = BarterKey>,
    I: FromC<C = BarterKey>,
{
    type C = BarterOrderError;

    unsafe fn from_c(c: &BarterOrderError) -> Result<Self, FfiError> {
        use BarterOrderErrorKind as K;
        // SAFETY (every view read below): forwarded from the caller.
        let message = || {
            unsafe { c.message.as_str() }
                .map(str::to_owned)
                .map_err(at("message"))
        };
        Ok(match K::from_raw(c.kind)? {
            K::ConnectivityExchangeOffline => {
                OrderError::Connectivity(ConnectivityError::ExchangeOffline(
                    unsafe { ExchangeId::from_c(&c.key) }.map_err(at("key"))?,
                ))
            }
            K::ConnectivityTimeout => OrderError::Connectivity(ConnectivityError::Timeout),
            K::ConnectivitySocket => {
                OrderError::Connectivity(ConnectivityError::Socket(message()?))
            }
            K::ApiAssetInvalid => OrderError::Rejected(ApiError::AssetInvalid(
                unsafe { A::from_c(&c.key) }.map_err(at("key"))?,
                message()?,
            )),
            K::ApiInstrumentInvalid => OrderError::Rejected(ApiError::InstrumentInvalid(
                unsafe { I::from_c(&c.key) }.map_err(at("key"))?,
                message()?,
            )),
            K::ApiRateLimit => OrderError::Rejected(ApiError::RateLimit),
            K::ApiBalanceInsufficient => OrderError::Rejected(ApiError::BalanceInsufficient(
                unsafe { A::from_c(&c.key) }.map_err(at("key"))?,
                message()?,
            )),
            K::ApiOrderRejected => OrderError::Rejected(ApiError::OrderRejected(message()?)),
            K::ApiOrderAlreadyCancelled => OrderError::Rejected(ApiError::OrderAlreadyCancelled),
            K::ApiOrderAlreadyFullyFilled => {
                OrderError::Rejected(ApiError::OrderAlreadyFullyFilled)
            }
        })
    }
}
