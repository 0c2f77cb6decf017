package dev.earlybird;

import dev.earlybird.model.Shard;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who this agent is among the replicas sharing a store: its name (the host or pod name) and its shard, from
 * {@code --shard i/n}, or from {@code shards: n} and the ordinal at the end of a StatefulSet pod's name
 * ({@code earlybird-1} is replica 1).
 */
public final class Replicas {
  private static final Pattern ORDINAL = Pattern.compile("-(\\d{1,4})$");

  private Replicas() {}

  /** The pod's name in Kubernetes ({@code HOSTNAME}), else the machine's; "earlybird" if neither is known. */
  public static String hostName() {
    return hostName(System::getenv);
  }

  static String hostName(Function<String, String> env) {
    String fromEnv = env.apply("HOSTNAME");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.strip();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "earlybird";
    }
  }

  /** The ordinal a StatefulSet gives a pod, at the end of its name. */
  static OptionalInt ordinal(String host) {
    Matcher m = ORDINAL.matcher(host);
    return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
  }

  /**
   * This replica's shard.
   *
   * @param flag {@code --shard i/n}, if given
   * @param shards the config's {@code shards} (1 when absent)
   * @param host this agent's host or pod name
   * @throws IllegalArgumentException what is wrong and how to fix it
   */
  public static Shard shard(Optional<String> flag, int shards, String host) {
    if (flag.isPresent()) {
      Shard s = Shard.parse(flag.get());
      if (shards > 1 && s.count() != shards) {
        throw new IllegalArgumentException("--shard " + s + " is one of " + s.count() + " replicas, but the config says "
            + "shards: " + shards + "; give every replica the same count");
      }
      return s;
    }
    if (shards == 1) {
      return Shard.ALONE;
    }
    OptionalInt ordinal = ordinal(host);
    if (ordinal.isEmpty()) {
      throw new IllegalArgumentException("shards: " + shards + " needs this replica's number, and the host name \""
          + host + "\" does not end in one (a StatefulSet names its pods earlybird-0, earlybird-1, ...); run it in a "
          + "StatefulSet, or pass --shard INDEX/" + shards);
    }
    if (ordinal.getAsInt() >= shards) {
      throw new IllegalArgumentException("this replica is number " + ordinal.getAsInt() + " (from its host name \""
          + host + "\"), but shards: " + shards + " numbers them 0 to " + (shards - 1) + "; raise shards to the "
          + "StatefulSet's replicas, or scale it down");
    }
    return new Shard(ordinal.getAsInt(), shards);
  }

  /**
   * How the replica is named to the others: its host name, which a StatefulSet makes unique; with {@code --shard} on
   * a host that may run several, the shard too.
   */
  public static String name(String host, Shard shard, boolean fromFlag) {
    return fromFlag && shard.count() > 1 ? host + " (shard " + shard + ")" : host;
  }
}
