package dev.earlybird.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pure parts the receivers share: cutting to a limit, Retry-After, numbers in words. */
class TextsTest {
  static final Instant NOW = Instant.parse("2026-12-07T06:00:00Z");

  @Test
  void cutKeepsShortTextAndCutsLongTextOnACodePoint() {
    assertThat(Texts.cut("abc", 3)).isEqualTo("abc");
    assertThat(Texts.cut("abcd", 3)).isEqualTo("ab…");
    String emoji = "a" + "😀".repeat(10); // a pair may not be split
    for (int max = 1; max < emoji.length(); max++) {
      String cut = Texts.cut(emoji, max);
      assertThat(cut).hasSizeLessThanOrEqualTo(max).endsWith("…");
      assertThat(cut.codePoints().allMatch(c -> !Character.isSurrogate((char) c) || c > 0xFFFF)).isTrue();
    }
  }

  @Test
  void retryAfterReadsSecondsAndDates() {
    assertThat(RetryAfter.parse(Optional.of("120"), NOW)).contains(Duration.ofMinutes(2));
    assertThat(RetryAfter.parse(Optional.of("Mon, 07 Dec 2026 06:00:30 GMT"), NOW)).contains(Duration.ofSeconds(30));
    assertThat(RetryAfter.parse(Optional.of("Mon, 07 Dec 2026 05:00:00 GMT"), NOW)).contains(Duration.ZERO);
    assertThat(RetryAfter.parse(Optional.of("99999999999999999999999"), NOW)).contains(RetryAfter.MAX);
    assertThat(RetryAfter.parse(Optional.of("soon"), NOW)).isEmpty();
    assertThat(RetryAfter.parse(Optional.of("-5"), NOW)).isEmpty();
    assertThat(RetryAfter.parse(Optional.empty(), NOW)).isEmpty();
  }

  @Test
  void numbersInWords() {
    assertThat(Texts.millis(0.5)).isEqualTo("0.50 ms");
    assertThat(Texts.millis(1500)).isEqualTo("1.50 s");
    assertThat(Texts.millis(120_000)).isEqualTo("2 min");
    assertThat(Texts.number(12.345)).isEqualTo("12.3");
  }

  @Test
  void mailLinksOnlyHttpAndEscapeEverything() {
    var alert = TestPayloads.alert("firing", "acme", "a \"quoted\" <b>summary</b> & 'more'");
    alert.with("annotations").put("url", "javascript:alert(1)");
    EmailMessage m = EmailMessage.of(alert);
    assertThat(m.html()).doesNotContain("javascript:", "<b>", "href")
        .contains("a &quot;quoted&quot; &lt;b&gt;summary&lt;/b&gt; &amp; &#39;more&#39;");
    assertThat(m.text()).contains("<b>summary</b>");
  }

  @Test
  void aPayloadWithNothingInItStillRenders() {
    var empty = Payload.JSON.createObjectNode().put("type", "alert");
    AlertView a = AlertView.of(empty);
    assertThat(a.title()).isEqualTo("[FIRING] ? finding on ?: Earlybird alert");
    assertThat(SlackMessage.alert(a).path("blocks").size()).isPositive();
    assertThat(EmailMessage.of(empty).subject()).isEqualTo(a.title());
    var review = Payload.JSON.createObjectNode().put("type", "review");
    assertThat(Digest.of(review).subject()).isEqualTo("Earlybird morning review: tenant ?, ? (nothing found)");
  }
}
