package dev.earlybird.analysis;

import dev.earlybird.model.FindingKind;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/** Stable names for findings: the same condition on the same statement always has the same fingerprint. */
final class Fingerprints {
  private Fingerprints() {}

  static String of(FindingKind kind, String target, long dbId, long queryId) {
    return hash(kind.label() + "\u0000" + target + "\u0000" + dbId + "\u0000" + queryId);
  }

  /** Advice about a statement: one fingerprint per rule, so two kinds of advice on one statement live side by side. */
  static String advice(String rule, String target, long dbId, long queryId) {
    return hash(FindingKind.ADVICE.label() + "\u0000" + rule + "\u0000" + target + "\u0000" + dbId + "\u0000" + queryId);
  }

  /**
   * Advice about something other than one statement (a database's missing index, a target's setting): one
   * fingerprint per rule and key, where the key names what the advice is about (e.g. target and setting).
   */
  static String advice(String rule, String key) {
    return hash(FindingKind.ADVICE.label() + "\u0000" + rule + "\u0000key\u0000" + key);
  }

  private static String hash(String key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** One occurrence: the fingerprint and when it began, so a finding that comes back is a new row. */
  static String occurrence(String fingerprint, Instant since) {
    return fingerprint + "-" + since.getEpochSecond();
  }
}
