package dev.runstream.producer;

/**
 * Root of every exception the producer library throws from a publishing operation, or with which it
 * completes an event's future.
 *
 * <p>Two branches tell what to do:
 *
 * <ul>
 *   <li>{@link RetriablePublishException}: a transient cause (the broker is slow or unreachable).
 *       When it is thrown synchronously by a publishing method, nothing was published and the run's
 *       state is unchanged, so the same call may simply be repeated later.
 *   <li>{@link FatalPublishException}: repeating the same call fails again (an invalid transition,
 *       an invalid argument, a closed publisher, a run aborted by an earlier delivery failure, a
 *       broker refusal such as an authorization error).
 * </ul>
 *
 * <p>Arguments that are {@code null} where a value is required throw {@link NullPointerException};
 * invalid configuration throws Kafka's {@link org.apache.kafka.common.config.ConfigException} when
 * the {@link PublisherConfig} is built.
 */
public abstract class PublishException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened, where, and what to do
   * @param cause the underlying failure, or {@code null}
   */
  protected PublishException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Whether repeating the operation later may succeed.
   *
   * @return {@code true} for {@link RetriablePublishException}s
   */
  public abstract boolean isRetriable();
}
