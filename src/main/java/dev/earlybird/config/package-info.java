/**
 * The agent's configuration: YAML text to immutable, validated records ({@link
 * dev.earlybird.config.AgentConfig} and the records it holds), {@code ${env:..}}/{@code ${file:..}}
 * substitution, secrets that never print, and errors that name file, line and key path so a user can fix
 * every problem in one go ({@link dev.earlybird.config.ConfigException}), and what a reload changes between two
 * configs ({@link dev.earlybird.config.ConfigChanges}).
 *
 * <p>Depends only on the JDK, {@code dev.earlybird.model} and the YAML library (SnakeYAML's node API,
 * because its nodes carry line numbers). Any package may import it; it imports nothing above {@code model}.
 */
package dev.earlybird.config;
