package dev.earlybird.history;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;

/** Opens the embedded store: a {@link JdbcHistoryStore} on one DuckDB file ({@link DuckDbEngine}). */
public final class DuckDbHistoryStore {
  private DuckDbHistoryStore() {}

  public static JdbcHistoryStore open(Path file) {
    return open(file, InstantSource.system());
  }

  /** Opens (creating if needed) the store file and migrates its schema; errors say how to fix them. */
  public static JdbcHistoryStore open(Path file, InstantSource clock) {
    return open(file, clock, false);
  }

  /**
   * Opens an existing store for reading only (the command line's reports), which never changes the file.
   * DuckDB refuses it while another process has the file open read-write: {@link StoreInUseException}.
   */
  public static JdbcHistoryStore openReadOnly(Path file) {
    Path abs = file.toAbsolutePath();
    if (!Files.exists(abs)) {
      throw new HistoryException("there is no history store at " + abs + " yet: start the agent with this config "
          + "(earlybird run) and let it poll, or check `store:` (a relative path is relative to the working directory).");
    }
    return open(abs, InstantSource.system(), true);
  }

  private static JdbcHistoryStore open(Path file, InstantSource clock, boolean readOnly) {
    Path abs = file.toAbsolutePath();
    try {
      Files.createDirectories(abs.getParent());
    } catch (IOException e) {
      throw new HistoryException(
          "cannot create directory " + abs.getParent() + " for the history store: " + e + ". Check permissions or change `store:`.", e);
    }
    if (Files.exists(abs) && !(Files.isReadable(abs) && (readOnly || Files.isWritable(abs)))) {
      throw new HistoryException(
          "history store " + abs + " is not readable and writable by this user: fix its permissions (the agent needs read-write) or change `store:`.");
    }
    return JdbcHistoryStore.start(DuckDbEngine.open(abs, readOnly), clock,
        cause -> "cannot initialize history store " + abs + ": " + cause);
  }
}
