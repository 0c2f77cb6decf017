package dev.earlybird.history;

/**
 * An evaluation the shared store refused because its window, or a later one, was evaluated already: another replica
 * did the fleet's analysis meanwhile (the duties moved while this one was evaluating). Nothing was written; the
 * analysis reads the store's watermark again and goes on from there, so no window is evaluated twice.
 */
public final class WindowEvaluatedException extends HistoryException {
  public WindowEvaluatedException(String message) {
    super(message);
  }
}
