package dev.earlybird.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${env:NAME}}, {@code ${env:NAME:-default}} and {@code ${file:PATH}} in a scalar value
 * ({@code $${} stands for a literal {@code ${}). Keys are never substituted. Errors name the variable or
 * the path, never a value read, because those are usually passwords.
 */
final class Substitutor {
  static final String FORMS = "${env:NAME}, ${env:NAME:-default} or ${file:PATH}";
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  // A secret or token file is small; a huge file here is a mistake (wrong path), not a password.
  private static final long MAX_FILE_BYTES = 1 << 20;

  private final Path baseDir;
  private final Function<String, String> env;

  Substitutor(Path baseDir, Function<String, String> env) {
    this.baseDir = baseDir;
    this.env = env;
  }

  /** The value with all references replaced; throws IllegalArgumentException saying which one failed. */
  String apply(String raw) {
    if (!raw.contains("${")) {
      return raw;
    }
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < raw.length()) {
      if (raw.startsWith("$${", i)) {
        out.append("${");
        i += 3;
      } else if (raw.startsWith("${", i)) {
        int end = raw.indexOf('}', i + 2);
        if (end < 0) {
          throw new IllegalArgumentException(
              "unterminated reference " + Values.quote(raw.substring(i)) + "; expected " + FORMS
                  + " (close it with }, or write $${ for a literal ${)");
        }
        out.append(resolve(raw.substring(i + 2, end)));
        i = end + 1;
      } else {
        out.append(raw.charAt(i++));
      }
    }
    return out.toString();
  }

  private String resolve(String reference) {
    if (reference.startsWith("env:")) {
      return resolveEnv(reference.substring(4));
    }
    if (reference.startsWith("file:")) {
      return readFile(reference.substring(5));
    }
    throw new IllegalArgumentException(
        "unknown reference ${" + reference + "}; expected " + FORMS + " (write $${ for a literal ${)");
  }

  private String resolveEnv(String spec) {
    int dflt = spec.indexOf(":-");
    String name = dflt < 0 ? spec : spec.substring(0, dflt);
    if (!ENV_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "bad environment variable name " + Values.quote(name)
              + "; expected letters, digits and _ like ${env:PGPASSWORD}");
    }
    String value = env.apply(name);
    if (dflt >= 0) {
      // Shell semantics of ${NAME:-default}: unset or empty both take the default.
      return value == null || value.isEmpty() ? spec.substring(dflt + 2) : value;
    }
    if (value == null) {
      throw new IllegalArgumentException(
          "environment variable " + name + " is not set; expected it in the agent's environment (export "
              + name + ", or write ${env:" + name + ":-default})");
    }
    return value;
  }

  private String readFile(String pathText) {
    if (pathText.isBlank()) {
      throw new IllegalArgumentException("empty path in ${file:}; expected ${file:PATH}");
    }
    Path path;
    try {
      path = baseDir.resolve(pathText);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("invalid path in ${file:" + pathText + "}: " + e.getReason());
    }
    String where = "file " + path + " (from ${file:" + pathText + "}, relative paths are resolved against "
        + baseDir + ")";
    try {
      if (Files.size(path) > MAX_FILE_BYTES) {
        throw new IllegalArgumentException(where + " is larger than 1 MiB; expected a small secret file");
      }
      String content = Files.readString(path);
      // Files written by editors and `echo` end with a newline that is not part of the secret.
      int end = content.length();
      while (end > 0 && (content.charAt(end - 1) == '\n' || content.charAt(end - 1) == '\r')) {
        end--;
      }
      return content.substring(0, end);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(where + " does not exist; expected a readable file (check the path)");
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException(
          where + " is not readable; expected a file the agent's user may read (check its permissions)");
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(where + " is not UTF-8 text; expected a UTF-8 text file");
    } catch (IOException e) {
      // The exception's message names the path and the OS reason, never the content.
      throw new IllegalArgumentException(
          where + " cannot be read (" + e.getClass().getSimpleName() + "); expected a readable file");
    }
  }
}
