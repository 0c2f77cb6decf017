package dev.earlybird.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.dashboards.PromQl.Matcher;
import dev.earlybird.dashboards.PromQl.Selector;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The PromQL reader the dashboard checks rely on: if it misreads, the checks pass or fail for the wrong reason. */
class PromQlTest {
  @Test
  void readsSelectorsTheirMatchersRangesAndEnclosingCalls() {
    var parsed = PromQl.parse(
        "topk(10, sum by (tenant) (rate(earlybird_database_cpu_seconds_total{job=~\"$job\",target!=\"x\"}[$__rate_interval])))");
    assertThat(parsed.problems()).isEmpty();
    assertThat(parsed.selectors()).containsExactly(new Selector("earlybird_database_cpu_seconds_total",
        List.of(new Matcher("job", "=~", "$job"), new Matcher("target", "!=", "x")),
        Optional.of("$__rate_interval"), List.of("topk", "rate")));
  }

  @Test
  void aCounterOutsideRateIsSeenAsOutside() {
    var parsed = PromQl.parse("sum(earlybird_poll_errors_total{job=~\"$job\"}) / sum(rate(earlybird_x_total[5m]))");
    assertThat(parsed.selectors()).extracting(Selector::metric, s -> s.insideAnyOf(PromQl.COUNTER_FUNCTIONS))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("earlybird_poll_errors_total", false),
            org.assertj.core.groups.Tuple.tuple("earlybird_x_total", true));
  }

  @Test
  void labelListsStringsNumbersAndVariablesAreNotMetrics() {
    var parsed = PromQl.parse(
        "histogram_quantile(0.95, sum by (le, target) (rate(m_bucket{reason=\"earlybird_fake_total\"}[$__rate_interval])))"
            + " and on (target) group by (target) (up{job=~\"$job\"}) or vector(1e3) > $k");
    assertThat(parsed.problems()).isEmpty();
    assertThat(parsed.selectors()).extracting(Selector::metric).containsExactly("m_bucket", "up");
  }

  @Test
  void reportsUnbalancedBracketsUnclosedStringsAndUnknownFunctions() {
    assertThat(PromQl.parse("sum(rate(x[$__rate_interval])").problems()).containsExactly("unclosed '('");
    assertThat(PromQl.parse("x{a=\"b}").problems()).anyMatch(p -> p.startsWith("unclosed string"));
    assertThat(PromQl.parse("rates(x[1m])").problems()).containsExactly("unknown function rates()");
    assertThat(PromQl.parse("x{a=b}").problems()).anyMatch(p -> p.startsWith("bad label matcher"));
  }
}
