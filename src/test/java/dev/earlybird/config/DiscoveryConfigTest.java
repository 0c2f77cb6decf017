package dev.earlybird.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@code discovery:} section: what it binds to, its defaults, and one problem per bad value. */
class DiscoveryConfigTest {

  @Test
  void everyKeyBinds() throws ConfigException {
    AgentConfig c = TestConfigs.parse("""
        discovery:
          regions: [us-east-1, eu-west-2]
          endpoint: http://127.0.0.1:4566
          endpoints: { sts: "http://127.0.0.1:4567" }
          tags: { earlybird: "on", team: db }
          engines: [aurora-postgresql]
          refresh: 1m
          template:
            name: "rds-{region}-{identifier}"
            database: app
            user: earlybird
            iamAuth: true
            params: sslmode=verify-full&sslrootcert=/etc/rds-ca.pem
            databases: { include: ["^tenant_"] }
        """);
    DiscoveryConfig d = c.discovery().orElseThrow();
    assertThat(d.regions()).containsExactly("us-east-1", "eu-west-2");
    assertThat(d.endpointFor(AwsService.RDS)).contains(URI.create("http://127.0.0.1:4566"));
    assertThat(d.endpointFor(AwsService.STS)).contains(URI.create("http://127.0.0.1:4567"));
    assertThat(d.tags()).containsExactly(Map.entry("earlybird", "on"), Map.entry("team", "db"));
    assertThat(d.engines()).containsExactly("aurora-postgresql");
    assertThat(d.refresh()).isEqualTo(Duration.ofMinutes(1));
    TargetTemplate t = d.template();
    assertThat(t.iamAuth()).isTrue();
    assertThat(t.password()).isNull();
    assertThat(t.user()).isEqualTo("earlybird");
    assertThat(t.databases()).isEqualTo(DatabaseFilter.of(List.of("^tenant_"), DatabaseFilter.DEFAULT_EXCLUDE));
    assertThat(t.targetName("prod-1", "eu-west-2", Optional.empty())).isEqualTo("rds-eu-west-2-prod-1");
    assertThat(t.url("prod-1.abc.eu-west-2.rds.amazonaws.com", 5433)).isEqualTo(
        "jdbc:postgresql://prod-1.abc.eu-west-2.rds.amazonaws.com:5433/app?sslmode=verify-full&sslrootcert=/etc/rds-ca.pem");
  }

  @Test
  void defaultsTakeBothPostgresEnginesEveryFiveMinutes() throws ConfigException {
    AgentConfig c = TestConfigs.parse("""
        discovery:
          regions: [us-east-1]
          template: { user: earlybird, password: "${env:PW}" }
        """, Map.of("PW", "s3cret"));
    DiscoveryConfig d = c.discovery().orElseThrow();
    assertThat(d.engines()).containsExactly("postgres", "aurora-postgresql");
    assertThat(d.refresh()).isEqualTo(Duration.ofMinutes(5));
    assertThat(d.tags()).isEmpty();
    assertThat(d.endpointFor(AwsService.RDS)).isEmpty();
    assertThat(d.template().name()).isEqualTo("{identifier}");
    assertThat(d.template().url("h", 5432)).isEqualTo("jdbc:postgresql://h:5432/postgres");
    assertThat(d.template().password().reveal()).isEqualTo("s3cret");
    assertThat(d.toString()).doesNotContain("s3cret");
    assertThat(d.template().targetName("a", "us-east-1", Optional.of("c1"))).isEqualTo("a");
  }

  @Test
  void absentSectionMeansNoDiscoveryAndOldConstructorsStillWork() throws ConfigException {
    AgentConfig c = TestConfigs.parse("poll: {interval: 5s}\n");
    assertThat(c.discovery()).isEmpty();
    assertThat(AgentConfig.defaults(List.of()).discovery()).isEmpty();
    assertThat(c.withTargets(List.of()).withPoll(PollConfig.defaults()).discovery()).isEmpty();
  }

  @Test
  void linkCarriesTheInstanceIdsTheEndpointsAndIamAuth() throws ConfigException {
    DiscoveryConfig d = TestConfigs.parse("""
        discovery:
          regions: [us-east-1]
          endpoint: http://127.0.0.1:4566
          template: { user: earlybird, iamAuth: true }
        """).discovery().orElseThrow();
    AwsConfig link = d.link("us-east-1", "db-ABC", "prod-1", Optional.of("cluster-a"));
    assertThat(link).isEqualTo(new AwsConfig("us-east-1", Optional.of("db-ABC"), Optional.of("prod-1"),
        Optional.of(URI.create("http://127.0.0.1:4566")), Optional.of("cluster-a"), Map.of(), true));
  }

  static Stream<Arguments> badConfigs() {
    String template = "\n  template: {user: eb}\n";
    return Stream.of(
        row("no regions", "discovery:\n  template: {user: eb}\n", "test.yml:1: discovery.regions: ",
            "missing; expected a list of AWS regions"),
        row("empty regions", "discovery:\n  regions: []" + template, "test.yml:2: discovery.regions: ",
            "empty list; expected at least one AWS region"),
        row("zone as region", "discovery:\n  regions: [us-east-1a]" + template, "test.yml:2: discovery.regions[0]: ",
            "not an availability zone"),
        row("region twice", "discovery:\n  regions: [us-east-1, us-east-1]" + template,
            "test.yml:2: discovery.regions[1]: ", "listed twice"),
        row("region as a value", "discovery:\n  regions: us-east-1" + template, "test.yml:2: discovery.regions: ",
            "expected a list"),
        row("mysql engine", "discovery:\n  regions: [us-east-1]\n  engines: [mysql]" + template,
            "test.yml:3: discovery.engines[0]: ", "\"mysql\" is not a PostgreSQL engine of RDS; expected postgres or "
                + "aurora-postgresql"),
        row("aurora typo", "discovery:\n  regions: [us-east-1]\n  engines: [aurora-postgres]" + template,
            "test.yml:3: discovery.engines[0]: ", "did you mean aurora-postgresql?"),
        row("empty engines", "discovery:\n  regions: [us-east-1]\n  engines: []" + template,
            "test.yml:3: discovery.engines: ", "empty list"),
        row("tag without value", "discovery:\n  regions: [us-east-1]\n  tags: {earlybird: }" + template,
            "test.yml:3: discovery.tags.earlybird: ", "write \"\" for a tag with an empty value"),
        row("zero refresh", "discovery:\n  regions: [us-east-1]\n  refresh: 0s" + template,
            "test.yml:3: discovery.refresh: ", "is zero"),
        row("bad endpoint", "discovery:\n  regions: [us-east-1]\n  endpoint: localhost:4566" + template,
            "test.yml:3: discovery.endpoint: ", "expected an http(s) URL"),
        row("unknown key", "discovery:\n  regions: [us-east-1]\n  region: us-east-1" + template,
            "test.yml:3: discovery.region: ", "did you mean regions?"),
        row("no template", "discovery:\n  regions: [us-east-1]\n", "test.yml:1: discovery.template: ",
            "missing; expected how to connect to each instance"),
        row("no user", "discovery:\n  regions: [us-east-1]\n  template: {iamAuth: true}\n",
            "test.yml:3: discovery.template.user: ", "missing; expected the database user"),
        row("password and iam", "discovery:\n  regions: [us-east-1]\n  template:\n    user: eb\n    password: x\n"
                + "    iamAuth: true\n", "test.yml:5: discovery.template.password: ",
            "not used with iamAuth: true; expected either a password or iamAuth"),
        row("name without identifier", "discovery:\n  regions: [us-east-1]\n  template: {user: eb, name: '{cluster}'}\n",
            "test.yml:3: discovery.template.name: ", "has no {identifier}"),
        row("unknown placeholder", "discovery:\n  regions: [us-east-1]\n  template: {user: eb, name: '{id}'}\n",
            "test.yml:3: discovery.template.name: ", "unknown placeholder {id}; expected {identifier}, {region} or"),
        row("name with a space", "discovery:\n  regions: [us-east-1]\n  template: {user: eb, name: 'rds {identifier}'}\n",
            "test.yml:3: discovery.template.name: ", "does not make a valid target name"),
        row("params with question mark", "discovery:\n  regions: [us-east-1]\n  template: {user: eb, params: '?ssl=1'}\n",
            "test.yml:3: discovery.template.params: ", "starts with '?'"),
        row("password in params", "discovery:\n  regions: [us-east-1]\n  template: {user: eb, params: 'password=x'}\n",
            "test.yml:3: discovery.template.params: ", "expected it as template.password instead"),
        row("database with slash", "discovery:\n  regions: [us-east-1]\n  template: {user: eb, database: 'a/b'}\n",
            "test.yml:3: discovery.template.database: ", "expected a name without spaces"),
        row("bad filter", "discovery:\n  regions: [us-east-1]\n  template: {user: eb, databases: {include: ['(']}}\n",
            "test.yml:3: discovery.template.databases.include[0]: ", "not a valid regular expression"));
  }

  private static Arguments row(String name, String yaml, String prefix, String fragment) {
    return Arguments.of(name, yaml, prefix, fragment);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badConfigs")
  void reportsOneProblemWithLineKeyAndFix(String name, String yaml, String prefix, String fragment) {
    List<String> problems = TestConfigs.problems(yaml);
    assertThat(problems).as(name).hasSize(1);
    assertThat(problems.get(0)).startsWith(prefix).contains(fragment);
  }

  @Test
  void aPasswordFromTheEnvironmentNeverShowsInAProblem() {
    List<String> problems = TestConfigs.problems(
        "discovery:\n  regions: [us-east-1]\n  template: {user: eb, params: '${env:P}'}\n", Map.of("P", "password=hunter2"));
    assertThat(problems).singleElement().asString().doesNotContain("hunter2");
  }
}
