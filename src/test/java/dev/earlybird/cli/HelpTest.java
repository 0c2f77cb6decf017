package dev.earlybird.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.Main;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --help} reads as sentences on every command: none is cut mid-sentence or broken by hand. */
class HelpTest {
  private static List<CommandLine> everyCommand(CommandLine c) {
    List<CommandLine> all = new ArrayList<>(List.of(c));
    c.getSubcommands().values().stream().distinct().forEach(sub -> all.addAll(everyCommand(sub)));
    return all;
  }

  @Test
  void everyDescriptionIsWholeSentencesThatPicocliWraps() {
    for (CommandLine c : everyCommand(Main.commandLine())) {
      if (c.getCommand() instanceof CommandLine.HelpCommand) {
        continue; // picocli's own
      }
      String name = c.getCommandSpec().qualifiedName();
      assertThat(c.getCommandSpec().usageMessage().description()).as(name).isNotEmpty().allSatisfy(paragraph -> {
        assertThat(paragraph).as(name + ": one paragraph, wrapped by picocli").doesNotContain("\n", "%n");
        assertThat(paragraph.strip()).as(name + ": a whole sentence").endsWith(".");
      });
    }
  }

  @Test
  void theCommandListGivesEachCommandAWholeSentence() {
    String help = Main.commandLine().getUsageMessage(CommandLine.Help.Ansi.OFF);
    String commands = help.substring(help.indexOf("Commands:") + "Commands:".length());
    // Each entry starts at two spaces and a name; its continuation lines are indented further.
    List<String> entries = new ArrayList<>();
    for (String line : commands.lines().toList()) {
      if (line.matches("  \\S.*")) {
        entries.add(line.strip());
      } else if (!line.isBlank()) {
        entries.set(entries.size() - 1, entries.getLast() + " " + line.strip());
      }
    }
    assertThat(entries).hasSizeGreaterThanOrEqualTo(7).allSatisfy(e -> assertThat(e).endsWith("."));
    assertThat(entries).anySatisfy(e -> assertThat(e).startsWith("check").contains("exit 0 only if no check fails."));
  }
}
