package dev.earlybird.source;

import java.util.Locale;

/**
 * Why a read from a source failed, coarse enough to be a metric label ({@code earlybird_poll_errors_total{reason}})
 * and precise enough to tell an operator where to look.
 */
public enum ErrorReason {
  /** TCP connect refused or reset, server shutting down, connection lost. */
  CONNECT,
  /** The host name did not resolve (transient DNS failures of RDS endpoints are common). */
  DNS,
  /** Wrong user or password, or no pg_hba entry. */
  AUTH,
  /** Statement, lock, socket or connect timeout. */
  TIMEOUT,
  /** TLS failed: the server's certificate could not be verified (wrong CA or host name) or TLS is not offered. */
  TLS,
  /** The server (or a pooler in front) has no connection slot left for this role, database or server. */
  TOO_MANY_CONNECTIONS,
  /** The database the target URL names does not exist. */
  DATABASE_MISSING,
  /** The role lacks a privilege (e.g. pg_read_all_stats). */
  PERMISSION,
  /** pg_stat_statements is not preloaded or not created in the connect database. */
  MISSING_EXTENSION,
  /** AWS throttled the call (after the SDK's retries); says nothing about the database. */
  THROTTLED,
  /** A feature the source needs is off, e.g. Performance Insights not enabled on the instance. */
  NOT_ENABLED,
  /** The server returned something the reader cannot use. */
  BAD_VALUE,
  OTHER;

  /** Lowercase name for metric labels, e.g. {@code missing_extension}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
