package dev.earlybird.model;

/**
 * Facts about a target's server that decide which SQL to run and what the numbers mean.
 *
 * @param versionNum {@code server_version_num}, e.g. 170004
 * @param version {@code server_version}, e.g. "17.4"
 * @param pgssVersion installed pg_stat_statements extension version, e.g. "1.11"; null if not installed
 * @param kcache pg_stat_kcache on this server and in the connect database
 * @param startedAt when the server (postmaster) started: right after a restart caches are cold and per-call
 *     times say little about regressions
 * @param systemIdentifier {@code pg_control_system().system_identifier} as text: which database cluster answers, so a
 *     name that starts leading to another server (a failover) is noticed; null where the role may not read it
 * @param role the role the agent is logged in as ({@code current_user}), for messages that say what to grant
 */
public record ServerInfo(
    int versionNum,
    String version,
    String pgssVersion,
    boolean trackIoTiming,
    int pgssMax,
    String pgssTrack,
    KcacheInfo kcache,
    java.time.Instant startedAt,
    String systemIdentifier,
    String role) {

  public ServerInfo {
    java.util.Objects.requireNonNull(kcache, "kcache (use KcacheInfo.ABSENT)");
  }

  public int major() {
    return versionNum / 10000;
  }
}
