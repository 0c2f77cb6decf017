package dev.earlybird.model;

import java.nio.charset.StandardCharsets;

/**
 * One replica's place among {@code count} replicas sharing a store: shard {@code index} of {@code count}. Targets are
 * assigned to shards by rendezvous (highest random weight) hashing of their names: each target goes to the shard
 * with the highest hash of (shard, name). Adding a shard moves only the targets that now rank it first, about
 * {@code 1/(n+1)} of them, and removing one moves only its own; every replica computes the same assignment from the
 * names alone, with nothing to agree on.
 */
public record Shard(int index, int count) {
  /** A lone agent: one shard, everything in it. */
  public static final Shard ALONE = new Shard(0, 1);
  /** More shards than this is a typo, not a fleet: each shard is one session and one lock on the store. */
  public static final int MAX_COUNT = 1024;

  public Shard {
    if (count < 1 || count > MAX_COUNT) {
      throw new IllegalArgumentException("the number of shards must be 1 to " + MAX_COUNT + ", not " + count);
    }
    if (index < 0 || index >= count) {
      throw new IllegalArgumentException(
          "shard " + index + " does not exist among " + count + " (shards are numbered 0 to " + (count - 1) + ")");
    }
  }

  /** Reads {@code i/n} as on the command line: {@code 0/2} is the first of two. */
  public static Shard parse(String text) {
    String s = text.strip();
    int slash = s.indexOf('/');
    if (slash <= 0 || slash == s.length() - 1) {
      throw new IllegalArgumentException("\"" + s + "\" is not a shard; expected INDEX/COUNT like 0/2 (the first of "
          + "two replicas)");
    }
    try {
      return new Shard(Integer.parseInt(s.substring(0, slash)), Integer.parseInt(s.substring(slash + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("\"" + s + "\" is not a shard; expected INDEX/COUNT like 0/2 (the first of "
          + "two replicas)");
    }
  }

  /** The shard among {@code count} that {@code target} belongs to. */
  public static int of(String target, int count) {
    byte[] name = target.getBytes(StandardCharsets.UTF_8);
    int best = 0;
    long bestWeight = Long.MIN_VALUE;
    for (int s = 0; s < count; s++) {
      long w = weight(s, name);
      if (w > bestWeight) {
        bestWeight = w;
        best = s;
      }
    }
    return best;
  }

  /** Whether {@code target} is in this shard. */
  public boolean holds(String target) {
    return of(target, count) == index;
  }

  /** FNV-1a over the shard number and the name, then a 64-bit finalizer so that nearby inputs spread evenly. */
  private static long weight(int shard, byte[] name) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < 4; i++) {
      h = (h ^ ((shard >>> (8 * i)) & 0xff)) * 0x100000001b3L;
    }
    for (byte b : name) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  @Override
  public String toString() {
    return index + "/" + count;
  }
}
