package dev.earlybird.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * How the PostgreSQL binaries avoid running as root. {@code initdb} and {@code postgres} refuse uid 0, and CI runs
 * the build as root, so the harness picks one of three modes, deterministically, once per JVM:
 *
 * <ol>
 *   <li>{@link Mode#DIRECT} — not root: run the binaries as they are.
 *   <li>{@link Mode#UNSHARE} — root, and {@code unshare -U id -u} prints a non-zero uid: zonky 2.x itself then
 *       prefixes every {@code initdb}/{@code pg_ctl} call with {@code unshare -U}, a user namespace in which the
 *       process is the overflow user {@code nobody}. Nothing to do here; this is the usual case.
 *   <li>{@link Mode#RUNUSER} — root without usable user namespaces (e.g. Docker's default seccomp profile): the
 *       archive handed to zonky is rewritten so that {@code bin/initdb}, {@code bin/pg_ctl} and {@code
 *       bin/postgres} are shell wrappers that, when started as root, give the data directory to the system user
 *       {@value #USER} (created with {@code useradd} if missing) and {@code exec runuser -u} it to the original
 *       binary, kept next to it as {@code <name>.real} so its relative {@code ../lib} and {@code ../share} lookups
 *       still work. Started as anyone else they exec the original directly (pg_ctl calling postgres).
 * </ol>
 *
 * <p>{@code -Dearlybird.pgRunAs=runuser} forces the third mode, to test it on a machine where the second works.
 */
final class RootPrivileges {
  static final String USER = "earlybird-pg";
  private static final Set<String> WRAPPED = Set.of("bin/initdb", "bin/pg_ctl", "bin/postgres");

  enum Mode {
    DIRECT,
    UNSHARE,
    RUNUSER
  }

  private static final Mode MODE = detect();

  private RootPrivileges() {}

  static Mode mode() {
    return MODE;
  }

  private static final Map<Integer, byte[]> WRAPPED_ARCHIVES = new ConcurrentHashMap<>();

  /** The archive of {@code major} as zonky should extract it in the current mode. */
  static byte[] adapt(int major, byte[] txz) throws IOException {
    if (MODE != Mode.RUNUSER) {
      return txz;
    }
    ensureUser();
    // Cached: zonky names its extraction directory after the archive's hash, so every start must see the same bytes.
    byte[] cached = WRAPPED_ARCHIVES.get(major);
    if (cached == null) {
      cached = wrapBinaries(txz);
      WRAPPED_ARCHIVES.put(major, cached);
    }
    return cached;
  }

  /**
   * The command line that runs a binary of a system PostgreSQL installation ({@code initdb}, {@code pg_ctl}; see
   * {@link SystemPgServer}) in the current mode, the same way as the zonky binaries: as is, under {@code unshare -U},
   * or through {@code runuser} as {@value #USER}, who is then first given {@code owned} (the server's directory).
   */
  static List<String> command(List<String> command, Path... owned) throws IOException {
    var full = new ArrayList<String>();
    switch (MODE) {
      case DIRECT -> {}
      case UNSHARE -> full.addAll(List.of("unshare", "-U"));
      case RUNUSER -> {
        giveToServerUser(owned);
        full.addAll(List.of("runuser", "-u", USER, "--"));
      }
    }
    full.addAll(command);
    return full;
  }

  /**
   * As {@link #giveToServerUser} for files a zonky server reads (e.g. its TLS key): zonky runs the servers through
   * {@code unshare -U} whenever that works, even where {@code -Dearlybird.pgRunAs=runuser} forces the wrappers, and
   * then they run as the owner of root's files; only without user namespaces do they run as {@value #USER}.
   */
  static void giveToZonkyServers(Path... owned) throws IOException {
    if (MODE == Mode.RUNUSER && !unshareWorks()) {
      giveToServerUser(owned);
    }
  }

  /**
   * Makes {@code owned} belong to {@value #USER}, who runs the programs of {@link #command} in {@link Mode#RUNUSER}
   * (e.g. PgBouncer's config and log directory); nothing in the other modes.
   */
  static void giveToServerUser(Path... owned) throws IOException {
    if (MODE != Mode.RUNUSER) {
      return;
    }
    ensureUser();
    UserPrincipal user = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(USER);
    for (Path p : owned) {
      Files.setOwner(p, user);
    }
  }

  private static Mode detect() {
    if ("runuser".equals(System.getProperty("earlybird.pgRunAs"))) {
      return Mode.RUNUSER;
    }
    if (new com.sun.security.auth.module.UnixSystem().getUid() != 0) {
      return Mode.DIRECT;
    }
    return unshareWorks() ? Mode.UNSHARE : Mode.RUNUSER;
  }

  /** Whether {@code unshare -U} gives a non-root user here: then zonky runs every server through it. */
  private static boolean unshareWorks() {
    String uid = run("unshare", "-U", "id", "-u");
    return uid != null && !uid.isBlank() && !uid.strip().equals("0");
  }

  private static void ensureUser() throws IOException {
    if (run("id", "-u", USER) != null) {
      return;
    }
    if (run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER) == null
        && run("id", "-u", USER) == null) {
      throw new IOException("running as root without user namespaces, and could not create system user " + USER);
    }
  }

  private static byte[] wrapBinaries(byte[] txz) throws IOException {
    var out = new ByteArrayOutputStream(txz.length * 2);
    // Stored uncompressed (still valid xz): it only lives in memory until zonky extracts it.
    try (var in = new TarArchiveInputStream(new XZCompressorInputStream(new java.io.ByteArrayInputStream(txz)));
        var tar = new TarArchiveOutputStream(new XZOutputStream(out, uncompressed()))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      TarArchiveEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        String name = entry.getName().startsWith("./") ? entry.getName().substring(2) : entry.getName();
        if (WRAPPED.contains(name) && entry.isFile()) {
          var real = new TarArchiveEntry(entry.getName() + ".real");
          real.setSize(entry.getSize());
          real.setMode(0755);
          tar.putArchiveEntry(real);
          in.transferTo(tar);
          tar.closeArchiveEntry();
          byte[] script = wrapper().getBytes(StandardCharsets.UTF_8);
          var wrapper = new TarArchiveEntry(entry.getName());
          wrapper.setSize(script.length);
          wrapper.setMode(0755);
          tar.putArchiveEntry(wrapper);
          tar.write(script);
        } else {
          tar.putArchiveEntry(entry);
          if (entry.isFile()) {
            in.transferTo(tar);
          }
        }
        tar.closeArchiveEntry();
      }
    }
    return out.toByteArray();
  }

  private static LZMA2Options uncompressed() throws IOException {
    var options = new LZMA2Options();
    options.setMode(LZMA2Options.MODE_UNCOMPRESSED);
    return options;
  }

  private static String wrapper() {
    return """
        #!/bin/sh
        # Earlybird test harness: PostgreSQL refuses root; drop to %1$s (see RootPrivileges.java).
        if [ "$(id -u)" = 0 ]; then
          prev=""
          for a in "$@"; do
            if [ "$prev" = "-D" ]; then chown %1$s "$a"; fi
            prev="$a"
          done
          exec runuser -u %1$s -- "$0.real" "$@"
        fi
        exec "$0.real" "$@"
        """
        .formatted(USER);
  }

  /** Runs a command; its first output line, or null if it could not run or failed. */
  private static String run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      try (InputStream in = p.getInputStream()) {
        String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
          return null;
        }
        return out.lines().findFirst().orElse("");
      }
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
