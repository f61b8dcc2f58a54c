//! The task that drives a session: it sends the caller's requests to
//! barter's `MockExecution` client, one at a time, and forwards everything
//! that comes back into the session's `EventSink`, the way barter's
//! `ExecutionManager` turns responses into account events:
//!
//! - first, the account snapshot (`AccountEventKind::Snapshot`), as barter's
//!   account stream starts;
//! - an open response becomes an `OrderSnapshot` (barter's
//!   `process_open_response`: `Ok(open)` with nothing left to fill is
//!   `FullyFilled`, another `Ok(open)` is `Open`, `Err(error)` is
//!   `OpenFailed(error)`); no answer within the request timeout becomes
//!   `OpenFailed(Connectivity(Timeout))` (`process_open_timeout`);
//! - a cancel response becomes `OrderCancelled(response)`, a timeout
//!   `OrderCancelled(Err(Connectivity(Timeout)))`;
//! - MockExchange's own account stream (`BalanceSnapshot`, `Trade`) is
//!   forwarded as it arrives. After an open that MockExchange filled, the
//!   driver waits (within the request timeout) until that fill's `Trade` has
//!   been forwarded before it takes the next request, so each request's
//!   events stay together: `OrderSnapshot`, `BalanceSnapshot`, `Trade`.

use crate::sink::EventSink;
use crate::status::{BarterStatus, FfiError};
use barter_execution::client::mock::MockExecution;
use barter_execution::client::ExecutionClient;
use barter_execution::error::{ConnectivityError, OrderError, UnindexedOrderError};
use barter_execution::order::id::OrderId;
use barter_execution::order::request::{
    OrderRequestCancel, OrderRequestOpen, UnindexedOrderResponseCancel,
};
use barter_execution::order::state::{Open, OrderState};
use barter_execution::order::{Order, OrderKey};
use barter_execution::{AccountEventKind, UnindexedAccountEvent};
use barter_instrument::exchange::ExchangeId;
use barter_instrument::instrument::name::InstrumentNameExchange;
use barter_integration::collection::snapshot::Snapshot;
use chrono::{DateTime, Utc};
use futures::stream::BoxStream;
use futures::StreamExt;
use std::sync::mpsc::SyncSender;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::{timeout, Instant};

pub type Clock = fn() -> DateTime<Utc>;
pub type Client = MockExecution<Clock>;
pub type UnindexedOrderRequestOpen = OrderRequestOpen<ExchangeId, InstrumentNameExchange>;
pub type UnindexedOrderRequestCancel = OrderRequestCancel<ExchangeId, InstrumentNameExchange>;
/// barter's answer to an open request, unindexed.
pub type UnindexedOrderResponseOpen =
    Order<ExchangeId, InstrumentNameExchange, Result<Open, UnindexedOrderError>>;

/// The most events one request can raise: an order snapshot, a balance and
/// a trade. A request is refused unless the sink has room for them all, so
/// the driver never waits for the consumer and never drops an event.
pub(crate) const EVENTS_PER_REQUEST: usize = 3;

pub type Reply<T> = SyncSender<Result<T, FfiError>>;

pub enum Command {
    Open(UnindexedOrderRequestOpen, Reply<UnindexedOrderResponseOpen>),
    Cancel(
        UnindexedOrderRequestCancel,
        Reply<UnindexedOrderResponseCancel>,
    ),
}

pub struct Driver {
    pub client: Client,
    pub exchange: ExchangeId,
    pub sink: Arc<EventSink>,
    pub request_timeout: Duration,
}

async fn next_event(
    stream: &mut Option<BoxStream<'static, UnindexedAccountEvent>>,
) -> Option<UnindexedAccountEvent> {
    match stream {
        Some(stream) => stream.next().await,
        None => std::future::pending().await,
    }
}

fn borrowed<S: Clone>(
    request: &barter_execution::order::OrderEvent<S, ExchangeId, InstrumentNameExchange>,
) -> barter_execution::order::OrderEvent<S, ExchangeId, &InstrumentNameExchange> {
    barter_execution::order::OrderEvent {
        key: OrderKey {
            exchange: request.key.exchange,
            instrument: &request.key.instrument,
            strategy: request.key.strategy.clone(),
            cid: request.key.cid.clone(),
        },
        state: request.state.clone(),
    }
}

impl Driver {
    /// Runs until `commands` closes. `ready` is signalled once the account
    /// snapshot is in the sink (or could not be had).
    pub async fn run(
        self,
        mut commands: mpsc::UnboundedReceiver<Command>,
        ready: std::sync::mpsc::SyncSender<()>,
    ) {
        let mut stream = self.client.account_stream(&[], &[]).await.ok();
        // Fails only when MockExchange is gone or silent: nothing to forward.
        if let Ok(Ok(snapshot)) =
            timeout(self.request_timeout, self.client.account_snapshot(&[], &[])).await
        {
            self.forward(UnindexedAccountEvent {
                exchange: self.exchange,
                kind: AccountEventKind::Snapshot(snapshot),
            });
        }
        let _ = ready.send(());
        loop {
            tokio::select! {
                biased;
                event = next_event(&mut stream) => match event {
                    Some(event) => self.forward(event),
                    // The broadcast lagged (barter ends the stream then).
                    None => stream = None,
                },
                command = commands.recv() => match command {
                    Some(Command::Open(request, reply)) => {
                        let answer = self.open(request, &mut stream).await;
                        let _ = reply.send(answer);
                    }
                    Some(Command::Cancel(request, reply)) => {
                        let answer = self.cancel(request).await;
                        let _ = reply.send(answer);
                    }
                    None => break,
                },
            }
        }
    }

    /// Pushes without waiting: `check_room` made sure it fits. A push to a
    /// sink closed by shutdown fails and is counted there.
    fn forward(&self, event: UnindexedAccountEvent) {
        let _ = self.sink.try_push(event);
    }

    fn check_room(&self) -> Result<(), FfiError> {
        if self.sink.is_closed() {
            return Err(FfiError::invalid("the session's event queue is closed"));
        }
        if self.sink.free_slots() < EVENTS_PER_REQUEST {
            let stats = self.sink.stats();
            return Err(FfiError::new(
                BarterStatus::LimitExceeded,
                format!(
                    "the event queue is full ({} events not drained, capacity {}): \
                     drain the session's events before sending more requests",
                    stats.pending, stats.capacity
                ),
            ));
        }
        Ok(())
    }

    async fn open(
        &self,
        request: UnindexedOrderRequestOpen,
        stream: &mut Option<BoxStream<'static, UnindexedAccountEvent>>,
    ) -> Result<UnindexedOrderResponseOpen, FfiError> {
        self.check_room()?;
        let response = match timeout(
            self.request_timeout,
            self.client.open_order(borrowed(&request)),
        )
        .await
        {
            Ok(Some(response)) => response,
            Ok(None) => {
                return Err(FfiError::invalid(
                    "the execution client did not answer the open request",
                ))
            }
            Err(_) => Order {
                key: request.key,
                side: request.state.side,
                price: request.state.price,
                quantity: request.state.quantity,
                kind: request.state.kind,
                time_in_force: request.state.time_in_force,
                state: Err(OrderError::Connectivity(ConnectivityError::Timeout)),
            },
        };
        let state = match &response.state {
            Ok(open) if open.quantity_remaining(response.quantity).is_zero() => {
                OrderState::fully_filled()
            }
            Ok(open) => OrderState::active(open.clone()),
            Err(error) => OrderState::inactive(error.clone()),
        };
        self.forward(UnindexedAccountEvent {
            exchange: response.key.exchange,
            kind: AccountEventKind::OrderSnapshot(Snapshot(Order {
                key: response.key.clone(),
                side: response.side,
                price: response.price,
                quantity: response.quantity,
                kind: response.kind,
                time_in_force: response.time_in_force,
                state,
            })),
        });
        if let Ok(open) = &response.state {
            self.await_fill(&response.key.instrument, &open.id, stream)
                .await;
        }
        Ok(response)
    }

    /// Forwards account events until the `Trade` of order `id` has gone by,
    /// or the request timeout passes (then later events still arrive through
    /// the main loop).
    async fn await_fill(
        &self,
        instrument: &InstrumentNameExchange,
        id: &OrderId,
        stream: &mut Option<BoxStream<'static, UnindexedAccountEvent>>,
    ) {
        let deadline = Instant::now() + self.request_timeout;
        while stream.is_some() {
            match tokio::time::timeout_at(deadline, next_event(stream)).await {
                Ok(Some(event)) => {
                    let filled = matches!(
                        &event.kind,
                        AccountEventKind::Trade(trade)
                            if &trade.order_id == id && &trade.instrument == instrument
                    );
                    self.forward(event);
                    if filled {
                        return;
                    }
                }
                Ok(None) => *stream = None,
                Err(_) => return,
            }
        }
    }

    async fn cancel(
        &self,
        request: UnindexedOrderRequestCancel,
    ) -> Result<UnindexedOrderResponseCancel, FfiError> {
        self.check_room()?;
        let response = match timeout(
            self.request_timeout,
            self.client.cancel_order(borrowed(&request)),
        )
        .await
        {
            Ok(Some(response)) => response,
            Ok(None) => {
                return Err(FfiError::invalid(
                    "the execution client did not answer the cancel request",
                ))
            }
            Err(_) => UnindexedOrderResponseCancel {
                key: request.key,
                state: Err(OrderError::Connectivity(ConnectivityError::Timeout)),
            },
        };
        self.forward(UnindexedAccountEvent {
            exchange: response.key.exchange,
            kind: AccountEventKind::OrderCancelled(response.clone()),
        });
        Ok(response)
    }
}
