package dev.earlybird.history;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Rows added to one table, every column in the table's order, in the caller's transaction: the bulk path of the writes
 * that store many rows (intervals, rollups, snapshots, texts). DuckDB's Appender on the embedded store, {@code COPY
 * FROM STDIN} on PostgreSQL; the connection decides, so the tables' code never names an engine.
 *
 * <p>On DuckDB an Appender joins the connection's transaction only once a statement has run in it (transactions start
 * lazily; an Appender used first commits on its own): callers run a statement before their first rows.
 */
sealed interface BulkRows extends AutoCloseable permits BulkRows.Appender, BulkRows.Copy {

  /** Rows into {@code table} on {@code c}, which must be a DuckDB or a PostgreSQL connection. */
  static BulkRows into(Connection c, String table) throws SQLException {
    if (c.isWrapperFor(DuckDBConnection.class)) {
      return new Appender(c.unwrap(DuckDBConnection.class).createAppender(DuckDBConnection.DEFAULT_SCHEMA, table));
    }
    if (c.isWrapperFor(PGConnection.class)) {
      return new Copy(c.unwrap(PGConnection.class), table);
    }
    throw new SQLException("no bulk insert into " + table + " for a " + c.getClass().getName());
  }

  /** A text column; null for NULL. */
  BulkRows add(String v) throws SQLException;

  BulkRows add(long v) throws SQLException;

  /** An INTEGER column (DuckDB's Appender wants the column's own width). */
  BulkRows add(int v) throws SQLException;

  BulkRows add(double v) throws SQLException;

  BulkRows add(boolean v) throws SQLException;

  BulkRows addNull() throws SQLException;

  /** A BIGINT column; null for NULL. */
  default BulkRows addNullable(Long v) throws SQLException {
    return v == null ? addNull() : add(v.longValue());
  }

  /** Ends the row whose columns were just added. */
  void endRow() throws SQLException;

  /** Writes what is buffered; the rows are then part of the caller's transaction. */
  @Override
  void close() throws SQLException;

  /** DuckDB's Appender; a row begins with its first column. */
  final class Appender implements BulkRows {
    private final DuckDBAppender a;
    private boolean inRow;

    Appender(DuckDBAppender a) {
      this.a = a;
    }

    private DuckDBAppender row() throws SQLException {
      if (!inRow) {
        a.beginRow();
        inRow = true;
      }
      return a;
    }

    @Override
    public BulkRows add(String v) throws SQLException {
      if (v == null) {
        return addNull();
      }
      row().append(v);
      return this;
    }

    @Override
    public BulkRows add(long v) throws SQLException {
      row().append(v);
      return this;
    }

    @Override
    public BulkRows add(int v) throws SQLException {
      row().append(v);
      return this;
    }

    @Override
    public BulkRows add(double v) throws SQLException {
      row().append(v);
      return this;
    }

    @Override
    public BulkRows add(boolean v) throws SQLException {
      row().append(v);
      return this;
    }

    @Override
    public BulkRows addNull() throws SQLException {
      row().appendNull();
      return this;
    }

    @Override
    public void endRow() throws SQLException {
      row().endRow();
      inRow = false;
    }

    @Override
    public void close() throws SQLException {
      a.close();
    }
  }

  /**
   * PostgreSQL's {@code COPY ... FROM STDIN} in text format, sent in chunks as rows come. The copy starts with the first
   * row, so a table given no rows is never locked; until {@link #close()} the connection runs nothing else.
   */
  final class Copy implements BulkRows {
    /** Sent to the server whenever this much is buffered: memory stays flat for a million rows. */
    private static final int CHUNK_CHARS = 256 * 1024;
    private final PGConnection c;
    private final String table;
    private final StringBuilder buf = new StringBuilder();
    private CopyIn copy;
    private boolean firstColumn = true;

    Copy(PGConnection c, String table) {
      this.c = c;
      this.table = table;
    }

    private StringBuilder column() {
      if (!firstColumn) {
        buf.append('\t');
      }
      firstColumn = false;
      return buf;
    }

    @Override
    public BulkRows add(String v) {
      if (v == null) {
        return addNull();
      }
      StringBuilder b = column();
      for (int i = 0; i < v.length(); i++) {
        char ch = v.charAt(i);
        switch (ch) {
          case '\\' -> b.append("\\\\");
          case '\t' -> b.append("\\t");
          case '\n' -> b.append("\\n");
          case '\r' -> b.append("\\r");
          // PostgreSQL's text cannot hold NUL (a statement text never has one; a string from elsewhere might).
          case '\0' -> b.append('\uFFFD');
          default -> b.append(ch);
        }
      }
      return this;
    }

    @Override
    public BulkRows add(long v) {
      column().append(v);
      return this;
    }

    @Override
    public BulkRows add(int v) {
      column().append(v);
      return this;
    }

    /** Java prints NaN and Infinity as PostgreSQL reads them; finite values round-trip exactly. */
    @Override
    public BulkRows add(double v) {
      column().append(v);
      return this;
    }

    @Override
    public BulkRows add(boolean v) {
      column().append(v ? 't' : 'f');
      return this;
    }

    @Override
    public BulkRows addNull() {
      column().append("\\N");
      return this;
    }

    @Override
    public void endRow() throws SQLException {
      buf.append('\n');
      firstColumn = true;
      if (buf.length() >= CHUNK_CHARS) {
        flush();
      }
    }

    private void flush() throws SQLException {
      if (buf.isEmpty()) {
        return;
      }
      if (copy == null) {
        // The table name is one of the store's own constants, never input.
        copy = c.getCopyAPI().copyIn("COPY " + table + " FROM STDIN");
      }
      byte[] bytes = buf.toString().getBytes(StandardCharsets.UTF_8);
      buf.setLength(0);
      copy.writeToCopy(bytes, 0, bytes.length);
    }

    @Override
    public void close() throws SQLException {
      try {
        flush();
        if (copy != null) {
          copy.endCopy();
        }
      } finally {
        if (copy != null && copy.isActive()) {
          copy.cancelCopy(); // a failure mid-copy: the connection must be usable for the rollback
        }
      }
    }
  }
}
