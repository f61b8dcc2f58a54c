//! `BarterOrderEvent`: `OrderEvent<OrderState>`, a key plus a state.

use super::key::BarterOrderKey;
use super::order_state::BarterOrderState;
use super::strings::StringArena;
use super::{FromC, ToC};
use crate::status::{at, FfiError};
use barter_execution::order::state::OrderState;
use barter_execution::order::OrderEvent;
use barter_execution::order::OrderKey;

/// The indexed order event this ABI carries.
pub type IndexedOrderEvent = OrderEvent<OrderState>;

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BarterOrderEvent {
    pub key: BarterOrderKey,
    pub state: BarterOrderState,
}

impl<S, E, I> ToC for OrderEvent<S, E, I>
where
    OrderKey<E, I>: ToC<C = BarterOrderKey>,
    S: ToC<C = BarterOrderState>,
{
    type C = BarterOrderEvent;

    fn to_c(&self, arena: &mut StringArena) -> Result<BarterOrderEvent, FfiError> {
        Ok(BarterOrderEvent {
            key: self.key.to_c(arena)?,
            state: self.state.to_c(arena).map_err(at("state"))?,
        })
    }
}

impl<S, E, I> FromC for OrderEvent<S, E, I>
where
    OrderKey<E, I>: FromC<C = BarterOrderKey>,
    S: FromC<C = BarterOrderState>,
{
    type C = BarterOrderEvent;

    unsafe fn from_c(c: &BarterOrderEvent) -> Result<Self, FfiError> {
        // SAFETY (both): forwarded from the caller.
        Ok(OrderEvent {
            key: unsafe { OrderKey::from_c(&c.key) }?,
            state: unsafe { S::from_c(&c.state) }.map_err(at("state"))?,
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
            let mut arena = StringArena::with_capacity(4096);
            let c = event.to_c(&mut arena).unwrap();
            let back = unsafe { IndexedOrderEvent::from_c(&c) }.unwrap();
            assert_eq!(back, event, "{name}");
        }
    }
}
