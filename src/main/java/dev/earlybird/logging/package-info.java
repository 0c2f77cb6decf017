/**
 * How log lines look: human-readable text or one JSON object per line, chosen with {@code EARLYBIRD_LOG_FORMAT}
 * when logging starts (see {@code logback.xml}). Logback plugs these classes in; nothing in the agent calls them.
 * Depends on logback and Jackson's streaming core only.
 */
package dev.earlybird.logging;
