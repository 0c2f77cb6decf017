/**
 * The subcommands: parse options, load config, report errors with exit codes, and hand over to the
 * composition roots ({@link dev.earlybird.Agent}, and {@link dev.earlybird.StoreReports} for reports read
 * straight from the store). No wiring with {@code new} beyond that. {@code report} and {@code baseline} read
 * the store file, or, while the agent holds it or {@code --url} names one, ask the agent over HTTP
 * ({@link dev.earlybird.cli.AgentClient}). {@code copy-store} opens the two stores it copies between and hands them to
 * {@link dev.earlybird.history.StoreCopy}; {@code check} probes the store ({@link dev.earlybird.cli.StoreCheck}).
 */
package dev.earlybird.cli;
