package dev.runstream.client.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A workflow's text with the attempts of its steps, by the topology's rules: a {@code step_start}
 * of an open step with a higher attempt is a retry, and the text the step's earlier attempts wrote
 * drops out; a text delta with a higher attempt than known is a retry whose {@code step_start} was
 * missed; a text delta of a superseded attempt is ignored. Not thread-safe.
 */
public final class AttemptText {
  private static final String NO_STEP = "";

  /** A run of consecutive text of one step attempt. */
  private static final class Piece {
    final String stepKey;
    final StringBuilder text = new StringBuilder();

    Piece(String stepKey) {
      this.stepKey = stepKey;
    }
  }

  /** What a step_start or text delta did to the text. */
  public sealed interface Change {}

  /** Nothing (a first start, a finish, another event). */
  public record None() implements Change {}

  /** The delta's text was appended. */
  public record Appended() implements Change {}

  /** The delta belongs to a superseded attempt: ignored. */
  public record Stale() implements Change {}

  /**
   * The step was retried; its earlier attempts' text {@code superseded} was removed.
   *
   * @param superseded the removed text
   */
  public record Retried(String superseded) implements Change {}

  private static final None NONE = new None();
  private static final Appended APPENDED = new Appended();
  private static final Stale STALE = new Stale();

  private final List<Piece> pieces = new ArrayList<>();
  private final Map<String, Integer> attempts = new HashMap<>();
  private final Set<String> finished = new HashSet<>();
  private final boolean keepText;
  private boolean missedEarlierAttempts;

  /** Starts from nothing. */
  public AttemptText() {
    this.keepText = true;
  }

  private AttemptText(boolean keepText) {
    this.keepText = keepText;
  }

  /** Tracks attempts only, without keeping the text: {@link #text()} stays empty. */
  public static AttemptText attemptsOnly() {
    return new AttemptText(false);
  }

  /** Starts from text whose steps are unknown (a view snapshot); it is never removed. */
  public AttemptText(String initial) {
    this.keepText = true;
    if (!initial.isEmpty()) {
      Piece piece = new Piece(NO_STEP);
      piece.text.append(initial);
      pieces.add(piece);
    }
  }

  /** A {@code step_start} of attempt {@code attempt}. */
  public Change stepStarted(String stepKey, int attempt) {
    Integer current = attempts.get(stepKey);
    if (current == null) {
      attempts.put(stepKey, attempt);
      if (attempt > 1) {
        // A retry of a step whose earlier attempts this text never saw start (they are before
        // the cursor or the snapshot): still a retry, with no text of them known here.
        missedEarlierAttempts = true;
        return new Retried("");
      }
      return NONE;
    }
    if (attempt <= current || finished.contains(stepKey)) {
      return NONE;
    }
    return retry(stepKey, attempt);
  }

  /** A text delta; returns whether it was appended, ignored, or started a new attempt first. */
  public Change delta(String stepKey, int attempt, String content) {
    Integer current = attempts.get(stepKey);
    Change change = APPENDED;
    if (current == null) {
      attempts.put(stepKey, attempt);
    } else if (attempt < current) {
      return STALE;
    } else if (attempt > current && !finished.contains(stepKey)) {
      change = retry(stepKey, attempt);
    }
    if (!keepText) {
      return change;
    }
    Piece last = pieces.isEmpty() ? null : pieces.get(pieces.size() - 1);
    if (last == null || !last.stepKey.equals(stepKey)) {
      last = new Piece(stepKey);
      pieces.add(last);
    }
    last.text.append(content);
    return change;
  }

  /**
   * Another event of a step ({@code tool_call}): a newer attempt than known of an open step is a
   * retry whose {@code step_start} was missed.
   */
  public Change stepEvent(String stepKey, int attempt) {
    Integer current = attempts.get(stepKey);
    if (current != null && attempt > current && !finished.contains(stepKey)) {
      return retry(stepKey, attempt);
    }
    return NONE;
  }

  /** A {@code step_finish} (of a newer attempt than known: first the retry); the text is final. */
  public Change stepFinished(String stepKey, int attempt) {
    Change change = stepEvent(stepKey, attempt);
    finished.add(stepKey);
    return change;
  }

  private Retried retry(String stepKey, int attempt) {
    attempts.put(stepKey, attempt);
    StringBuilder removed = new StringBuilder();
    pieces.removeIf(
        p -> {
          if (p.stepKey.equals(stepKey)) {
            removed.append(p.text);
            return true;
          }
          return false;
        });
    // Pieces of one step that the removed ones separated are merged back.
    for (int i = pieces.size() - 1; i > 0; i--) {
      if (pieces.get(i).stepKey.equals(pieces.get(i - 1).stepKey)) {
        pieces.get(i - 1).text.append(pieces.remove(i).text);
      }
    }
    return new Retried(removed.toString());
  }

  /**
   * Whether a retry named a step this text never saw start, so text of its earlier attempts may be
   * in the initial text and could not be removed.
   */
  public boolean missedEarlierAttempts() {
    return missedEarlierAttempts;
  }

  /** The text: every current attempt's deltas, in order. */
  public String text() {
    StringBuilder text = new StringBuilder();
    for (Piece piece : pieces) {
      text.append(piece.text);
    }
    return text.toString();
  }
}
