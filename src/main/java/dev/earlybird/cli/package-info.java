/**
 * The subcommands: parse options, load config, report errors with exit codes, and hand over to the
 * composition root ({@link dev.earlybird.Agent}). No wiring with {@code new} beyond that.
 */
package dev.earlybird.cli;
