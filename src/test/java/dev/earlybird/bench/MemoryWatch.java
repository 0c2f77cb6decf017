package dev.earlybird.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Peak memory over one measured call: JVM heap (sum of the heap pools' peaks since the reset, an upper bound of
 * the true peak), GC count and time, the process' peak resident set (Linux VmHWM, reset through {@code
 * /proc/self/clear_refs}: heap + DuckDB's native memory + everything else), and DuckDB's own accounting
 * ({@code duckdb_memory()}), sampled every {@value #SAMPLE_MS} ms from a side connection to the same database.
 */
final class MemoryWatch implements AutoCloseable {
  static final long SAMPLE_MS = 100;
  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

  /**
   * What one measured call used. {@code rssPeakBytes} is -1 where VmHWM cannot be reset (not Linux); {@code
   * heapCommittedBytes} and {@code rssAfterBytes} are what the process holds once the call returned (whether
   * memory keeps growing from call to call).
   */
  record Peak(long heapPeakBytes, long gcCount, long gcMs, long rssPeakBytes, long duckdbPeakBytes,
      long heapCommittedBytes, long rssAfterBytes) {}

  private final Connection side;
  private volatile boolean sampling;
  private volatile long duckdbPeak;
  private Thread sampler;
  private long gcCount0;
  private long gcMs0;
  private boolean rssReset;

  /** @param side a connection to the store's database (same instance), used for sampling only */
  MemoryWatch(Connection side) {
    this.side = side;
  }

  void start() {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        p.resetPeakUsage();
      }
    }
    gcCount0 = gcCount();
    gcMs0 = gcMs();
    try {
      Files.writeString(CLEAR_REFS, "5");
      rssReset = true;
    } catch (IOException | UnsupportedOperationException e) {
      rssReset = false;
    }
    duckdbPeak = duckdbBytes();
    sampling = true;
    sampler = Thread.ofPlatform().daemon(true).name("memory-watch").start(() -> {
      while (sampling) {
        long b = duckdbBytes();
        if (b > duckdbPeak) {
          duckdbPeak = b;
        }
        try {
          Thread.sleep(SAMPLE_MS);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
  }

  Peak stop() {
    sampling = false;
    try {
      sampler.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long heap = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
        heap += p.getPeakUsage().getUsed();
      }
    }
    long hwm = rssReset ? statusKb("VmHWM") : -1;
    return new Peak(heap, gcCount() - gcCount0, gcMs() - gcMs0, hwm < 0 ? -1 : hwm * 1024,
        Math.max(duckdbPeak, duckdbBytes()), ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted(),
        rssBytes());
  }

  /** DuckDB's accounted memory now (buffer pool, hash tables, ...), in bytes; -1 if it cannot be read. */
  long duckdbBytes() {
    try (Statement s = side.createStatement();
        var rs = s.executeQuery("SELECT sum(memory_usage_bytes) FROM duckdb_memory()")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      return -1;
    }
  }

  static long rssBytes() {
    long kb = statusKb("VmRSS");
    return kb < 0 ? -1 : kb * 1024;
  }

  private static long statusKb(String field) {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").strip());
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: reported as unknown
    }
    return -1;
  }

  private static long gcCount() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(GarbageCollectorMXBean::getCollectionCount).filter(v -> v > 0).sum();
  }

  private static long gcMs() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(GarbageCollectorMXBean::getCollectionTime).filter(v -> v > 0).sum();
  }

  @Override
  public void close() {
    sampling = false;
  }
}
