package dev.earlybird.container;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The repository's Dockerfile read the way Docker reads it: comments dropped, backslash-continued lines joined, one
 * {@link Instruction} per instruction, numbered by build stage. Enough to check what the image promises without a
 * Docker daemon (CI has none for sure).
 */
record Dockerfile(List<Instruction> instructions) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** {@code FROM x AS build} is stage 0, the next FROM starts stage 1, and so on. */
  record Instruction(int stage, String keyword, String arguments) {
    /** The arguments of an exec-form instruction (a JSON array), like {@code ENTRYPOINT ["java", "-jar", ...]}. */
    List<String> execForm() {
      // HEALTHCHECK [OPTIONS] CMD [...]: the command follows CMD.
      String args = keyword.equals("HEALTHCHECK") && arguments.contains("CMD ")
          ? arguments.substring(arguments.indexOf("CMD ") + 4).strip() : arguments;
      if (!args.startsWith("[")) {
        throw new AssertionError(keyword + " is not in exec form (a JSON array): " + arguments);
      }
      try {
        return JSON.readValue(args, new TypeReference<List<String>>() {});
      } catch (IOException e) {
        throw new AssertionError(keyword + " is not a valid JSON array: " + arguments, e);
      }
    }
  }

  static Dockerfile read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Instruction> out = new ArrayList<>();
    int stage = -1;
    StringBuilder current = null;
    for (String raw : lines) {
      String line = raw.strip();
      if (line.startsWith("#") || (line.isEmpty() && current == null)) {
        continue; // comments may sit between continued lines, as in Docker
      }
      if (current == null) {
        current = new StringBuilder();
      }
      boolean continues = line.endsWith("\\");
      current.append(continues ? line.substring(0, line.length() - 1).strip() : line).append(' ');
      if (!continues) {
        String text = current.toString().strip();
        current = null;
        int space = text.indexOf(' ');
        String keyword = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
        String args = space < 0 ? "" : text.substring(space + 1).strip();
        if (keyword.equals("FROM")) {
          stage++;
        }
        out.add(new Instruction(stage, keyword, args));
      }
    }
    return new Dockerfile(List.copyOf(out));
  }

  List<Instruction> all(String keyword) {
    return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
  }

  int lastStage() {
    return instructions.stream().mapToInt(Instruction::stage).max().orElse(-1);
  }

  /** The instructions of the stage the image is made of: the last one. */
  List<Instruction> runtime(String keyword) {
    return all(keyword).stream().filter(i -> i.stage() == lastStage()).toList();
  }

  Optional<Instruction> lastRuntime(String keyword) {
    List<Instruction> found = runtime(keyword);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.getLast());
  }

  int indexOf(Instruction i) {
    return instructions.indexOf(i);
  }
}
