package dev.earlybird.config;

import dev.earlybird.model.Shard;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;

/** Where history is kept: an embedded DuckDB file, or a shared PostgreSQL database (several agents). */
public sealed interface StoreConfig permits StoreConfig.DuckDb, StoreConfig.Postgres {
  StoreConfig DEFAULT = new DuckDb(Path.of("./data/earlybird.duckdb"));

  /** Reads {@code duckdb:PATH} or a {@code jdbc:postgresql://} URL. */
  static StoreConfig parse(String text) {
    String s = text.strip();
    if (s.startsWith("duckdb:")) {
      String file = s.substring("duckdb:".length());
      if (file.isBlank()) {
        throw new IllegalArgumentException(
            "\"duckdb:\" needs a file; expected duckdb:PATH like duckdb:./data/earlybird.duckdb");
      }
      try {
        return new DuckDb(Path.of(file));
      } catch (InvalidPathException e) {
        throw new IllegalArgumentException(Values.quote(s) + " has an invalid path (" + e.getReason()
            + "); expected duckdb:PATH like duckdb:./data/earlybird.duckdb");
      }
    }
    if (s.startsWith(TargetConfig.URL_PREFIX)) {
      return new Postgres(s);
    }
    // Not quoted: a JDBC URL with a typo may still carry a password parameter.
    throw new IllegalArgumentException("unknown store; expected duckdb:PATH like duckdb:./data/earlybird.duckdb "
        + "or a PostgreSQL URL like jdbc:postgresql://host:5432/earlybird");
  }

  /**
   * An embedded DuckDB file. A relative {@code file} is resolved against the agent's working directory when
   * the store opens (like most command-line tools), not against the config file's directory; it is kept
   * relative here so messages show what the user wrote.
   */
  record DuckDb(Path file) implements StoreConfig {
    public DuckDb {
      Objects.requireNonNull(file, "file");
    }

    @Override
    public String toString() {
      return "duckdb:" + file;
    }
  }

  /**
   * A shared PostgreSQL store; the URL may carry credentials as parameters, which print as {@code ***}.
   *
   * @param shards how many replicas share the targets ({@code shards:}); 1 for a lone agent
   */
  record Postgres(String jdbcUrl, int shards) implements StoreConfig {
    public Postgres {
      Objects.requireNonNull(jdbcUrl, "jdbcUrl");
      if (!jdbcUrl.startsWith(TargetConfig.URL_PREFIX)) {
        throw new IllegalArgumentException("store URL must start with " + TargetConfig.URL_PREFIX);
      }
      if (shards < 1 || shards > Shard.MAX_COUNT) {
        throw new IllegalArgumentException("shards must be 1 to " + Shard.MAX_COUNT);
      }
    }

    /** One agent on this store. */
    public Postgres(String jdbcUrl) {
      this(jdbcUrl, 1);
    }

    public Postgres withShards(int count) {
      return new Postgres(jdbcUrl, count);
    }

    @Override
    public String toString() {
      return Redact.jdbcUrl(jdbcUrl);
    }
  }
}
