package dev.runstream.producer.internal;

import java.security.SecureRandom;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Fast unique ids: UUID version 7 (RFC 9562), a millisecond timestamp and 74 random bits. Each
 * thread draws from its own generator seeded from {@link SecureRandom}, so ids are made without
 * contention (unlike {@link UUID#randomUUID()}, which shares one {@code SecureRandom}).
 */
public final class EventIds {
  private static final SecureRandom SEEDS = new SecureRandom();
  private static final ThreadLocal<SplittableRandom> RANDOM =
      ThreadLocal.withInitial(EventIds::newGenerator);

  private EventIds() {}

  private static SplittableRandom newGenerator() {
    synchronized (SEEDS) {
      return new SplittableRandom(SEEDS.nextLong());
    }
  }

  /**
   * A new UUID version 7.
   *
   * @return the UUID
   */
  public static UUID next() {
    SplittableRandom random = RANDOM.get();
    long millis = System.currentTimeMillis();
    long msb = (millis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }

  /**
   * A new UUID version 7 as text.
   *
   * @return the canonical 36-character form
   */
  public static String nextString() {
    return next().toString();
  }
}
