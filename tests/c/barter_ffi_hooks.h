/*
 * barter_ffi_hooks.h: the test hooks of libbarter_ffi's test variant, built
 * with the cargo feature `testing` (rust-ffi/src/testing/). The shipped
 * library exports none of them and include/barter_ffi.h does not declare
 * them. Include this after barter_ffi.h; tests/hooks.py gives it to cffi's
 * cdef as it is, so it holds declarations and comments only.
 */

/* A running test producer thread. Opaque. */
typedef struct BarterTestProducer BarterTestProducer;

/* What a test producer thread did. */
typedef struct {
  uint64_t accepted;   /* events the sink accepted */
  uint64_t rejected;   /* refused (full under the reject policy, or closed) */
  uint32_t closed;     /* 1 if it stopped early because the sink was closed */
  uint32_t reserved;   /* zero */
  uint64_t elapsed_ns; /* wall time of the pushes */
} BarterTestProducerReport;

/* Panics inside the library with `message` (`len` bytes): returns
 * BARTER_STATUS_PANIC, and barter_last_error reads
 * "panic in barter-ffi: <message>". */
BarterStatus barter_debug_panic(const uint8_t *message, size_t len);

/* Starts a Rust thread pushing `count` order events into `sink` with the
 * sink's full-queue policy: strategy "producer-<producer>", cid "<n>". */
BarterStatus barter_test_producer_start(const BarterEventSink *sink,
                                        uint32_t producer,
                                        uint64_t count,
                                        uint32_t keys,
                                        BarterTestProducer **out_producer);

/* Joins a producer once, writes its report, sets `*producer` to NULL. */
BarterStatus barter_test_producer_join(BarterTestProducer **producer,
                                       BarterTestProducerReport *out_report);

/* serde's JSON lines of the events producer `producer` pushes, from `first`
 * on; free the buffer with barter_buffer_free. */
BarterStatus barter_test_events_json(uint32_t producer,
                                     uint64_t first,
                                     uint64_t count,
                                     uint32_t keys,
                                     BarterBuffer **out_buffer);
