package dev.earlybird.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Reading docs/metrics.md's Metrics table, which the dashboard checks use for metric types and AWS-only names. */
class MetricCatalogueTest {
  static final String TABLE = """
      ## Metrics

      | metric | type | labels | meaning |
      | --- | --- | --- | --- |
      | `earlybird_poll_duration_seconds` | histogram | target, source | wall time |
      | `earlybird_store_write_duration_seconds`, `earlybird_store_size_bytes` | histogram, gauge | — | store |
      | `earlybird_text_fetches_total`, `earlybird_texts_fetched_total` | counter | target | texts |
      | `earlybird_widget_count` | gauge | target | a gauge whose name ends like a histogram part |

      ## Next
      | `earlybird_not_in_section` | gauge | — | x |
      """;

  @Test
  void pairsNamesWithTheirTypesAndLabels() {
    MetricCatalogue c = MetricCatalogue.parse(TABLE);
    assertThat(c.entries()).containsOnlyKeys("earlybird_poll_duration_seconds", "earlybird_store_write_duration_seconds",
        "earlybird_store_size_bytes", "earlybird_text_fetches_total", "earlybird_texts_fetched_total", "earlybird_widget_count");
    assertThat(c.entries().get("earlybird_store_size_bytes").type()).isEqualTo("gauge");
    assertThat(c.entries().get("earlybird_store_write_duration_seconds").labels()).isEmpty();
    assertThat(c.entries().get("earlybird_texts_fetched_total").type()).isEqualTo("counter");
    assertThat(c.entries().get("earlybird_poll_duration_seconds").labels()).isEqualTo(Set.of("target", "source"));
  }

  @Test
  void stripsHistogramSuffixesOnlyFromHistograms() {
    MetricCatalogue c = MetricCatalogue.parse(TABLE);
    assertThat(c.family("earlybird_poll_duration_seconds_bucket")).get()
        .extracting(MetricCatalogue.Entry::name).isEqualTo("earlybird_poll_duration_seconds");
    assertThat(c.family("earlybird_store_size_bytes_sum")).isEmpty();
    assertThat(c.family("earlybird_widget_count")).get().extracting(MetricCatalogue.Entry::name).isEqualTo("earlybird_widget_count");
    assertThat(c.isCounterSample("earlybird_poll_duration_seconds_count")).isTrue();
    assertThat(c.isCounterSample("earlybird_widget_count")).isFalse();
    assertThat(c.isCounterSample("earlybird_statement_calls_total")).isTrue();
  }

  @Test
  void theReadmeTableHasTheAgentsHistograms() throws Exception {
    MetricCatalogue c = MetricCatalogue.readme();
    assertThat(c.entries().get("earlybird_poll_duration_seconds").histogram()).isTrue();
    assertThat(c.entries().get("earlybird_discovery_duration_seconds").histogram()).isTrue();
    assertThat(c.entries().get("earlybird_findings_active").labels()).containsExactlyInAnyOrder("kind", "severity", "target");
  }
}
