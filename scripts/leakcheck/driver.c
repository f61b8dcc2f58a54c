/*
 * Leak-check driver: every allocate/free pair of the C ABI, the error paths
 * included, for scripts/leakcheck.sh to run under valgrind memcheck.
 *
 * usage: driver SAMPLES [ROUNDS]
 *   SAMPLES: lines of "MESSAGE KEYS SERDE-JSON" (BarterMessage and BarterKeys
 *   values, then serde's JSON of one value), made from
 *   tests/fixtures/messages.jsonl by leakcheck.sh.
 * Prints "driver: N events, M failed checks" and exits 1 on any failed check.
 */
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "barter_ffi.h"

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
    EXPECT(barter_decode(11, 1, (const uint8_t *)open_json, open_len, 1, 0, &batch),
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
        EXPECT(barter_decode_one_into(11, 1, (const uint8_t *)open_json, open_len, out,
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
    EXPECT(barter_decode_stream_new(11, 1, (const uint8_t *)"{}", 2, 0, 1, &stream),
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

int main(int argc, char **argv) {
    long rounds = argc > 2 ? strtol(argv[2], NULL, 10) : 2;
    long round;
    size_t i, j;
    if (argc < 2) {
        fprintf(stderr, "usage: driver SAMPLES [ROUNDS]\n");
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
    for (i = 0; i < samples_len; i++) {
        free(samples[i].json);
    }
    free(samples);
    printf("driver: %lu events, %lu failed checks\n", events, failures);
    return failures == 0 ? 0 : 1;
}
