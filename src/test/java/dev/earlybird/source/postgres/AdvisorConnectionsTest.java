package dev.earlybird.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.postgresql.Driver;

class AdvisorConnectionsTest {
  @Test
  void replacesOnlyTheDatabaseOfTheUrl() {
    assertThat(AdvisorConnections.urlFor("jdbc:postgresql://db.example.com:5433/postgres?sslmode=verify-full", "shop"))
        .isEqualTo("jdbc:postgresql://db.example.com:5433/shop?sslmode=verify-full");
    assertThat(AdvisorConnections.urlFor("jdbc:postgresql://a:5432,b:5432/postgres?targetServerType=preferSecondary",
        "shop")).isEqualTo("jdbc:postgresql://a:5432,b:5432/shop?targetServerType=preferSecondary");
    assertThat(AdvisorConnections.urlFor("jdbc:postgresql://db.example.com", "shop"))
        .isEqualTo("jdbc:postgresql://db.example.com/shop");
    assertThat(AdvisorConnections.urlFor("jdbc:postgresql:postgres", "shop")).isEqualTo("jdbc:postgresql:shop");
  }

  @Test
  void encodesAnyDatabaseNameSoTheDriverReadsItBack() {
    for (String name : new String[] {"Tenant ä/1", "a?b&c=d", "50%+off", "x#y"}) {
      String url = AdvisorConnections.urlFor("jdbc:postgresql://h:5432/postgres?ssl=true", name);
      var parsed = Driver.parseURL(url, null);
      assertThat(parsed.getProperty("PGDBNAME")).as(url).isEqualTo(name);
      assertThat(parsed.getProperty("ssl")).isEqualTo("true");
      assertThat(parsed.getProperty("PGHOST")).isEqualTo("h");
    }
  }

  @Test
  void keepsTheEndpointsCredentialsAndTimeouts() {
    var endpoint = new PgEndpoint("t1", "jdbc:postgresql://h/postgres", "agent", "secret", Duration.ofSeconds(3),
        Duration.ofSeconds(4));
    PgEndpoint shop = AdvisorConnections.forDatabase(endpoint, "shop");
    assertThat(shop).isEqualTo(new PgEndpoint("t1", "jdbc:postgresql://h/shop", "agent", "secret",
        Duration.ofSeconds(3), Duration.ofSeconds(4)));
  }
}
