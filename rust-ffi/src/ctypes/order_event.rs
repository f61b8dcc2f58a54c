//! barter's `OrderEvent<State>`, a key plus a state, for each state type that
//! crosses the ABI: `OrderState` (`BarterOrderEvent`), `RequestOpen`,
//! `RequestCancel` and `Result<Cancelled, OrderError>`.

use super::arena::Arena;
use super::key::BarterOrderKey;
use super::order_result::BarterOrderResult;
use super::order_state::BarterOrderState;
use super::request::{BarterRequestCancel, BarterRequestOpen};
use super::{FromC, ToC};
use crate::status::{at, FfiError};
use barter_execution::order::state::OrderState;
use barter_execution::order::OrderEvent;
use barter_execution::order::OrderKey;

/// The indexed order event of `barter_order_events_decode`.
pub type IndexedOrderEvent = OrderEvent<OrderState>;

/// `OrderEvent<OrderState>`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BarterOrderEvent {
    pub key: BarterOrderKey,
    pub state: BarterOrderState,
}

/// `OrderRequestOpen`: `OrderEvent<RequestOpen>`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BarterOrderRequestOpen {
    pub key: BarterOrderKey,
    pub state: BarterRequestOpen,
}

/// `OrderRequestCancel`: `OrderEvent<RequestCancel>`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BarterOrderRequestCancel {
    pub key: BarterOrderKey,
    pub state: BarterRequestCancel,
}

/// `OrderResponseCancel`: `OrderEvent<Result<Cancelled, OrderError>>`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BarterOrderResponseCancel {
    pub key: BarterOrderKey,
    pub state: BarterOrderResult,
}

/// Names the C event struct that carries a given C state struct.
pub trait CEvent: Sized + Copy {
    type Event;
    fn join(key: BarterOrderKey, state: Self) -> Self::Event;
    fn split(event: &Self::Event) -> (&BarterOrderKey, &Self);
}

macro_rules! c_event {
    ($($state:ty => $event:ident),+ $(,)?) => {$(
        impl CEvent for $state {
            type Event = $event;
            fn join(key: BarterOrderKey, state: Self) -> $event {
                $event { key, state }
            }
            fn split(event: &$event) -> (&BarterOrderKey, &Self) {
                (&event.key, &event.state)
            }
        }
    )+};
}
c_event!(
    BarterOrderState => BarterOrderEvent,
    BarterRequestOpen => BarterOrderRequestOpen,
    BarterRequestCancel => BarterOrderRequestCancel,
    BarterOrderResult => BarterOrderResponseCancel,
);

impl<S, E, I> ToC for OrderEvent<S, E, I>
where
    OrderKey<E, I>: ToC<C = BarterOrderKey>,
    S: ToC,
    S::C: CEvent,
{
    type C = <S::C as CEvent>::Event;

    fn to_c(&self, arena: &mut Arena) -> Result<Self::C, FfiError> {
        let key = self.key.to_c(arena)?;
        let state = self.state.to_c(arena).map_err(at("state"))?;
        Ok(CEvent::join(key, state))
    }
}

impl<S, E, I> FromC for OrderEvent<S, E, I>
where
    OrderKey<E, I>: FromC<C = BarterOrderKey>,
    S: FromC,
    S::C: CEvent,
{
    type C = <S::C as CEvent>::Event;

    unsafe fn from_c(c: &Self::C) -> Result<Self, FfiError> {
        let (key, state) = <S::C as CEvent>::split(c);
        // SAFETY (both): forwarded from the caller.
        Ok(OrderEvent {
            key: unsafe { OrderKey::from_c(key) }?,
            state: unsafe { S::from_c(state) }.map_err(at("state"))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::samples::order_events;

    #[test]
    fn every_sample_round_trips_through_the_c_struct() {
        for (name, event) in order_events() {
            let mut arena = Arena::with_capacity(4096);
            let c = event.to_c(&mut arena).unwrap();
            let back = unsafe { IndexedOrderEvent::from_c(&c) }.unwrap();
            assert_eq!(back, event, "{name}");
        }
    }
}
