package dev.earlybird.model;

/**
 * What a target says about pg_stat_kcache, the optional extension that measures CPU time per statement (DESIGN
 * decision 3). Whether its version is one the source can read is the source's business.
 *
 * @param installed the extension's files are on the server ({@code pg_available_extensions}), created or not
 * @param loaded the library is in {@code shared_preload_libraries}, so it collects (and its function can be called)
 * @param version {@code extversion} where created in the connect database, e.g. "2.2.1"; null if not created
 * @param schema the schema it was created in; null if not created
 */
public record KcacheInfo(boolean installed, boolean loaded, String version, String schema) {
  /** A server without pg_stat_kcache. */
  public static final KcacheInfo ABSENT = new KcacheInfo(false, false, null, null);

  public boolean created() {
    return version != null;
  }
}
