/*
 * Smoke test of the C ABI from C itself: the handshake, one decode with an
 * embedded NUL, the encode back to identical bytes, an error, and the frees;
 * then the same decode into memory of our own, with nothing to free.
 * Built and run by tests/c/run.sh. Exits 0 when every check passes, else
 * prints the failed check and exits 1.
 */
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "barter_ffi.h"

#define FAIL(...)                                                  \
    do {                                                           \
        fprintf(stderr, "smoke.c:%d: FAILED: ", __LINE__);         \
        fprintf(stderr, __VA_ARGS__);                              \
        fprintf(stderr, "\n");                                     \
        return 1;                                                  \
    } while (0)

#define CHECK(cond)                                                \
    do {                                                           \
        if (!(cond)) {                                             \
            FAIL("%s", #cond);                                     \
        }                                                          \
    } while (0)

/* A call that must succeed; on failure prints barter_last_error. */
#define CHECK_OK(call)                                             \
    do {                                                           \
        BarterStatus status_ = (call);                             \
        if (status_ != BARTER_STATUS_OK) {                         \
            BarterStr error_ = {NULL, 0};                          \
            barter_last_error(&error_);                            \
            FAIL("%s returned %d: %.*s", #call, (int)status_,      \
                 (int)error_.len, (const char *)error_.ptr);       \
        }                                                          \
    } while (0)

/* C99 has no _Alignof: a struct's alignment is the offset of a member that
 * follows a lone char. */
#define DECLARE_ALIGN(T) struct align_##T { char pad; T value; };
DECLARE_ALIGN(BarterStr)
DECLARE_ALIGN(BarterDecimal)
DECLARE_ALIGN(BarterTimestamp)
DECLARE_ALIGN(BarterKey)
DECLARE_ALIGN(BarterOrderKey)
DECLARE_ALIGN(BarterOrderError)
DECLARE_ALIGN(BarterOrderState)
DECLARE_ALIGN(BarterOrderEvent)
DECLARE_ALIGN(BarterLineError)
DECLARE_ALIGN(BarterOrderEventBatch)
DECLARE_ALIGN(BarterBuffer)

struct layout {
    const char *name;
    uint32_t which;
    size_t size;
    size_t align;
};

#define LAYOUT(T, which) \
    { #T, which, sizeof(T), offsetof(struct align_##T, value) }

static const struct layout layouts[] = {
    LAYOUT(BarterStr, BARTER_ABI_STRUCT_STR),
    LAYOUT(BarterDecimal, BARTER_ABI_STRUCT_DECIMAL),
    LAYOUT(BarterTimestamp, BARTER_ABI_STRUCT_TIMESTAMP),
    LAYOUT(BarterKey, BARTER_ABI_STRUCT_KEY),
    LAYOUT(BarterOrderKey, BARTER_ABI_STRUCT_ORDER_KEY),
    LAYOUT(BarterOrderError, BARTER_ABI_STRUCT_ORDER_ERROR),
    LAYOUT(BarterOrderState, BARTER_ABI_STRUCT_ORDER_STATE),
    LAYOUT(BarterOrderEvent, BARTER_ABI_STRUCT_ORDER_EVENT),
    LAYOUT(BarterLineError, BARTER_ABI_STRUCT_LINE_ERROR),
    LAYOUT(BarterOrderEventBatch, BARTER_ABI_STRUCT_ORDER_EVENT_BATCH),
    LAYOUT(BarterBuffer, BARTER_ABI_STRUCT_BUFFER),
};

/* serde's own text of an Open event whose cid holds a NUL ("cid\0nul"). */
static const char event_json[] =
    "{\"key\":{\"exchange\":1,\"instrument\":3,\"strategy\":\"mm\","
    "\"cid\":\"cid\\u0000nul\"},"
    "\"state\":{\"Active\":{\"Open\":{\"id\":\"ord-1\","
    "\"time_exchange\":\"2025-10-05T10:15:00.123456789Z\","
    "\"filled_quantity\":\"0.50\"}}}}";

static const char expected_cid[] = {'c', 'i', 'd', '\0', 'n', 'u', 'l'};

/* Well-formed JSON with a state that does not exist. */
static const char bad_json[] =
    "{\"key\":{\"exchange\":1,\"instrument\":3,\"strategy\":\"mm\","
    "\"cid\":\"c\"},\"state\":{\"Active\":{\"Foo\":null}}}";

static int check_handshake(void) {
    uint32_t version = 0;
    size_t i;
    CHECK_OK(barter_abi_version(&version));
    if (version != BARTER_ABI_VERSION) {
        FAIL("library ABI version %u, header %d", (unsigned)version,
             BARTER_ABI_VERSION);
    }
    for (i = 0; i < sizeof layouts / sizeof layouts[0]; i++) {
        size_t size = 0, align = 0;
        CHECK_OK(barter_abi_struct_layout(layouts[i].which, &size, &align));
        if (size != layouts[i].size || align != layouts[i].align) {
            FAIL("%s: library size %zu align %zu, C size %zu align %zu",
                 layouts[i].name, size, align, layouts[i].size,
                 layouts[i].align);
        }
    }
    CHECK(barter_abi_struct_layout(999, NULL, NULL) ==
          BARTER_STATUS_NULL_POINTER);
    {
        size_t size = 0, align = 0;
        CHECK(barter_abi_struct_layout(999, &size, &align) ==
              BARTER_STATUS_INVALID_ARGUMENT);
    }
    printf("abi version %u, %zu struct layouts match\n", (unsigned)version,
           sizeof layouts / sizeof layouts[0]);
    return 0;
}

static int check_round_trip(void) {
    size_t json_len = sizeof event_json - 1;
    BarterOrderEventBatch *batch = NULL;
    BarterBuffer *buffer = NULL;
    const BarterOrderEvent *event;

    CHECK_OK(barter_order_events_decode((const uint8_t *)event_json, json_len,
                                        BARTER_JSON_FORMAT_ONE, 0, &batch));
    CHECK(batch != NULL);
    CHECK(batch->len == 1);
    CHECK(batch->errors_len == 0);
    event = &batch->events[0];

    CHECK(event->key.exchange.kind == BARTER_KEY_KIND_INDEX);
    CHECK(event->key.exchange.index == 1);
    CHECK(event->key.instrument.kind == BARTER_KEY_KIND_INDEX);
    CHECK(event->key.instrument.index == 3);
    CHECK(event->key.strategy.len == 2);
    CHECK(memcmp(event->key.strategy.ptr, "mm", 2) == 0);
    CHECK(event->key.cid.len == sizeof expected_cid);
    CHECK(memcmp(event->key.cid.ptr, expected_cid, sizeof expected_cid) == 0);

    CHECK(event->state.kind == BARTER_ORDER_STATE_KIND_OPEN);
    CHECK(event->state.id.len == 5);
    CHECK(memcmp(event->state.id.ptr, "ord-1", 5) == 0);
    CHECK(event->state.time_exchange.seconds == 1759659300);
    CHECK(event->state.time_exchange.nanos == 123456789);
    CHECK(event->state.filled_quantity.mantissa_lo == 50);
    CHECK(event->state.filled_quantity.mantissa_hi == 0);
    CHECK(event->state.filled_quantity.scale == 2);
    CHECK(event->state.filled_quantity.negative == 0);
    printf("decoded: cid length %zu, state kind %u\n", event->key.cid.len,
           (unsigned)event->state.kind);

    CHECK_OK(barter_order_events_encode(batch->events, batch->len,
                                        BARTER_JSON_FORMAT_ONE, &buffer));
    CHECK(buffer != NULL);
    if (buffer->len != json_len ||
        memcmp(buffer->data, event_json, json_len) != 0) {
        FAIL("encoded %.*s\n  expected %s", (int)buffer->len,
             (const char *)buffer->data, event_json);
    }
    printf("encoded back to the same %zu bytes\n", buffer->len);

    CHECK_OK(barter_buffer_free(&buffer));
    CHECK(buffer == NULL);
    CHECK_OK(barter_buffer_free(&buffer));
    CHECK_OK(barter_order_event_batch_free(&batch));
    CHECK(batch == NULL);
    CHECK_OK(barter_order_event_batch_free(&batch));
    CHECK_OK(barter_order_event_batch_free(NULL));
    CHECK_OK(barter_buffer_free(NULL));
    return 0;
}

/* sizeof the item plus the input's length is always room enough for an
 * item without arrays; the union makes the buffer aligned for the item. */
static int check_decode_into(void) {
    size_t json_len = sizeof event_json - 1, used = 0;
    union {
        BarterOrderEvent event;
        unsigned char bytes[sizeof(BarterOrderEvent) + sizeof event_json];
    } out;
    const unsigned char *cid;

    CHECK_OK(barter_decode_one_into(BARTER_MESSAGE_ORDER_EVENT,
                                    BARTER_KEYS_INDEXED,
                                    (const uint8_t *)event_json, json_len,
                                    &out, sizeof out, &used));
    CHECK(used > sizeof(BarterOrderEvent) && used <= sizeof out);
    cid = (const unsigned char *)out.event.key.cid.ptr;
    CHECK(out.event.key.cid.len == sizeof expected_cid);
    CHECK(memcmp(cid, expected_cid, sizeof expected_cid) == 0);
    CHECK(cid >= out.bytes && cid + sizeof expected_cid <= out.bytes + used);
    CHECK(out.event.state.kind == BARTER_ORDER_STATE_KIND_OPEN);
    /* Too small: the exact size comes back, to retry with. */
    CHECK(barter_decode_one_into(BARTER_MESSAGE_ORDER_EVENT,
                                 BARTER_KEYS_INDEXED,
                                 (const uint8_t *)event_json, json_len, &out,
                                 sizeof(BarterOrderEvent),
                                 &used) == BARTER_STATUS_BUFFER_TOO_SMALL);
    CHECK(used > sizeof(BarterOrderEvent) && used <= sizeof out);
    printf("decoded into our own %zu bytes\n", used);
    return 0;
}

static int check_error(void) {
    /* Not NULL, to see the library reset it; never dereferenced. */
    BarterOrderEventBatch *batch = (BarterOrderEventBatch *)&batch;
    BarterStr error = {NULL, 0};
    BarterStatus status = barter_order_events_decode(
        (const uint8_t *)bad_json, sizeof bad_json - 1, BARTER_JSON_FORMAT_ONE,
        0, &batch);
    if (status != BARTER_STATUS_INVALID_DATA) {
        FAIL("bad input gave status %d, expected %d", (int)status,
             (int)BARTER_STATUS_INVALID_DATA);
    }
    CHECK(batch == NULL);
    CHECK_OK(barter_last_error(&error));
    CHECK(error.ptr != NULL);
    CHECK(error.len > 0);
    printf("bad input: %.*s\n", (int)error.len, (const char *)error.ptr);
    return 0;
}

int main(void) {
    BarterStr version = {NULL, 0};
    if (barter_library_version(&version) != BARTER_STATUS_OK) {
        fprintf(stderr, "smoke.c: barter_library_version failed\n");
        return 1;
    }
    printf("libbarter_ffi %.*s\n", (int)version.len, (const char *)version.ptr);
    if (check_handshake() != 0 || check_round_trip() != 0 ||
        check_decode_into() != 0 || check_error() != 0) {
        return 1;
    }
    printf("smoke: all checks passed\n");
    return 0;
}
