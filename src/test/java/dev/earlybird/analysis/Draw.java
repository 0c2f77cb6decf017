package dev.earlybird.analysis;

import java.util.Random;

/** The sums of one poll interval whose calls took normally distributed times (at least 0.01 ms each). */
record Draw(double sumMs, double sumSquaresMs) {
  static Draw of(Random random, int calls, double meanMs, double sdMs) {
    double sum = 0, sumsq = 0;
    for (int i = 0; i < calls; i++) {
      double x = Math.max(0.01, meanMs + random.nextGaussian() * sdMs);
      sum += x;
      sumsq += x * x;
    }
    return new Draw(sum, sumsq);
  }
}
