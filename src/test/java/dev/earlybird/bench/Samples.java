package dev.earlybird.bench;

import java.util.Arrays;

/** Measurements of one quantity over the measured rounds; nearest-rank percentiles. */
final class Samples {
  private final String name;
  private final String key;
  private final double[] values;
  private int size;

  /** {@code name} for the text report, {@code key} for the JSON one. */
  Samples(String name, String key, int capacity) {
    this.name = name;
    this.key = key;
    this.values = new double[capacity];
  }

  Samples(String name, int capacity) {
    this(name, name, capacity);
  }

  String key() {
    return key;
  }

  void add(double v) {
    values[size++] = v;
  }

  String name() {
    return name;
  }

  int size() {
    return size;
  }

  double median() {
    return percentile(50);
  }

  double p90() {
    return percentile(90);
  }

  double max() {
    return size == 0 ? Double.NaN : sorted()[size - 1];
  }

  double percentile(double p) {
    if (size == 0) {
      return Double.NaN;
    }
    double[] s = sorted();
    int rank = (int) Math.ceil(p / 100.0 * size);
    return s[Math.max(0, Math.min(size - 1, rank - 1))];
  }

  private double[] sorted() {
    double[] s = Arrays.copyOf(values, size);
    Arrays.sort(s);
    return s;
  }
}
