package dev.runstream.client;

/**
 * A snapshot of a {@link RunstreamClient}'s activity, for monitoring and tests.
 *
 * @param openStreams streams that have not ended yet
 * @param liveReaders Kafka consumers of the shared live readers: at most one per partition that
 *     has, or had, a live subscriber, however many subscribers there are
 * @param catchUpReaders catch-up readers (replays, resumes) reading right now
 * @param liveRecordsRead records read by the live readers
 * @param catchUpRecordsRead records read by catch-up readers and time searches
 * @param recordsDecoded records whose Avro value was decoded: the others were skipped from their
 *     key and headers alone
 * @param skippedRecords undeserializable records reported to subscribers
 * @param gaps gaps reported to subscribers
 * @param overflows subscribers that overflowed their buffer
 * @param viewAnswers lookups answered by the materialized view (found or not found)
 * @param viewUnavailable lookups the view could not answer, so the events were used instead
 */
public record ClientStats(
    int openStreams,
    int liveReaders,
    int catchUpReaders,
    long liveRecordsRead,
    long catchUpRecordsRead,
    long recordsDecoded,
    long skippedRecords,
    long gaps,
    long overflows,
    long viewAnswers,
    long viewUnavailable) {}
