package dev.earlybird.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code run} refuses a config that would poll nothing, before it opens or starts anything. */
class RunCommandTest {
  @TempDir Path dir;

  @Test
  void noTargetsAndNoDiscoveryIsAConfigErrorThatSaysWhatToAdd() throws Exception {
    Path config = dir.resolve("empty.yml");
    Files.writeString(config, """
        listen: "127.0.0.1:0"
        store: "duckdb:%s"
        """.formatted(dir.resolve("h.duckdb")));
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err));
    int code = cli.execute("run", "--config", config.toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .startsWith("earlybird: invalid config " + config + ":\n")
        .contains("targets: none, and no discovery", "add a `targets:` list", "name and url", "`discovery:` section");
    assertThat(dir.resolve("h.duckdb")).as("nothing was opened").doesNotExist();
  }
}
