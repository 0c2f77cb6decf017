package dev.earlybird.alert;

import dev.earlybird.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code X-Earlybird-Signature: sha256=<hex>} = HMAC-SHA256(secret, timestamp + "." + raw body). The timestamp is
 * signed too so a receiver can refuse replays of an old body.
 */
public final class WebhookSignature {
  public static final String TIMESTAMP_HEADER = "X-Earlybird-Timestamp";
  public static final String SIGNATURE_HEADER = "X-Earlybird-Signature";

  private WebhookSignature() {}

  public static String sign(Secret secret, long unixSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.reveal().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((unixSeconds + ".").getBytes(StandardCharsets.US_ASCII));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  /** What a receiver does: recompute and compare in constant time. */
  public static boolean verify(Secret secret, long unixSeconds, byte[] body, String header) {
    return MessageDigest.isEqual(sign(secret, unixSeconds, body).getBytes(StandardCharsets.US_ASCII),
        header.getBytes(StandardCharsets.US_ASCII));
  }
}
