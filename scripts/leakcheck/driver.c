/*
 * Leak-check driver: every allocate/free pair of the C ABI, the error paths
 * included, for scripts/leakcheck.sh to run under valgrind memcheck.
 *
 * usage: driver SAMPLES [ROUNDS [SYSTEM_DATA]]
 *   SAMPLES: lines of "MESSAGE KEYS SERDE-JSON" (BarterMessage and BarterKeys
 *   values, then serde's JSON of one value), made from
 *   tests/fixtures/messages.jsonl by leakcheck.sh.
 *   SYSTEM_DATA: a folder with barter's example system_config.json,
 *   backtest_config.json and market_events.jsonl
 *   (python/barter_python/data): a barter System's lifecycle and a
 *   backtest's run once on them.
 * Prints "driver: N events, T audit ticks, M failed checks" and exits 1 on
 * any failed check.
 */
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "barter_ffi.h"
#include "barter_ffi_hooks.h"

static unsigned long failures;
static unsigned long events;

#define CHECK(cond)                                                        \
    do {                                                                   \
        if (!(cond)) {                                                     \
            fprintf(stderr, "driver.c:%d: FAILED: %s\n", __LINE__, #cond); \
            failures++;                                                    \
        }                                                                  \
    } while (0)

#define EXPECT(call, expected)                                             \
    do {                                                                   \
        BarterStatus got_ = (call);                                        \
        if (got_ != (expected)) {                                          \
            BarterStr error_ = {NULL, 0};                                  \
            barter_last_error(&error_);                                    \
            fprintf(stderr, "driver.c:%d: %s returned %d, expected %d: %.*s\n", \
                    __LINE__, #call, (int)got_, (int)(expected),           \
                    (int)error_.len, (const char *)error_.ptr);            \
            failures++;                                                    \
        }                                                                  \
    } while (0)

#define OK BARTER_STATUS_OK

struct sample {
    uint32_t message;
    uint32_t keys;
    char *json;
    size_t len;
};

static struct sample *samples;
static size_t samples_len;

static void load(const char *path) {
    FILE *file = fopen(path, "rb");
    char *line = NULL;
    size_t cap = 0;
    long n;
    if (file == NULL) {
        perror(path);
        exit(2);
    }
    while ((n = (long)getline(&line, &cap, file)) > 0) {
        unsigned message, keys;
        int used = 0;
        struct sample *s;
        if (sscanf(line, "%u %u %n", &message, &keys, &used) != 2) {
            fprintf(stderr, "bad sample line: %s", line);
            exit(2);
        }
        samples = realloc(samples, (samples_len + 1) * sizeof *samples);
        s = &samples[samples_len++];
        s->message = message;
        s->keys = keys;
        s->len = (size_t)n - (size_t)used;
        while (s->len > 0 && (line[used + s->len - 1] == '\n')) {
            s->len--;
        }
        s->json = malloc(s->len);
        memcpy(s->json, line + used, s->len);
    }
    free(line);
    fclose(file);
}

/* A copy of C structs with the kind of their first key set to 99. */
static void *with_bad_key(const BarterBatch *batch, uint32_t message) {
    unsigned char *copy = malloc(batch->item_size);
    uint32_t bad = 99;
    size_t at = message == BARTER_MESSAGE_TRADE ? offsetof(BarterTrade, instrument) : 0;
    memcpy(copy, batch->items, batch->item_size);
    memcpy(copy + at, &bad, sizeof bad);
    return copy;
}

/* The same value decoded into memory of our own (malloc'd to the exact
 * size, so that valgrind sees any write past it): asked for the size, one
 * byte short, exactly, and misaligned. Nothing to free but our memory. */
static void into_callers_buffer(const struct sample *s) {
    const uint8_t *json = (const uint8_t *)s->json;
    size_t needed = 0, used = 0;
    unsigned char *out;
    BarterBuffer *buffer = NULL;
    EXPECT(barter_decode_one_into(s->message, s->keys, json, s->len, NULL, 0, &needed),
           BARTER_STATUS_BUFFER_TOO_SMALL);
    if (needed == 0) {
        return;
    }
    out = malloc(needed);
    EXPECT(barter_decode_one_into(s->message, s->keys, json, s->len, out, needed - 1, &used),
           BARTER_STATUS_BUFFER_TOO_SMALL);
    CHECK(used == needed);
    EXPECT(barter_decode_one_into(s->message, s->keys, json, s->len, out, needed, &used), OK);
    CHECK(used == needed);
    EXPECT(barter_encode(s->message, s->keys, out, 1, BARTER_JSON_FORMAT_ONE, &buffer), OK);
    CHECK(buffer != NULL && buffer->len == s->len &&
          memcmp(buffer->data, s->json, s->len) == 0);
    EXPECT(barter_buffer_free(&buffer), OK);
    EXPECT(barter_decode_one_into(s->message, s->keys, json, s->len, out + 1, needed - 1, &used),
           BARTER_STATUS_INVALID_ARGUMENT);
    CHECK(used == 0);
    /* Input errors come before the size, and leave *out_used 0. */
    EXPECT(barter_decode_one_into(s->message, s->keys, json, s->len - 1, out, needed, &used),
           BARTER_STATUS_INVALID_JSON);
    CHECK(used == 0);
    EXPECT(barter_decode_one_into(s->message, s->keys, json, s->len - 1, NULL, 0, &used),
           BARTER_STATUS_INVALID_JSON);
    free(out);
    events++;
}

static void one_value(const struct sample *s) {
    BarterBatch *batch = NULL;
    BarterBuffer *buffer = NULL;
    BarterBuffer *refused = (BarterBuffer *)&refused;
    void *bad;
    EXPECT(barter_decode(s->message, s->keys, (const uint8_t *)s->json, s->len,
                         BARTER_JSON_FORMAT_ONE, 0, &batch), OK);
    if (batch == NULL) {
        return;
    }
    CHECK(batch->len == 1);
    events++;
    EXPECT(barter_encode(s->message, s->keys, batch->items, batch->len,
                         BARTER_JSON_FORMAT_ONE, &buffer), OK);
    CHECK(buffer != NULL && buffer->len == s->len &&
          memcmp(buffer->data, s->json, s->len) == 0);
    /* An out-of-range tag in an input struct. */
    bad = with_bad_key(batch, s->message);
    EXPECT(barter_encode(s->message, s->keys, bad, 1, BARTER_JSON_FORMAT_ONE, &refused),
           BARTER_STATUS_INVALID_ARGUMENT);
    CHECK(refused == NULL);
    free(bad);
    /* Frees through the pointer-to-pointer: the second one is a no-op. */
    EXPECT(barter_buffer_free(&buffer), OK);
    EXPECT(barter_buffer_free(&buffer), OK);
    EXPECT(barter_batch_free(&batch), OK);
    EXPECT(barter_batch_free(&batch), OK);
    CHECK(buffer == NULL && batch == NULL);
    into_callers_buffer(s);
}

/* Streams `input` in batches of `batch_items`, freeing each batch, and
 * returns the item count. The stream ends at the end of the input, or, when
 * `failure` is not OK, with that status (twice: it is sticky). */
static size_t stream_all(uint32_t message, uint32_t keys, const uint8_t *input, size_t len,
                         uint32_t flags, size_t batch_items, BarterStatus failure) {
    BarterDecodeStream *stream = NULL;
    BarterBatch *batch = NULL;
    BarterStatus status;
    size_t items = 0;
    EXPECT(barter_decode_stream_new(message, keys, input, len, flags, batch_items, &stream), OK);
    if (stream == NULL) {
        return 0;
    }
    while ((status = barter_decode_stream_next(stream, &batch)) == OK && batch != NULL) {
        CHECK(batch->message == message && batch->keys == keys);
        CHECK(batch->len <= batch_items);
        items += batch->len;
        EXPECT(barter_batch_free(&batch), OK);
    }
    CHECK(status == failure);
    CHECK(batch == NULL);
    EXPECT(barter_decode_stream_next(stream, &batch), failure);
    CHECK(batch == NULL);
    EXPECT(barter_decode_stream_free(&stream), OK);
    EXPECT(barter_decode_stream_free(&stream), OK);
    CHECK(stream == NULL);
    events += items;
    return items;
}

/* Every sample of one message and key form, as JSON lines, an array, and
 * JSON lines with a bad line (failing, then collected). */
static void one_group(uint32_t message, uint32_t keys) {
    size_t i, n = 0, lines_len = 0, array_len = 1;
    char *lines, *array;
    const char bad_line[] = "{\"not\":\"this\"}\n";
    BarterBatch *batch = NULL;
    BarterBuffer *buffer = NULL;
    for (i = 0; i < samples_len; i++) {
        if (samples[i].message == message && samples[i].keys == keys) {
            lines_len += samples[i].len + 1;
            array_len += samples[i].len + 1;
        }
    }
    lines = malloc(lines_len + sizeof bad_line);
    array = malloc(array_len + 1);
    lines_len = 0;
    array_len = 0;
    array[array_len++] = '[';
    for (i = 0; i < samples_len; i++) {
        if (samples[i].message == message && samples[i].keys == keys) {
            if (n++ > 0) {
                array[array_len++] = ',';
            }
            memcpy(lines + lines_len, samples[i].json, samples[i].len);
            lines_len += samples[i].len;
            lines[lines_len++] = '\n';
            memcpy(array + array_len, samples[i].json, samples[i].len);
            array_len += samples[i].len;
        }
    }
    array[array_len++] = ']';

    EXPECT(barter_decode(message, keys, (const uint8_t *)lines, lines_len,
                         BARTER_JSON_FORMAT_LINES, 0, &batch), OK);
    if (batch != NULL) {
        CHECK(batch->len == n);
        events += batch->len;
        EXPECT(barter_encode(message, keys, batch->items, batch->len,
                             BARTER_JSON_FORMAT_LINES, &buffer), OK);
        CHECK(buffer != NULL && buffer->len == lines_len &&
              memcmp(buffer->data, lines, lines_len) == 0);
        EXPECT(barter_buffer_free(&buffer), OK);
        EXPECT(barter_batch_free(&batch), OK);
    }
    EXPECT(barter_decode(message, keys, (const uint8_t *)array, array_len,
                         BARTER_JSON_FORMAT_ARRAY, 0, &batch), OK);
    if (batch != NULL) {
        events += batch->len;
        EXPECT(barter_encode(message, keys, batch->items, batch->len,
                             BARTER_JSON_FORMAT_ARRAY, &buffer), OK);
        CHECK(buffer != NULL && buffer->len == array_len &&
              memcmp(buffer->data, array, array_len) == 0);
        EXPECT(barter_buffer_free(&buffer), OK);
        EXPECT(barter_batch_free(&batch), OK);
    }
    /* The same lines through a decode stream, in batches of 2. */
    CHECK(stream_all(message, keys, (const uint8_t *)lines, lines_len, 0, 2, 0) == n);
    /* A bad line: fails the call, or is collected with its message. */
    memcpy(lines + lines_len, bad_line, sizeof bad_line - 1);
    EXPECT(barter_decode(message, keys, (const uint8_t *)lines,
                         lines_len + sizeof bad_line - 1, BARTER_JSON_FORMAT_LINES, 0,
                         &batch), BARTER_STATUS_INVALID_DATA);
    CHECK(batch == NULL);
    EXPECT(barter_decode(message, keys, (const uint8_t *)lines,
                         lines_len + sizeof bad_line - 1, BARTER_JSON_FORMAT_LINES,
                         BARTER_DECODE_COLLECT_ERRORS, &batch), OK);
    if (batch != NULL) {
        CHECK(batch->len == n && batch->errors_len == 1);
        CHECK(batch->errors_len == 1 && batch->errors[0].line == n + 1 &&
              batch->errors[0].message.len > 0);
        events += batch->len;
        EXPECT(barter_batch_free(&batch), OK);
    }
    CHECK(stream_all(message, keys, (const uint8_t *)lines, lines_len + sizeof bad_line - 1,
                     BARTER_DECODE_COLLECT_ERRORS, 3, 0) == n);
    CHECK(stream_all(message, keys, (const uint8_t *)lines, lines_len + sizeof bad_line - 1, 0,
                     1, BARTER_STATUS_INVALID_DATA) == n);
    free(lines);
    free(array);
}

static void order_events_api(void) {
    size_t i;
    for (i = 0; i < samples_len; i++) {
        const struct sample *s = &samples[i];
        BarterOrderEventBatch *batch = NULL;
        BarterBuffer *buffer = NULL;
        if (s->message != BARTER_MESSAGE_ORDER_EVENT || s->keys != BARTER_KEYS_INDEXED) {
            continue;
        }
        EXPECT(barter_order_events_decode((const uint8_t *)s->json, s->len,
                                          BARTER_JSON_FORMAT_ONE, 0, &batch), OK);
        if (batch == NULL) {
            continue;
        }
        events += batch->len;
        EXPECT(barter_order_events_encode(batch->events, batch->len, BARTER_JSON_FORMAT_ONE,
                                          &buffer), OK);
        CHECK(buffer != NULL && buffer->len == s->len &&
              memcmp(buffer->data, s->json, s->len) == 0);
        EXPECT(barter_buffer_free(&buffer), OK);
        EXPECT(barter_order_event_batch_free(&batch), OK);
        EXPECT(barter_order_event_batch_free(&batch), OK);
    }
}

static void error_paths(void) {
    static const uint8_t not_utf8[] = {'{', 0xff, '}'};
    static const char open_json[] =
        "{\"key\":{\"exchange\":1,\"instrument\":3,\"strategy\":\"mm\",\"cid\":\"cid-42\"},"
        "\"state\":{\"Inactive\":\"Expired\"}}";
    const size_t open_len = sizeof open_json - 1;
    BarterBatch *batch = (BarterBatch *)&batch;
    BarterOrderEventBatch *obatch = NULL;
    BarterBuffer *buffer = NULL;
    BarterLimits limits, lowered, zero = {0, 1, 1};
    BarterStr view = {NULL, 0};
    size_t size, align;
    uint32_t which, version;

    EXPECT(barter_abi_version(&version), OK);
    EXPECT(barter_abi_version(NULL), BARTER_STATUS_NULL_POINTER);
    for (which = 1; which <= 26; which++) {
        EXPECT(barter_abi_struct_layout(which, &size, &align), OK);
    }
    EXPECT(barter_abi_struct_layout(0, &size, &align), BARTER_STATUS_INVALID_ARGUMENT);
    EXPECT(barter_library_version(&view), OK);

    EXPECT(barter_decode(1, 1, not_utf8, sizeof not_utf8, BARTER_JSON_FORMAT_ONE, 0, &batch),
           BARTER_STATUS_INVALID_UTF8);
    EXPECT(barter_decode(1, 1, (const uint8_t *)"{\"key\":", 7, BARTER_JSON_FORMAT_ONE, 0,
                         &batch), BARTER_STATUS_INVALID_JSON);
    EXPECT(barter_decode(1, 1, NULL, 0, BARTER_JSON_FORMAT_ARRAY, 0, &batch),
           BARTER_STATUS_INVALID_JSON);
    EXPECT(barter_decode(1, 1, NULL, 5, BARTER_JSON_FORMAT_ONE, 0, &batch),
           BARTER_STATUS_NULL_POINTER);
    EXPECT(barter_decode(1, 1, (const uint8_t *)open_json, open_len, BARTER_JSON_FORMAT_ONE, 0,
                         NULL), BARTER_STATUS_NULL_POINTER);
    EXPECT(barter_decode(13, 1, (const uint8_t *)open_json, open_len, 1, 0, &batch),
           BARTER_STATUS_INVALID_ARGUMENT);
    EXPECT(barter_decode(1, 3, (const uint8_t *)open_json, open_len, 1, 0, &batch),
           BARTER_STATUS_INVALID_ARGUMENT);
    EXPECT(barter_decode(1, 1, (const uint8_t *)open_json, open_len, 4, 0, &batch),
           BARTER_STATUS_INVALID_ARGUMENT);
    EXPECT(barter_decode(1, 1, (const uint8_t *)open_json, open_len, 1, 2, &batch),
           BARTER_STATUS_INVALID_ARGUMENT);
    CHECK(batch == NULL);
    {
        uint64_t out[64];
        size_t used = 1;
        EXPECT(barter_decode_one_into(1, 1, (const uint8_t *)open_json, open_len, out,
                                      sizeof out, NULL), BARTER_STATUS_NULL_POINTER);
        EXPECT(barter_decode_one_into(1, 1, (const uint8_t *)open_json, open_len, NULL, 8,
                                      &used), BARTER_STATUS_NULL_POINTER);
        EXPECT(barter_decode_one_into(1, 1, not_utf8, sizeof not_utf8, out, sizeof out, &used),
               BARTER_STATUS_INVALID_UTF8);
        EXPECT(barter_decode_one_into(13, 1, (const uint8_t *)open_json, open_len, out,
                                      sizeof out, &used), BARTER_STATUS_INVALID_ARGUMENT);
        CHECK(used == 0);
    }
    EXPECT(barter_encode(1, 1, NULL, 1, BARTER_JSON_FORMAT_ONE, &buffer),
           BARTER_STATUS_NULL_POINTER);
    EXPECT(barter_encode(1, 1, NULL, 0, BARTER_JSON_FORMAT_ONE, &buffer),
           BARTER_STATUS_INVALID_ARGUMENT);
    EXPECT(barter_order_events_encode(NULL, 1, BARTER_JSON_FORMAT_ONE, &buffer),
           BARTER_STATUS_NULL_POINTER);
    EXPECT(barter_order_events_decode(not_utf8, sizeof not_utf8, BARTER_JSON_FORMAT_LINES,
                                      BARTER_DECODE_COLLECT_ERRORS, &obatch),
           BARTER_STATUS_INVALID_UTF8);
    CHECK(buffer == NULL && obatch == NULL);

    /* Limits: lowered, each exceeded, then restored. */
    EXPECT(barter_limits_get(&limits), OK);
    lowered = limits;
    lowered.max_input_bytes = open_len - 1;
    EXPECT(barter_limits_set(&lowered), OK);
    EXPECT(barter_decode(1, 1, (const uint8_t *)open_json, open_len, 1, 0, &batch),
           BARTER_STATUS_LIMIT_EXCEEDED);
    lowered = limits;
    lowered.max_string_bytes = 3;
    EXPECT(barter_limits_set(&lowered), OK);
    EXPECT(barter_order_events_decode((const uint8_t *)open_json, open_len, 1, 0, &obatch),
           BARTER_STATUS_LIMIT_EXCEEDED);
    EXPECT(barter_limits_set(&limits), OK);
    EXPECT(barter_order_events_decode((const uint8_t *)open_json, open_len, 1, 0, &obatch), OK);
    if (obatch != NULL) {
        lowered = limits;
        lowered.max_events_per_call = 0;
        EXPECT(barter_limits_set(&lowered), BARTER_STATUS_INVALID_ARGUMENT);
        EXPECT(barter_limits_set(&zero), BARTER_STATUS_INVALID_ARGUMENT);
        lowered.max_string_bytes = 5;
        lowered.max_events_per_call = 1;
        EXPECT(barter_limits_set(&lowered), OK);
        EXPECT(barter_order_events_encode(obatch->events, 1, 1, &buffer),
               BARTER_STATUS_LIMIT_EXCEEDED); /* "cid-42" is 6 bytes */
        EXPECT(barter_limits_set(&limits), OK);
        EXPECT(barter_order_event_batch_free(&obatch), OK);
    }
    EXPECT(barter_limits_get(&lowered), OK);
    CHECK(memcmp(&lowered, &limits, sizeof limits) == 0);

    /* A panic, caught; then the thread goes on. */
    EXPECT(barter_debug_panic((const uint8_t *)"leak check", 10), BARTER_STATUS_PANIC);
    EXPECT(barter_last_error(&view), OK);
    CHECK(view.len == strlen("panic in barter-ffi: leak check"));
    EXPECT(barter_debug_panic(NULL, 1), BARTER_STATUS_NULL_POINTER);

    /* A session with a bad configuration: refused, nothing kept. */
    {
        BarterSession *session = NULL;
        EXPECT(barter_session_new((const uint8_t *)"{}", 2, NULL, &session),
               BARTER_STATUS_INVALID_DATA);
        CHECK(session == NULL);
        EXPECT(barter_session_new((const uint8_t *)"{", 1, NULL, &session),
               BARTER_STATUS_INVALID_JSON);
        EXPECT(barter_session_free(&session), OK);
    }
}

/* An event sink fed by a Rust producer thread and drained from here; then a
 * small sink with the reject policy freed with events still queued. */
static void sinks(void) {
    const uint64_t count = 300;
    BarterEventSink *sink = NULL;
    BarterTestProducer *producer = NULL;
    BarterTestProducerReport report;
    BarterSinkStats stats;
    BarterBuffer *buffer = NULL;
    BarterOrderEventBatch *batch = NULL;
    uint64_t drained = 0, discarded = 0;

    EXPECT(barter_event_sink_new(32, BARTER_SINK_FULL_POLICY_BLOCK, &sink), OK);
    if (sink == NULL) {
        return;
    }
    EXPECT(barter_test_producer_start(sink, 1, count, BARTER_KEYS_INDEXED, &producer), OK);
    while (drained < count) {
        BarterEventBatch *events_batch = NULL;
        EXPECT(barter_event_sink_drain(sink, 64, 2000, &events_batch), OK);
        if (events_batch == NULL || events_batch->len == 0) {
            EXPECT(barter_event_batch_free(&events_batch), OK);
            break;
        }
        drained += events_batch->len;
        if (events_batch->order_events_len > 0) {
            EXPECT(barter_order_events_encode(events_batch->order_events,
                                              events_batch->order_events_len,
                                              BARTER_JSON_FORMAT_LINES, &buffer), OK);
            EXPECT(barter_buffer_free(&buffer), OK);
        }
        EXPECT(barter_event_batch_free(&events_batch), OK);
        EXPECT(barter_event_batch_free(&events_batch), OK);
    }
    CHECK(drained == count);
    events += drained;
    EXPECT(barter_test_producer_join(&producer, &report), OK);
    CHECK(report.accepted == count && producer == NULL);
    EXPECT(barter_event_sink_stats(sink, &stats), OK);
    CHECK(stats.drained == count);
    EXPECT(barter_event_sink_close(sink), OK);
    EXPECT(barter_event_sink_discard(sink, &discarded), OK);
    EXPECT(barter_event_sink_free(&sink), OK);
    EXPECT(barter_event_sink_free(&sink), OK);

    EXPECT(barter_event_sink_new(4, BARTER_SINK_FULL_POLICY_REJECT, &sink), OK);
    if (sink != NULL) {
        EXPECT(barter_test_producer_start(sink, 2, 50, BARTER_KEYS_UNINDEXED, &producer), OK);
        EXPECT(barter_test_producer_join(&producer, &report), OK);
        CHECK(report.accepted + report.rejected == 50);
        EXPECT(barter_event_sink_free(&sink), OK); /* with events still queued */
    }

    EXPECT(barter_test_events_json(3, 0, 40, BARTER_KEYS_INDEXED, &buffer), OK);
    if (buffer != NULL) {
        EXPECT(barter_order_events_decode(buffer->data, buffer->len, BARTER_JSON_FORMAT_LINES,
                                          0, &batch), OK);
        CHECK(batch != NULL && batch->len == 40);
        events += 40;
        EXPECT(barter_order_event_batch_free(&batch), OK);
        EXPECT(barter_buffer_free(&buffer), OK);
    }
}

/* Decode streams on a big input (20,000 generated lines): read to the end,
 * freed before the first batch and after one (the thread blocked on its
 * full queue, batches still queued), and refused or misused calls. */
static void streams(void) {
    static const uint8_t not_utf8[] = {'{', '}', '\n', 0xff};
    const uint64_t count = 20000;
    const struct timespec pause = {0, 50 * 1000 * 1000};
    BarterBuffer *big = NULL;
    BarterDecodeStream *stream = (BarterDecodeStream *)&stream;
    BarterBatch *batch = (BarterBatch *)&batch;
    int taken;

    EXPECT(barter_test_events_json(4, 0, count, BARTER_KEYS_INDEXED, &big), OK);
    if (big == NULL) {
        return;
    }
    CHECK(stream_all(BARTER_MESSAGE_ORDER_EVENT, BARTER_KEYS_INDEXED, big->data, big->len, 0,
                     4096, OK) == count);
    for (taken = 0; taken < 2; taken++) {
        int i;
        stream = NULL;
        EXPECT(barter_decode_stream_new(BARTER_MESSAGE_ORDER_EVENT, BARTER_KEYS_INDEXED,
                                        big->data, big->len, 0, 16, &stream), OK);
        for (i = 0; i < taken; i++) {
            EXPECT(barter_decode_stream_next(stream, &batch), OK);
            CHECK(batch != NULL && batch->len == 16);
            EXPECT(barter_batch_free(&batch), OK);
        }
        nanosleep(&pause, NULL); /* time for the thread to fill its queue */
        EXPECT(barter_decode_stream_free(&stream), OK);
        CHECK(stream == NULL);
    }
    /* A batch taken outlives its stream and the input. */
    EXPECT(barter_decode_stream_new(BARTER_MESSAGE_ORDER_EVENT, BARTER_KEYS_INDEXED, big->data,
                                    big->len, 0, 16, &stream), OK);
    EXPECT(barter_decode_stream_next(stream, &batch), OK);
    EXPECT(barter_decode_stream_free(&stream), OK);
    EXPECT(barter_buffer_free(&big), OK);
    CHECK(batch != NULL && batch->len == 16);
    EXPECT(barter_batch_free(&batch), OK);

    /* Refused before anything starts: *out_stream is set to NULL. */
    stream = (BarterDecodeStream *)&stream;
    EXPECT(barter_decode_stream_new(1, 1, not_utf8, sizeof not_utf8, 0, 1, &stream),
           BARTER_STATUS_INVALID_UTF8);
    CHECK(stream == NULL);
    EXPECT(barter_decode_stream_new(1, 1, (const uint8_t *)"{}", 2, 0, 0, &stream),
           BARTER_STATUS_INVALID_ARGUMENT);
    EXPECT(barter_decode_stream_new(13, 1, (const uint8_t *)"{}", 2, 0, 1, &stream),
           BARTER_STATUS_INVALID_ARGUMENT);
    EXPECT(barter_decode_stream_new(1, 1, (const uint8_t *)"{}", 2, 2, 1, &stream),
           BARTER_STATUS_INVALID_ARGUMENT);
    EXPECT(barter_decode_stream_new(1, 1, NULL, 5, 0, 1, &stream), BARTER_STATUS_NULL_POINTER);
    EXPECT(barter_decode_stream_new(1, 1, NULL, 0, 0, 1, NULL), BARTER_STATUS_NULL_POINTER);
    CHECK(stream == NULL);
    /* An empty input ends at once; a syntax error fails the first next. */
    CHECK(stream_all(1, 1, NULL, 0, 0, 1, OK) == 0);
    CHECK(stream_all(1, 1, (const uint8_t *)"{\n", 2, 0, 1, BARTER_STATUS_INVALID_JSON) == 0);
    EXPECT(barter_decode_stream_next(NULL, &batch), BARTER_STATUS_NULL_POINTER);
    CHECK(batch == NULL);
    EXPECT(barter_decode_stream_free(NULL), OK);
    EXPECT(barter_decode_stream_free(&stream), OK);
}

/* --- a barter System ----------------------------------------------------- */

static unsigned long audit_ticks;

/* `len` bytes of the file `name` in `dir`, NUL-terminated; exits if absent. */
static char *read_file(const char *dir, const char *name, size_t *len) {
    char path[4096];
    FILE *file;
    char *data;
    long size;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    file = fopen(path, "rb");
    if (file == NULL || fseek(file, 0, SEEK_END) != 0 || (size = ftell(file)) < 0) {
        perror(path);
        exit(2);
    }
    rewind(file);
    data = malloc((size_t)size + 1);
    if (fread(data, 1, (size_t)size, file) != (size_t)size) {
        perror(path);
        exit(2);
    }
    data[size] = '\0';
    fclose(file);
    *len = (size_t)size;
    return data;
}

static int contains(const uint8_t *data, size_t len, const char *needle) {
    size_t n = strlen(needle), i;
    for (i = 0; n <= len && i <= len - n; i++) {
        if (memcmp(data + i, needle, n) == 0) {
            return 1;
        }
    }
    return 0;
}

static BarterStr text(const char *s) {
    BarterStr view;
    view.ptr = (const uint8_t *)s;
    view.len = strlen(s);
    return view;
}

static BarterKey index_key(size_t index) {
    BarterKey key;
    memset(&key, 0, sizeof key);
    key.kind = BARTER_KEY_KIND_INDEX;
    key.index = index;
    return key;
}

static BarterDecimal decimal(uint64_t mantissa, uint8_t scale) {
    BarterDecimal value;
    memset(&value, 0, sizeof value);
    value.mantissa_lo = mantissa;
    value.scale = scale;
    return value;
}

/* A market buy of 0.001 BTCUSDT (instrument 0) at the example data's ask. */
static BarterOrderRequestOpen market_buy(size_t exchange, const char *cid) {
    BarterOrderRequestOpen request;
    memset(&request, 0, sizeof request);
    request.key.exchange = index_key(exchange);
    request.key.instrument = index_key(0);
    request.key.strategy = text("leakcheck");
    request.key.cid = text(cid);
    request.state.side = BARTER_SIDE_BUY;
    request.state.kind = BARTER_ORDER_KIND_MARKET;
    request.state.time_in_force.kind = BARTER_TIME_IN_FORCE_KIND_IMMEDIATE_OR_CANCEL;
    request.state.price = decimal(8723201, 2);
    request.state.quantity = decimal(1, 3);
    return request;
}

/* What the audit ticks drained so far showed. */
struct audit {
    int fully_filled; /* an order's FullyFilled snapshot */
    int trade;        /* an account Trade (only those have an order_id) */
    int filled;       /* both: a fill has reached the engine */
    int index_error;  /* barter's IndexError, which ends the engine */
    int ended;        /* the audit has ended and is drained */
};

/* Notes what the serde JSON of some ticks shows. */
static void saw_json(const uint8_t *data, size_t len, struct audit *seen) {
    seen->fully_filled |= contains(data, len, "FullyFilled");
    seen->trade |= contains(data, len, "\"order_id\"");
    seen->index_error |= contains(data, len, "IndexError");
}

/* One drain of the ticks as C structs; their number. */
static size_t drain_structs(BarterSystem *system, uint32_t timeout_ms, struct audit *seen) {
    BarterAuditBatch *batch = (BarterAuditBatch *)&batch;
    size_t count, i;
    EXPECT(barter_system_audit_drain_structs(system, 64, timeout_ms, &batch), OK);
    if (batch == NULL) {
        return 0;
    }
    count = batch->len;
    CHECK(batch->market_events_len + batch->account_events_len <= count);
    for (i = 0; i < batch->account_events_len; i++) {
        const BarterAccountEvent *event = &batch->account_events[i];
        seen->fully_filled |= event->kind == BARTER_ACCOUNT_EVENT_KIND_ORDER_SNAPSHOT &&
                              event->payload.order.state.kind ==
                                  BARTER_ORDER_STATE_KIND_FULLY_FILLED;
        seen->trade |= event->kind == BARTER_ACCOUNT_EVENT_KIND_TRADE;
    }
    saw_json(batch->json.ptr, batch->json.len, seen);
    EXPECT(barter_audit_batch_free(&batch), OK);
    CHECK(batch == NULL);
    return count;
}

/* One drain of the ticks as JSON lines; their number. */
static size_t drain_json(BarterSystem *system, uint32_t timeout_ms, struct audit *seen) {
    BarterBuffer *buffer = (BarterBuffer *)&buffer;
    size_t count = 7, lines = 0, i;
    EXPECT(barter_system_audit_drain(system, 64, timeout_ms, &buffer, &count), OK);
    if (buffer == NULL) {
        return 0;
    }
    for (i = 0; i < buffer->len; i++) {
        lines += buffer->data[i] == '\n';
    }
    CHECK(lines == count);
    saw_json(buffer->data, buffer->len, seen);
    EXPECT(barter_buffer_free(&buffer), OK);
    return count;
}

/* One drain, waiting up to `timeout_ms`, as JSON and as structs in turn;
 * notes what the ticks show. */
static void drain(BarterSystem *system, uint32_t timeout_ms, struct audit *seen) {
    static unsigned drains;
    BarterAuditStats stats;
    size_t count = drains++ % 2 ? drain_structs(system, timeout_ms, seen)
                                : drain_json(system, timeout_ms, seen);
    seen->filled = seen->fully_filled && seen->trade;
    audit_ticks += count;
    EXPECT(barter_system_audit_stats(system, &stats), OK);
    CHECK(stats.received == stats.delivered + stats.queued);
    seen->ended = count == 0 && stats.ended == 1 && stats.queued == 0;
}

/* Drains until `*flag` is set or `seconds` pass (generous: valgrind runs
 * Tokio's threads one at a time). */
static void drain_until(BarterSystem *system, struct audit *seen, const int *flag, long seconds) {
    time_t deadline = time(NULL) + seconds;
    while (!*flag && time(NULL) < deadline) {
        drain(system, 1000, seen);
    }
    CHECK(*flag);
}

static void bad_filters(BarterSystem *system) {
    const size_t out_of_range[] = {5};
    BarterInstrumentFilter filter;
    memset(&filter, 0, sizeof filter);
    filter.kind = 9;
    EXPECT(barter_system_close_positions(system, &filter), BARTER_STATUS_INVALID_ARGUMENT);
    filter.kind = BARTER_INSTRUMENT_FILTER_KIND_INSTRUMENTS;
    EXPECT(barter_system_cancel_orders(system, &filter), BARTER_STATUS_INVALID_ARGUMENT);
    filter.len = 1;
    EXPECT(barter_system_cancel_orders(system, &filter), BARTER_STATUS_NULL_POINTER);
    filter.indices = out_of_range;
    EXPECT(barter_system_close_positions(system, &filter), BARTER_STATUS_INVALID_ARGUMENT);
    filter.kind = BARTER_INSTRUMENT_FILTER_KIND_UNDERLYINGS;
    filter.len = (size_t)-1;
    EXPECT(barter_system_close_positions(system, &filter), BARTER_STATUS_INVALID_ARGUMENT);
    EXPECT(barter_system_close_positions(system, NULL), BARTER_STATUS_NULL_POINTER);
}

/* barter_system_new refuses these, and sets *out_system to NULL. */
static void bad_systems(const char *config, size_t config_len) {
    static const char unknown_asset[] =
        "[{\"key\":{\"exchange\":\"binance_spot\",\"asset\":\"doge\"},"
        "\"value\":{\"total\":\"1\",\"free\":\"1\"}}]";
    static const char empty[] = "{\"instruments\":[],\"executions\":[]}";
    BarterSystem *system = (BarterSystem *)&system;
    BarterSystemOptions options;
    memset(&options, 0, sizeof options);
    EXPECT(barter_system_new((const uint8_t *)"{", 1, NULL, 0, NULL, &system),
           BARTER_STATUS_INVALID_JSON);
    CHECK(system == NULL);
    EXPECT(barter_system_new((const uint8_t *)empty, sizeof empty - 1, NULL, 0, NULL, &system),
           BARTER_STATUS_INVALID_DATA);
    EXPECT(barter_system_new((const uint8_t *)config, config_len, (const uint8_t *)unknown_asset,
                             sizeof unknown_asset - 1, NULL, &system),
           BARTER_STATUS_INVALID_DATA);
    options.feed_mode = 9;
    EXPECT(barter_system_new((const uint8_t *)config, config_len, NULL, 0, &options, &system),
           BARTER_STATUS_INVALID_ARGUMENT);
    EXPECT(barter_system_new(NULL, 5, NULL, 0, NULL, &system), BARTER_STATUS_NULL_POINTER);
    EXPECT(barter_system_new((const uint8_t *)config, config_len, NULL, 0, NULL, NULL),
           BARTER_STATUS_NULL_POINTER);
    CHECK(system == NULL);
}

/* Every call on a NULL System: refused, out-pointers reset. */
static void null_system(void) {
    BarterOrderRequestOpen request = market_buy(0, "null");
    BarterInstrumentFilter filter;
    BarterBuffer *buffer = (BarterBuffer *)&buffer;
    BarterDecimal rate = decimal(5, 2);
    BarterAuditStats stats;
    size_t count = 7;
    uint32_t running = 7;
    memset(&filter, 0, sizeof filter);
    filter.kind = BARTER_INSTRUMENT_FILTER_KIND_NONE;
    EXPECT(barter_system_send_open_requests(NULL, &request, 1), BARTER_STATUS_NULL_POINTER);
    EXPECT(barter_system_close_positions(NULL, &filter), BARTER_STATUS_NULL_POINTER);
    EXPECT(barter_system_set_trading_enabled(NULL, 1), BARTER_STATUS_NULL_POINTER);
    EXPECT(barter_system_feed_market(NULL, NULL, 0, BARTER_JSON_FORMAT_LINES),
           BARTER_STATUS_NULL_POINTER);
    EXPECT(barter_system_audit_drain(NULL, 1, 0, &buffer, &count), BARTER_STATUS_NULL_POINTER);
    CHECK(buffer == NULL && count == 0);
    {
        BarterAuditBatch *batch = (BarterAuditBatch *)&batch;
        EXPECT(barter_system_audit_drain_structs(NULL, 1, 0, &batch), BARTER_STATUS_NULL_POINTER);
        CHECK(batch == NULL);
        EXPECT(barter_audit_batch_free(NULL), OK);
        EXPECT(barter_audit_batch_free(&batch), OK);
    }
    EXPECT(barter_system_audit_stats(NULL, &stats), BARTER_STATUS_NULL_POINTER);
    EXPECT(barter_system_is_running(NULL, &running), BARTER_STATUS_NULL_POINTER);
    EXPECT(barter_system_shutdown(NULL), BARTER_STATUS_NULL_POINTER);
    buffer = (BarterBuffer *)&buffer;
    EXPECT(barter_system_trading_summary(NULL, &rate, BARTER_SUMMARY_INTERVAL_DAILY, &buffer),
           BARTER_STATUS_NULL_POINTER);
    CHECK(buffer == NULL);
    EXPECT(barter_system_free(NULL), OK);
}

/* The trading summary of a stopped System, normalized to the same bytes. */
static void summary(BarterSystem *system) {
    BarterDecimal rate = decimal(5, 2);
    BarterBuffer *json = NULL, *again = NULL;
    EXPECT(barter_system_trading_summary(system, &rate, 9, &json), BARTER_STATUS_INVALID_ARGUMENT);
    EXPECT(barter_system_trading_summary(system, &rate, BARTER_SUMMARY_INTERVAL_DAILY, &json), OK);
    if (json == NULL) {
        return;
    }
    EXPECT(barter_engine_json_normalize(BARTER_ENGINE_VALUE_TRADING_SUMMARY_DAILY,
                                        BARTER_JSON_FORMAT_ONE, json->data, json->len, &again),
           OK);
    CHECK(again != NULL && again->len == json->len &&
          memcmp(again->data, json->data, json->len) == 0);
    EXPECT(barter_buffer_free(&again), OK);
    EXPECT(barter_buffer_free(&json), OK);
}

/* One System's whole life on barter's example config (`dir` holds it and
 * the example market data) with the audit on: market events, a market buy
 * that fills, a cancel, close_positions, then an open request for exchange
 * 7, barter's unrecoverable IndexError, which ends the engine and its
 * audit; shutdown, the trading summary, and free. Then a System without an
 * audit, freed while it runs, and the refusals. */
static void system_lifecycle(const char *dir) {
    static const char latency[] = "\"latency_ms\": 100";
    size_t config_len, market_len, book_len = 0, i;
    char *config = read_file(dir, "system_config.json", &config_len);
    char *market = read_file(dir, "market_events.jsonl", &market_len);
    char *at = strstr(config, latency);
    BarterSystem *system = NULL;
    BarterSystemOptions options;
    BarterBuffer *buffer = NULL;
    BarterOrderRequestOpen buy = market_buy(0, "buy-1"), lost = market_buy(7, "lost");
    BarterOrderRequestCancel cancel;
    BarterInstrumentFilter everything;
    BarterAuditStats stats;
    struct audit seen = {0, 0, 0, 0, 0};
    BarterDecimal rate = decimal(5, 2);
    uint32_t running = 7;
    time_t deadline;

    /* barter's 100 ms latency, as 1 ms: valgrind is slow enough. */
    CHECK(at != NULL);
    if (at == NULL) {
        return;
    }
    memcpy(at, "\"latency_ms\":   1", sizeof latency - 1);
    /* The first 6 events: order books of instruments 1 and 0, a trade. */
    for (i = 0; i < 6 && book_len < market_len; i++) {
        while (book_len < market_len && market[book_len++] != '\n') {
        }
    }
    memset(&options, 0, sizeof options);
    options.audit = 1;
    EXPECT(barter_system_new((const uint8_t *)config, config_len, NULL, 0, &options, &system), OK);
    if (system == NULL) {
        free(config);
        free(market);
        return;
    }
    EXPECT(barter_system_is_running(system, &running), OK);
    CHECK(running == 1);
    EXPECT(barter_system_audit_snapshot(system, &buffer), OK);
    CHECK(buffer != NULL && contains(buffer->data, buffer->len, "\"sequence\":0"));
    EXPECT(barter_buffer_free(&buffer), OK);

    EXPECT(barter_system_feed_market(system, (const uint8_t *)market, book_len,
                                     BARTER_JSON_FORMAT_LINES), OK);
    EXPECT(barter_system_feed_market(system, (const uint8_t *)market, book_len, 9),
           BARTER_STATUS_INVALID_ARGUMENT);
    EXPECT(barter_system_feed_market(system, (const uint8_t *)"{\n", 2, BARTER_JSON_FORMAT_LINES),
           BARTER_STATUS_INVALID_JSON);
    EXPECT(barter_system_send_open_requests(system, &buy, 1), OK);
    drain_until(system, &seen, &seen.filled, 120);

    memset(&cancel, 0, sizeof cancel);
    cancel.key = buy.key;
    cancel.state.has_id = 1;
    cancel.state.id = text("0");
    EXPECT(barter_system_send_cancel_requests(system, &cancel, 1), OK);
    memset(&everything, 0, sizeof everything);
    everything.kind = BARTER_INSTRUMENT_FILTER_KIND_NONE;
    EXPECT(barter_system_close_positions(system, &everything), OK);
    bad_filters(system);
    EXPECT(barter_system_set_trading_enabled(system, 2), BARTER_STATUS_INVALID_ARGUMENT);
    EXPECT(barter_system_trading_summary(system, &rate, BARTER_SUMMARY_INTERVAL_DAILY, &buffer),
           BARTER_STATUS_INVALID_ARGUMENT); /* still running */
    CHECK(buffer == NULL);

    /* No execution for exchange 7: the engine ends, then its audit. */
    EXPECT(barter_system_send_open_requests(system, &lost, 1), OK);
    drain_until(system, &seen, &seen.index_error, 120);
    drain_until(system, &seen, &seen.ended, 120);
    deadline = time(NULL) + 60;
    do {
        EXPECT(barter_system_is_running(system, &running), OK);
    } while (running == 1 && time(NULL) < deadline);
    CHECK(running == 0);
    EXPECT(barter_system_set_trading_enabled(system, 1), BARTER_STATUS_CLOSED);
    EXPECT(barter_system_send_open_requests(system, &buy, 1), BARTER_STATUS_CLOSED);

    EXPECT(barter_system_shutdown(system), OK);
    EXPECT(barter_system_shutdown(system), OK);
    EXPECT(barter_system_abort(system), OK);
    EXPECT(barter_system_audit_stats(system, &stats), OK);
    CHECK(stats.ended == 1 && stats.queued == 0 && stats.received == stats.delivered);
    summary(system);
    EXPECT(barter_system_free(&system), OK);
    CHECK(system == NULL);
    EXPECT(barter_system_free(&system), OK);

    /* Without an audit: its calls are refused; freed while running. */
    options.audit = 0;
    EXPECT(barter_system_new((const uint8_t *)config, config_len, NULL, 0, &options, &system), OK);
    if (system != NULL) {
        size_t count = 7;
        EXPECT(barter_system_feed_market(system, (const uint8_t *)market, book_len,
                                         BARTER_JSON_FORMAT_LINES), OK);
        EXPECT(barter_system_audit_drain(system, 1, 0, &buffer, &count),
               BARTER_STATUS_INVALID_ARGUMENT);
        CHECK(buffer == NULL && count == 0);
        {
            BarterAuditBatch *batch = (BarterAuditBatch *)&batch;
            EXPECT(barter_system_audit_drain_structs(system, 1, 0, &batch),
                   BARTER_STATUS_INVALID_ARGUMENT);
            CHECK(batch == NULL);
        }
        EXPECT(barter_system_audit_snapshot(system, &buffer), BARTER_STATUS_INVALID_ARGUMENT);
        EXPECT(barter_system_free(&system), OK);
    }
    bad_systems(config, config_len);
    null_system();
    {
        BarterBuffer *normal = NULL;
        EXPECT(barter_engine_json_normalize(BARTER_ENGINE_VALUE_MARKET_STREAM_EVENT,
                                            BARTER_JSON_FORMAT_LINES, (const uint8_t *)market,
                                            book_len, &normal), OK);
        CHECK(normal != NULL && normal->len > 0);
        EXPECT(barter_buffer_free(&normal), OK);
        EXPECT(barter_engine_json_normalize(0, BARTER_JSON_FORMAT_LINES, (const uint8_t *)market,
                                            book_len, &normal), BARTER_STATUS_INVALID_ARGUMENT);
    }
    free(config);
    free(market);
}

/* A stepped backtest on `data`: steps, a market buy that fills, the
 * commands, every read, the summary, and an engine ended by barter's
 * IndexError (an open request for exchange 7); then free. */
static void stepped_lifecycle(const char *config, size_t config_len, BarterMarketData *data) {
    BarterBacktest *backtest = NULL, *refused = NULL;
    BarterBacktestProgress progress;
    BarterOrderRequestOpen buy = market_buy(0, "buy-1"), lost = market_buy(7, "lost");
    BarterInstrumentFilter everything;
    BarterBuffer *buffer = NULL;
    BarterBatch *batch = NULL;
    BarterDecimal rate = decimal(5, 2);
    size_t count = 0;

    EXPECT(barter_backtest_new((const uint8_t *)config, config_len, data, 0, 0, &backtest), OK);
    if (backtest == NULL) {
        return;
    }
    EXPECT(barter_backtest_step(backtest, 4, NULL, &progress), OK);
    CHECK(progress.processed == 4 && progress.position == 4 && progress.ended == 0);
    EXPECT(barter_backtest_send_open_requests(backtest, &buy, 1), OK);
    memset(&everything, 0, sizeof everything);
    everything.kind = BARTER_INSTRUMENT_FILTER_KIND_NONE;
    EXPECT(barter_backtest_close_positions(backtest, &everything), OK);
    EXPECT(barter_backtest_cancel_orders(backtest, &everything), OK);
    EXPECT(barter_backtest_set_trading_enabled(backtest, 0), OK);
    EXPECT(barter_backtest_set_trading_enabled(backtest, 2), BARTER_STATUS_INVALID_ARGUMENT);
    EXPECT(barter_backtest_state(backtest, &buffer), OK);
    CHECK(buffer != NULL && contains(buffer->data, buffer->len, "\"instruments\""));
    EXPECT(barter_buffer_free(&buffer), OK);
    EXPECT(barter_backtest_latest_market(backtest, &batch), OK);
    CHECK(batch != NULL && batch->len > 0);
    EXPECT(barter_batch_free(&batch), OK);
    EXPECT(barter_backtest_drain_audit(backtest, &buffer, &count), OK);
    CHECK(buffer != NULL && count > 4 && contains(buffer->data, buffer->len, "FullyFilled"));
    EXPECT(barter_buffer_free(&buffer), OK);
    EXPECT(barter_backtest_trading_summary(backtest, &rate, BARTER_SUMMARY_INTERVAL_DAILY, &buffer),
           OK);
    EXPECT(barter_buffer_free(&buffer), OK);
    EXPECT(barter_backtest_send_open_requests(backtest, &lost, 1), OK);
    EXPECT(barter_backtest_progress(backtest, &progress), OK);
    CHECK(progress.ended == 1);
    EXPECT(barter_backtest_step(backtest, 1, NULL, &progress), BARTER_STATUS_CLOSED);
    EXPECT(barter_backtest_drain_audit(backtest, &buffer, &count), OK);
    CHECK(buffer != NULL && contains(buffer->data, buffer->len, "IndexError"));
    EXPECT(barter_buffer_free(&buffer), OK);
    EXPECT(barter_backtest_free(&backtest), OK);
    CHECK(backtest == NULL);
    EXPECT(barter_backtest_free(&backtest), OK);
    /* Audit off, freed mid-run; and the refusals. */
    EXPECT(barter_backtest_new((const uint8_t *)config, config_len, data, 1, 1, &backtest), OK);
    EXPECT(barter_backtest_step(backtest, 2, NULL, &progress), OK);
    EXPECT(barter_backtest_drain_audit(backtest, &buffer, &count),
           BARTER_STATUS_INVALID_ARGUMENT);
    CHECK(buffer == NULL);
    EXPECT(barter_backtest_free(&backtest), OK);
    refused = (BarterBacktest *)&refused;
    EXPECT(barter_backtest_new((const uint8_t *)config, config_len, data, 2, 0, &refused),
           BARTER_STATUS_INVALID_ARGUMENT);
    CHECK(refused == NULL);
    EXPECT(barter_backtest_new((const uint8_t *)config, config_len, NULL, 0, 0, &refused),
           BARTER_STATUS_NULL_POINTER);
    EXPECT(barter_backtest_step(NULL, 1, NULL, &progress), BARTER_STATUS_NULL_POINTER);
}

/* A backtest's whole life on barter's example backtest config and market
 * data: the data loaded from JSON lines and from C structs, two backtests
 * run, every refusal (bad data, events out of order, an instrument the
 * config lacks, NULL and unknown arguments), and the data freed. */
static void backtest_lifecycle(const char *dir) {
    static const char system_key[] = "\"system\":";
    static const char reconnect[] = "{\"Reconnecting\":\"binance_spot\"}";
    size_t config_len, market_len, lines_len = 0, count = 0, i;
    char *config = read_file(dir, "backtest_config.json", &config_len);
    char *market = read_file(dir, "market_events.jsonl", &market_len);
    char *system_json = strstr(config, system_key);
    const char *one_instrument = "{\"instruments\": [], \"executions\": []}";
    BarterMarketData *data = NULL, *again = NULL;
    BarterBuffer *summaries = NULL;
    BarterBacktestArgs args[2];
    BarterMarketStreamEvent item;
    size_t system_len;

    CHECK(system_json != NULL);
    if (system_json == NULL) {
        free(config);
        free(market);
        return;
    }
    /* The config's "system" object: up to the file's last closing brace. */
    system_json += sizeof system_key - 1;
    system_len = (size_t)(strrchr(config, '}') - system_json);
    for (i = 0; i < 8 && lines_len < market_len; i++) {
        while (lines_len < market_len && market[lines_len++] != '\n') {
        }
    }
    EXPECT(barter_market_data_from_json((const uint8_t *)market, lines_len,
                                        BARTER_JSON_FORMAT_LINES, &data), OK);
    EXPECT(barter_market_data_len(data, &count), OK);
    CHECK(count == 8);
    args[0].id = text("first");
    args[0].risk_free_return = decimal(5, 2);
    args[1].id = text("");
    args[1].risk_free_return = decimal(0, 0);
    EXPECT(barter_backtest_run((const uint8_t *)system_json, system_len, data, args, 2,
                               BARTER_SUMMARY_INTERVAL_ANNUAL365, &summaries), OK);
    CHECK(summaries != NULL && contains(summaries->data, summaries->len, "\"num_backtests\":2"));
    EXPECT(barter_buffer_free(&summaries), OK);
    /* Refusals: nothing handed out. */
    summaries = (BarterBuffer *)&summaries;
    EXPECT(barter_backtest_run((const uint8_t *)one_instrument, strlen(one_instrument), data, args,
                               1, BARTER_SUMMARY_INTERVAL_DAILY, &summaries),
           BARTER_STATUS_INVALID_DATA);
    CHECK(summaries == NULL);
    EXPECT(barter_backtest_run((const uint8_t *)system_json, system_len, data, NULL, 1,
                               BARTER_SUMMARY_INTERVAL_DAILY, &summaries),
           BARTER_STATUS_NULL_POINTER);
    EXPECT(barter_backtest_run((const uint8_t *)system_json, system_len, NULL, args, 1,
                               BARTER_SUMMARY_INTERVAL_DAILY, &summaries),
           BARTER_STATUS_NULL_POINTER);
    EXPECT(barter_backtest_run((const uint8_t *)system_json, system_len, data, args, 1, 0,
                               &summaries), BARTER_STATUS_INVALID_ARGUMENT);
    again = (BarterMarketData *)&again;
    EXPECT(barter_market_data_from_json((const uint8_t *)reconnect, sizeof reconnect - 1,
                                        BARTER_JSON_FORMAT_LINES, &again),
           BARTER_STATUS_INVALID_DATA);
    CHECK(again == NULL);
    EXPECT(barter_market_data_from_json((const uint8_t *)market, lines_len - 3,
                                        BARTER_JSON_FORMAT_LINES, &again),
           BARTER_STATUS_INVALID_JSON);
    EXPECT(barter_market_data_from_json((const uint8_t *)market, lines_len, 9, &again),
           BARTER_STATUS_INVALID_ARGUMENT);
    EXPECT(barter_market_data_len(NULL, &count), BARTER_STATUS_NULL_POINTER);
    /* From a struct: a reconnect alone is no market data. */
    memset(&item, 0, sizeof item);
    item.kind = BARTER_MARKET_STREAM_KIND_RECONNECTING;
    item.payload.exchange.kind = BARTER_KEY_KIND_NAME;
    item.payload.exchange.name = text("binance_spot");
    EXPECT(barter_market_data_from_events(&item, 1, &again), BARTER_STATUS_INVALID_DATA);
    item.kind = 7;
    EXPECT(barter_market_data_from_events(&item, 1, &again), BARTER_STATUS_INVALID_ARGUMENT);
    EXPECT(barter_market_data_from_events(NULL, 1, &again), BARTER_STATUS_NULL_POINTER);
    CHECK(again == NULL);
    stepped_lifecycle(system_json, system_len, data);
    EXPECT(barter_market_data_free(&data), OK);
    CHECK(data == NULL);
    EXPECT(barter_market_data_free(&data), OK);
    EXPECT(barter_market_data_free(NULL), OK);
    free(config);
    free(market);
}

int main(int argc, char **argv) {
    long rounds = argc > 2 ? strtol(argv[2], NULL, 10) : 2;
    long round;
    size_t i, j;
    if (argc < 2) {
        fprintf(stderr, "usage: driver SAMPLES [ROUNDS [SYSTEM_DATA]]\n");
        return 2;
    }
    load(argv[1]);
    CHECK(samples_len > 0);
    for (round = 0; round < rounds; round++) {
        for (i = 0; i < samples_len; i++) {
            one_value(&samples[i]);
        }
        for (i = 0; i < samples_len; i++) {
            int first = 1;
            for (j = 0; j < i; j++) {
                if (samples[j].message == samples[i].message &&
                    samples[j].keys == samples[i].keys) {
                    first = 0;
                }
            }
            if (first) {
                one_group(samples[i].message, samples[i].keys);
            }
        }
        order_events_api();
        error_paths();
        sinks();
        streams();
    }
    if (argc > 3) {
        system_lifecycle(argv[3]);
        CHECK(audit_ticks > 0);
        backtest_lifecycle(argv[3]);
    }
    for (i = 0; i < samples_len; i++) {
        free(samples[i].json);
    }
    free(samples);
    printf("driver: %lu events, %lu audit ticks, %lu failed checks\n", events, audit_ticks,
           failures);
    return failures == 0 ? 0 : 1;
}
