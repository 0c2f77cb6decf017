package dev.earlybird.source.postgres;

/**
 * Reads the elements of a one-dimensional numeric array in PostgreSQL's text output ({@code {1,-2,NULL,1.5e-05}}) one
 * after another, without a Java array or a boxed value per element: the probe's arrays hold one element per entry.
 * Numbers and the special floats ({@code NaN}, {@code Infinity}) are never quoted by {@code array_out}, so commas
 * alone separate the elements. A NULL array (no element) reads as empty.
 */
final class TextArray {
  private final String text;
  private int pos;
  private final int end;

  TextArray(String text) {
    this.text = text;
    if (text == null) {
      this.pos = 0;
      this.end = 0;
      return;
    }
    if (text.length() < 2 || text.charAt(0) != '{' || text.charAt(text.length() - 1) != '}') {
      throw new IllegalArgumentException("not a one-dimensional array: " + abbreviated(text));
    }
    this.pos = 1;
    this.end = text.length() - 1;
  }

  boolean hasNext() {
    return pos < end;
  }

  /** Whether the next element is NULL; if so it is consumed. */
  boolean nextIsNull() {
    requireNext();
    if (text.startsWith("NULL", pos) && (pos + 4 == end || text.charAt(pos + 4) == ',')) {
      skip(pos + 4);
      return true;
    }
    return false;
  }

  long nextLong() {
    requireNext();
    int stop = elementEnd();
    long v = Long.parseLong(text, pos, stop, 10);
    skip(stop);
    return v;
  }

  double nextDouble() {
    requireNext();
    int stop = elementEnd();
    double v = Double.parseDouble(text.substring(pos, stop));
    skip(stop);
    return v;
  }

  private int elementEnd() {
    int comma = text.indexOf(',', pos);
    return comma < 0 || comma > end ? end : comma;
  }

  private void skip(int stop) {
    pos = stop < end ? stop + 1 : end;
  }

  private void requireNext() {
    if (!hasNext()) {
      throw new IllegalStateException("array has fewer elements than its group: " + abbreviated(text));
    }
  }

  private static String abbreviated(String s) {
    return s == null ? "null" : s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
