package dev.earlybird.history;

import dev.earlybird.model.Shard;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.LockSupport;

/**
 * The session-level advisory locks replicas share a PostgreSQL store by, all taken on the writer's session, so that a
 * replica holds them exactly while its session can write, and a replica that dies (its session ends) frees them:
 * <ul>
 *   <li>presence lock {@code i}: the replica running as shard {@code i} is alive. Held for the whole session; a second
 *       replica started as the same shard is refused.
 *   <li>shard lock {@code j}: the replica that polls, evaluates and alerts for shard {@code j}'s targets. A replica
 *       holds its own shard's, takes a shard whose replica is not present (its presence lock is free), and gives a
 *       taken shard back once that replica is present again.
 * </ul>
 * Both use the two-key form of the advisory lock functions, in a key space of their own.
 */
final class ShardLocks {
  /** First key of every presence lock: "earp" in ASCII. */
  static final int PRESENCE = 0x65617270;
  /** First key of every shard lock: "ears" in ASCII. */
  static final int SHARD = 0x65617273;

  private final Shard home;
  private final String replica;
  private final InstantSource clock;
  /** The shard locks this session holds; emptied when the session ends. */
  private final Set<Integer> held = new TreeSet<>();

  ShardLocks(Shard home, String replica, InstantSource clock) {
    this.home = home;
    this.replica = replica;
    this.clock = clock;
  }

  Shard home() {
    return home;
  }

  /**
   * Takes this replica's presence lock on a new writer session, waiting up to {@code wait} for a session of the same
   * shard that just ended (a replica killed a moment ago holds it until the server notices its connection close).
   *
   * @return whether it was taken
   */
  boolean arrive(Connection c, Duration wait) throws SQLException {
    held.clear(); // a new session holds nothing yet
    long deadline = System.nanoTime() + wait.toNanos();
    boolean taken;
    while (!(taken = tryLock(c, PRESENCE, home.index())) && System.nanoTime() < deadline) {
      LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
    }
    c.commit(); // a session lock outlives the transaction that took it
    return taken;
  }

  /** The session ended: every lock it held went with it. */
  void left() {
    held.clear();
  }

  /**
   * Takes this replica's own shard when free, takes each other shard whose replica is not present, and gives back
   * each taken shard whose replica is present again; records the owner of each shard taken.
   *
   * @return the shards held now
   */
  Set<Integer> claim(Connection c) throws SQLException {
    for (int j = 0; j < home.count(); j++) {
      boolean mine = held.contains(j);
      if (j == home.index()) {
        if (!mine && tryLock(c, SHARD, j)) {
          took(c, j);
        }
        continue;
      }
      boolean present = !tryLock(c, PRESENCE, j);
      if (!present) {
        unlock(c, PRESENCE, j); // only looked: that replica takes it when it starts
      }
      if (mine && present) {
        unlock(c, SHARD, j);
        held.remove(j);
      } else if (!mine && !present && tryLock(c, SHARD, j)) {
        took(c, j);
      }
    }
    c.commit();
    return Set.copyOf(held);
  }

  /** Who holds each shard now, by the locks held on the server and the name each owner recorded. */
  static Map<Integer, String> owners(Connection c) throws SQLException {
    Map<Integer, String> owners = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(
        """
        SELECT o.shard, o.replica FROM shard_owner o
        WHERE EXISTS (
          SELECT 1 FROM pg_catalog.pg_locks l
          WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
            AND l.classid = CAST(? AS pg_catalog.oid) AND l.objid = CAST(o.shard AS pg_catalog.oid)
            AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d
                              WHERE d.datname = pg_catalog.current_database()))""")) {
      ps.setLong(1, SHARD);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          owners.put(rs.getInt(1), rs.getString(2));
        }
      }
    }
    return owners;
  }

  private void took(Connection c, int shard) throws SQLException {
    held.add(shard);
    long now = Columns.micros(clock.instant());
    int updated;
    try (PreparedStatement ps = c.prepareStatement("UPDATE shard_owner SET replica = ?, since_us = ? WHERE shard = ?")) {
      ps.setString(1, replica);
      ps.setLong(2, now);
      ps.setInt(3, shard);
      updated = ps.executeUpdate();
    }
    if (updated == 0) {
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO shard_owner (shard, replica, since_us) VALUES (?, ?, ?)")) {
        ps.setInt(1, shard);
        ps.setString(2, replica);
        ps.setLong(3, now);
        ps.executeUpdate();
      }
    }
  }

  private static boolean tryLock(Connection c, int space, int key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.pg_try_advisory_lock(?, ?)")) {
      ps.setInt(1, space);
      ps.setInt(2, key);
      try (var rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  private static void unlock(Connection c, int space, int key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.pg_advisory_unlock(?, ?)")) {
      ps.setInt(1, space);
      ps.setInt(2, key);
      ps.execute();
    }
  }
}
