package dev.runstream.client.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** The client's counters. */
public final class Stats {
  final LongAdder liveRecords = new LongAdder();
  final LongAdder catchUpRecords = new LongAdder();
  final LongAdder decoded = new LongAdder();
  final LongAdder skippedRecords = new LongAdder();
  final LongAdder gaps = new LongAdder();
  final LongAdder overflows = new LongAdder();
  final LongAdder viewAnswers = new LongAdder();
  final LongAdder viewUnavailable = new LongAdder();
  final AtomicInteger activeCatchUps = new AtomicInteger();
}
