package dev.earlybird.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted for one test, so a disk can really run full. Needs root (tests run as root here and in
 * CI); when the mount fails the test fails and says why, it never skips. {@link #fill} takes every free byte with
 * one file, {@link #free} deletes it; closing unmounts.
 */
public final class Tmpfs implements AutoCloseable {
  private final Path dir;
  private final Path filler;

  private Tmpfs(Path dir) {
    this.dir = dir;
    this.filler = dir.resolve("filler");
  }

  public static Tmpfs mount(Path dir, int megabytes) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    String out = run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", dir.toString());
    if (out != null) {
      throw new AssertionError("cannot mount a " + megabytes + " MB tmpfs at " + dir + " (this test needs root, as "
          + "the build has in CI, to fill a disk for real): " + out);
    }
    return new Tmpfs(dir);
  }

  public Path dir() {
    return dir;
  }

  /** Writes one file until the disk is full; returns the bytes it took. */
  public long fill() throws IOException {
    byte[] block = new byte[64 * 1024];
    long written = 0;
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(block);
        written += block.length;
      }
    } catch (IOException e) {
      if (!String.valueOf(e.getMessage()).contains("No space left")) {
        throw e;
      }
    }
    // What a 64 KB block did not fit: byte by byte, until not one more fits.
    try (OutputStream out = Files.newOutputStream(filler, java.nio.file.StandardOpenOption.APPEND)) {
      while (true) {
        out.write(block, 0, 512);
        out.flush();
        written += 512;
      }
    } catch (IOException e) {
      // full
    }
    return written;
  }

  public void free() throws IOException {
    Files.deleteIfExists(filler);
  }

  @Override
  public void close() throws IOException {
    free();
    try {
      if (run("umount", dir.toString()) != null) {
        run("umount", "-l", dir.toString()); // something still holds a file there: detach now, free when closed
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs a command; null if it worked, else what it printed. */
  private static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return String.join(" ", cmd) + " did not finish in 30 s";
    }
    return p.exitValue() == 0 ? null : String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out;
  }
}
