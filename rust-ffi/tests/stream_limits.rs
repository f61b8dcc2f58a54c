//! `barter_decode_stream_new` refuses an input over
//! `BarterLimits.max_input_bytes` as `barter_decode` does. A test binary of
//! its own: the limits are process-wide, and lowering them would fail the
//! decodes of tests running beside it.

use barter_ffi::limits::{barter_limits_get, barter_limits_set, BarterLimits};
use barter_ffi::messages::{barter_decode, BarterBatch};
use barter_ffi::status::BarterStatus;
use barter_ffi::stream::{barter_decode_stream_free, barter_decode_stream_new, BarterDecodeStream};
use std::ptr::NonNull;

mod common;
use common::last_error;

#[test]
fn an_input_over_the_limit_is_refused_before_the_stream_starts() {
    let input = b"{\"key\":{\"exchange\":1,\"instrument\":3,\"strategy\":\"mm\",\"cid\":\"c\"},\
                  \"state\":{\"Inactive\":\"Expired\"}}\n";
    let mut limits = BarterLimits::default();
    assert_eq!(unsafe { barter_limits_get(&mut limits) }, BarterStatus::Ok);
    let lowered = BarterLimits {
        max_input_bytes: input.len() - 1,
        ..limits
    };
    assert_eq!(unsafe { barter_limits_set(&lowered) }, BarterStatus::Ok);

    let mut batch: *mut BarterBatch = NonNull::dangling().as_ptr();
    let status = unsafe { barter_decode(1, 1, input.as_ptr(), input.len(), 3, 0, &mut batch) };
    let expected = (status, last_error());
    let mut stream: *mut BarterDecodeStream = NonNull::dangling().as_ptr();
    let status =
        unsafe { barter_decode_stream_new(1, 1, input.as_ptr(), input.len(), 0, 1, &mut stream) };
    let refused = (status, last_error());
    assert!(stream.is_null());

    // At the limit it starts.
    let at_limit = BarterLimits {
        max_input_bytes: input.len(),
        ..limits
    };
    assert_eq!(unsafe { barter_limits_set(&at_limit) }, BarterStatus::Ok);
    let status =
        unsafe { barter_decode_stream_new(1, 1, input.as_ptr(), input.len(), 0, 1, &mut stream) };
    assert_eq!(status, BarterStatus::Ok);
    assert_eq!(
        unsafe { barter_decode_stream_free(&mut stream) },
        BarterStatus::Ok
    );
    assert_eq!(unsafe { barter_limits_set(&limits) }, BarterStatus::Ok);

    assert_eq!(expected.0, BarterStatus::LimitExceeded);
    assert_eq!(refused, expected);
    assert_eq!(
        refused.1,
        format!(
            "input is {} bytes, over the limit of {} bytes (BarterLimits.max_input_bytes)",
            input.len(),
            input.len() - 1
        )
    );
}
