package dev.runstream.client;

import java.util.Objects;
import java.util.Optional;

/**
 * How {@link RunstreamClient#cancel(String, CancelOptions)} asks for a cancellation: the reason,
 * who asks, from which component, and optionally the workflow's root (when there is no view to find
 * it). Immutable; build it with {@link #newBuilder()}.
 *
 * <pre>{@code
 * client.cancel(workflowId, CancelOptions.newBuilder()
 *     .reason("user pressed stop")
 *     .requestedBy("alice@example.com")
 *     .build());
 * }</pre>
 */
public final class CancelOptions {
  /** The longest reason accepted, in characters. */
  public static final int MAX_REASON_LENGTH = 1_000;

  /** The longest {@code requestedBy} and {@code source} accepted, in characters. */
  public static final int MAX_NAME_LENGTH = 200;

  /** No reason, nobody named, source {@code sdk}. */
  public static final CancelOptions DEFAULTS = newBuilder().build();

  private final String reason;
  private final String requestedBy;
  private final String source;
  private final String rootWorkflowId;

  private CancelOptions(Builder b) {
    this.reason = b.reason;
    this.requestedBy = b.requestedBy;
    this.source = b.source;
    this.rootWorkflowId = b.rootWorkflowId;
  }

  /**
   * A builder with the defaults.
   *
   * @return a new builder
   */
  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * The reason.
   *
   * @return the reason, if given
   */
  public Optional<String> reason() {
    return Optional.ofNullable(reason);
  }

  /**
   * Who asks.
   *
   * @return the requester, if given
   */
  public Optional<String> requestedBy() {
    return Optional.ofNullable(requestedBy);
  }

  /**
   * The component that asks: {@code sdk} by default; the gateway and the CLI set their own.
   *
   * @return the source
   */
  public String source() {
    return source;
  }

  /**
   * The root workflow id, when the caller knows it; else the view is asked.
   *
   * @return the root, if given
   */
  public Optional<String> rootWorkflowId() {
    return Optional.ofNullable(rootWorkflowId);
  }

  /** Builds {@link CancelOptions}. */
  public static final class Builder {
    private String reason;
    private String requestedBy;
    private String source = "sdk";
    private String rootWorkflowId;

    private Builder() {}

    /**
     * The reason, shown to whoever reads the run; {@code null} for none.
     *
     * @param reason at most {@value CancelOptions#MAX_REASON_LENGTH} characters
     * @return this builder
     */
    public Builder reason(String reason) {
      this.reason = blankToNull(reason);
      return this;
    }

    /**
     * Who asks (a user, a service, a tenant's key); {@code null} for nobody in particular.
     *
     * @param requestedBy at most {@value CancelOptions#MAX_NAME_LENGTH} characters
     * @return this builder
     */
    public Builder requestedBy(String requestedBy) {
      this.requestedBy = blankToNull(requestedBy);
      return this;
    }

    /**
     * The component that asks.
     *
     * @param source not blank, at most {@value CancelOptions#MAX_NAME_LENGTH} characters
     * @return this builder
     */
    public Builder source(String source) {
      this.source = Objects.requireNonNull(source, "source");
      return this;
    }

    /**
     * The workflow's root, which keys the command; without it the view is asked.
     *
     * @param rootWorkflowId the root, or {@code null}
     * @return this builder
     */
    public Builder rootWorkflowId(String rootWorkflowId) {
      this.rootWorkflowId = blankToNull(rootWorkflowId);
      return this;
    }

    /**
     * Builds the options.
     *
     * @return the options
     * @throws IllegalArgumentException for a value that is too long, a blank source, or control
     *     characters in a name
     */
    public CancelOptions build() {
      check("reason", reason, MAX_REASON_LENGTH, false);
      check("requestedBy", requestedBy, MAX_NAME_LENGTH, true);
      if (source.isBlank()) {
        throw new IllegalArgumentException("source must not be blank");
      }
      check("source", source, MAX_NAME_LENGTH, true);
      return new CancelOptions(this);
    }

    private static void check(String name, String value, int max, boolean noControl) {
      if (value == null) {
        return;
      }
      if (value.length() > max) {
        throw new IllegalArgumentException(
            name + " is " + value.length() + " characters long; at most " + max + " are allowed");
      }
      if (noControl && value.chars().anyMatch(Character::isISOControl)) {
        throw new IllegalArgumentException(name + " must not contain control characters");
      }
    }

    private static String blankToNull(String s) {
      return s == null || s.isBlank() ? null : s;
    }
  }
}
