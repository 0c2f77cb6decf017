package dev.earlybird.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What another process costs, read from outside: CPU from {@code /proc/PID/stat} (user + system time over wall
 * time, as a share of one core), resident set from {@code /proc/PID/status} (VmRSS sampled, VmHWM reset at the
 * start of the measurement through {@code clear_refs}), heap in use from its GC log (before and after each
 * collection) and from {@code jcmd PID GC.heap_info} samples.
 */
final class ProcessWatch {
  /** Clock ticks per second of {@code /proc/PID/stat} (USER_HZ; 100 on Linux x86-64). */
  static final double TICKS_PER_SECOND = 100;
  private static final Pattern GC_HEAP = Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");
  private static final Pattern JCMD_USED = Pattern.compile("used (\\d+)K");

  /** What the process used between {@link #start()} and {@link #stop()}. */
  record Usage(double seconds, double cpuSeconds, long rssMaxBytes, long rssEndBytes, long hwmBytes,
      long hwmBeforeBytes, Samples heapUsedMb, long gcHeapBeforeMaxBytes, long gcHeapAfterMaxBytes,
      long gcHeapCommittedMaxBytes, int gcs) {
    double cpuPercent() {
      return 100 * cpuSeconds / seconds;
    }
  }

  private final long pid;
  private final Path gcLog;
  private long ticks0;
  private long nanos0;
  private long gcOffset;
  private long hwmBefore;
  private long rssMax;
  private Samples heapUsedMb;

  ProcessWatch(long pid, Path gcLog) {
    this.pid = pid;
    this.gcLog = gcLog;
  }

  void start() throws IOException {
    hwmBefore = statusKb("VmHWM") * 1024;
    try {
      Files.writeString(Path.of("/proc/" + pid + "/clear_refs"), "5");
    } catch (IOException e) {
      hwmBefore = -1; // cannot reset: VmHWM then covers the whole run
    }
    rssMax = 0;
    heapUsedMb = new Samples("heap used (jcmd), MB", 64);
    gcOffset = Files.exists(gcLog) ? Files.size(gcLog) : 0;
    nanos0 = System.nanoTime();
    ticks0 = cpuTicks();
  }

  /** One RSS sample; with {@code heap} also one {@code jcmd GC.heap_info} (a JVM of its own: not every time). */
  void sample(boolean heap) {
    rssMax = Math.max(rssMax, statusKb("VmRSS") * 1024);
    if (heap) {
      long used = jcmdHeapUsedBytes();
      if (used >= 0) {
        heapUsedMb.add(used / 1048576.0);
      }
    }
  }

  Usage stop() throws IOException {
    long ticks = cpuTicks();
    double seconds = (System.nanoTime() - nanos0) / 1e9;
    sample(true);
    long[] gc = gcHeap();
    return new Usage(seconds, (ticks - ticks0) / TICKS_PER_SECOND, rssMax, statusKb("VmRSS") * 1024,
        statusKb("VmHWM") * 1024, hwmBefore, heapUsedMb, gc[0], gc[1], gc[2], (int) gc[3]);
  }

  /** CPU seconds the process has used so far (user + system). */
  double cpuSecondsNow() {
    return cpuTicks() / TICKS_PER_SECOND;
  }

  private long cpuTicks() {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 (utime) and 15 (stime)
    } catch (IOException | RuntimeException e) {
      return ticks0;
    }
  }

  private long statusKb(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").strip());
        }
      }
    } catch (IOException | RuntimeException e) {
      // the process is gone
    }
    return -1;
  }

  /** Max heap before and after a collection, max committed, and collections, over the measured part of the log. */
  private long[] gcHeap() throws IOException {
    long before = 0;
    long after = 0;
    long committed = 0;
    long count = 0;
    if (Files.exists(gcLog)) {
      byte[] all = Files.readAllBytes(gcLog);
      String text = new String(all, (int) Math.min(gcOffset, all.length), (int) Math.max(0, all.length - gcOffset),
          StandardCharsets.UTF_8);
      for (String line : text.split("\n")) {
        Matcher m = GC_HEAP.matcher(line);
        if (line.contains("Pause") && m.find()) {
          before = Math.max(before, bytes(m.group(1), m.group(2)));
          after = Math.max(after, bytes(m.group(3), m.group(4)));
          committed = Math.max(committed, bytes(m.group(5), m.group(6)));
          count++;
        }
      }
    }
    return new long[] {before, after, committed, count};
  }

  private static long bytes(String n, String unit) {
    long v = Long.parseLong(n);
    return switch (unit) {
      case "K" -> v << 10;
      case "M" -> v << 20;
      default -> v << 30;
    };
  }

  private long jcmdHeapUsedBytes() {
    try {
      Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
          Long.toString(pid), "GC.heap_info").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return -1;
      }
      Matcher m = JCMD_USED.matcher(out);
      return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
