package dev.earlybird.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TextArrayTest {

  @Test
  void readsIntegersFloatsAndNullsInOrder() {
    var longs = new TextArray("{1,-9223372036854775808,42}");
    assertThat(longs.nextLong()).isEqualTo(1);
    assertThat(longs.nextLong()).isEqualTo(Long.MIN_VALUE);
    assertThat(longs.nextLong()).isEqualTo(42);
    assertThat(longs.hasNext()).isFalse();

    var doubles = new TextArray("{0.1,NULL,1.5e-05,NaN,-Infinity,NULL}");
    assertThat(doubles.nextIsNull()).isFalse();
    assertThat(doubles.nextDouble()).isEqualTo(0.1);
    assertThat(doubles.nextIsNull()).isTrue();
    assertThat(doubles.nextDouble()).isEqualTo(1.5e-05);
    assertThat(doubles.nextDouble()).isNaN();
    assertThat(doubles.nextDouble()).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(doubles.nextIsNull()).isTrue();
    assertThat(doubles.hasNext()).isFalse();
  }

  @Test
  void aNullOrEmptyArrayHasNoElementsAndRunningPastTheEndFails() {
    assertThat(new TextArray(null).hasNext()).isFalse();
    var empty = new TextArray("{}");
    assertThat(empty.hasNext()).isFalse();
    assertThatThrownBy(empty::nextLong).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new TextArray("1,2")).isInstanceOf(IllegalArgumentException.class);
  }
}
