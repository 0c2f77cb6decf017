package dev.earlybird.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.model.AlertStage;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.Finding;
import dev.earlybird.model.FindingState;
import dev.earlybird.model.Severity;
import dev.earlybird.model.Subject;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AlertTextTest {
  static final Instant T = Instant.parse("2026-12-07T05:00:00Z");
  final AlertText text = new AlertText(URI.create("https://eb.example.com/"));

  static Finding regression() {
    return new Finding("fp1-1", "fp1", Severity.CRITICAL, FindingState.ACTIVE,
        new Subject.Statement("aurora-1", 16384, "tenant acme", "acme", -42, "fam"), "44.0x slower per call", T, T,
        Optional.empty(), 2, 0, new Evidence.Regression("seasonal", 1.5, 66, 900, 300, 0.2, 44, 1e-9, 120, "exec_time"));
  }

  @Test
  void labelsNameTheTenantTheStatementAndTheStageAndNeverItsText() {
    var labels = text.labels(regression(), AlertStage.MORNING);
    assertThat(labels).containsEntry("alertname", "EarlybirdRegression").containsEntry("severity", "critical")
        .containsEntry("stage", "morning").containsEntry("kind", "regression").containsEntry("target", "aurora-1")
        .containsEntry("tenant", "acme").containsEntry("database", "tenant acme").containsEntry("queryid", "-42")
        .containsEntry("fingerprint", "fp1");
  }

  @Test
  void annotationsSayTheEvidenceInWordsAndLinkToTheStatementsPage() {
    var a = text.annotations(regression());
    assertThat(a.get("summary")).isEqualTo(
        "regression on tenant acme, aurora-1/tenant acme queryid -42: 44.0x slower per call");
    assertThat(a.get("description")).contains("1.50 ms to 66.00 ms (44.0x)", "seasonal baseline", "p < 0.001",
        "120 s of extra execution time per hour");
    assertThat(a.get("url")).isEqualTo("https://eb.example.com/queries/aurora-1/tenant%20acme/-42");
  }

  @Test
  void aForecastIsAboutATargetAndItsTenants() {
    Finding f = new Finding("fc-1", "fc", Severity.WARNING, FindingState.ACTIVE,
        new Subject.Target("aurora-1", List.of("acme", "globex")), "morning CPU forecast 92%", T, T, Optional.empty(),
        1, 0, new Evidence.Forecast(T, T.plusSeconds(3 * 3600), 8, 79_488, 0.92, 0.8, 0.3, List.of(), 4));
    var labels = text.labels(f, AlertStage.FOUND);
    assertThat(labels).containsEntry("alertname", "EarlybirdForecast").containsEntry("tenant", "acme,globex")
        .doesNotContainKeys("database", "queryid");
    assertThat(text.annotations(f).get("url")).isEqualTo("https://eb.example.com/findings?target=aurora-1");
    assertThat(text.annotations(f).get("description")).contains("92% of 8 vCPUs", "threshold 80%", "add 30 points");
  }
}
