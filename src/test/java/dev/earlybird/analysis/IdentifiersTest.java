package dev.earlybird.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Quoting as PostgreSQL's quote_ident does it. */
class IdentifiersTest {

  @Test
  void plainNamesStayAndAnythingElseIsQuoted() {
    assertThat(Identifiers.quote("customer_id")).isEqualTo("customer_id");
    assertThat(Identifiers.quote("Region")).isEqualTo("\"Region\"");
    assertThat(Identifiers.quote("order")).isEqualTo("\"order\"");
    assertThat(Identifiers.quote("a$b")).isEqualTo("\"a$b\"");
    assertThat(Identifiers.quote("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    assertThat(Identifiers.unquote("\"say \"\"hi\"\"\"")).isEqualTo("say \"hi\"");
    assertThat(Identifiers.qualified("Sales", "orders")).isEqualTo("\"Sales\".orders");
    assertThat(Identifiers.sameColumns(List.of("\"Region\"", "status"), List.of("Region", "status"))).isTrue();
    assertThat(Identifiers.sameColumns(List.of("status"), List.of("Region"))).isFalse();
  }
}
