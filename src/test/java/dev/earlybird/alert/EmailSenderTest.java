package dev.earlybird.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.earlybird.config.EmailConfig;
import dev.earlybird.config.Secret;
import dev.earlybird.testing.TestCertificates;
import jakarta.mail.BodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The email receiver against GreenMail's SMTP server behind a real STARTTLS (or implicit TLS) upgrade with a
 * certificate from a private CA: what arrives, escaped, and what a wrong password, an untrusted certificate or a
 * server without STARTTLS come to.
 */
class EmailSenderTest {
  private static TestCertificates certs;
  private static GreenMail greenMail;
  private static SmtpTlsFront startTls;
  private static SmtpTlsFront implicitTls;

  @BeforeAll
  static void start() {
    certs = TestCertificates.make("localhost");
    greenMail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    greenMail.start();
    greenMail.setUser("earlybird@example.com", "eb", "pa55word");
    startTls = new SmtpTlsFront(certs, greenMail.getSmtp().getPort(), false);
    implicitTls = new SmtpTlsFront(certs, greenMail.getSmtp().getPort(), true);
  }

  @AfterAll
  static void stop() throws Exception {
    startTls.close();
    implicitTls.close();
    greenMail.stop();
  }

  @BeforeEach
  void empty() throws Exception {
    greenMail.purgeEmailFromAllMailboxes();
  }

  private static EmailSender sender(String url, String password, Path ca) {
    return new EmailSender("mail", new EmailConfig(URI.create(url), "earlybird@example.com",
        List.of("dba@example.com", "oncall@example.com"), Optional.of("eb"), Optional.of(new Secret(password)),
        Optional.of(ca)), Duration.ofSeconds(5), InstantSource.system());
  }

  @Test
  void aReviewArrivesAsTextAndEscapedHtmlOverStartTls() throws Exception {
    var sender = sender("smtp://localhost:" + startTls.port(), "pa55word", certs.caCert());
    assertThat(sender.send(TestPayloads.notification(TestPayloads.review(3, 2, 60), "r"))).isEqualTo(new Delivery.Sent());

    MimeMessage[] got = greenMail.getReceivedMessages();
    assertThat(got).hasSize(2); // one per recipient mailbox
    MimeMessage m = got[0];
    assertThat(m.getSubject())
        .isEqualTo("Earlybird morning review: tenant acme, Tue 8 Dec (1 regression, 1 other finding, forecast 85% CPU)");
    assertThat(m.getFrom()[0].toString()).isEqualTo("earlybird@example.com");
    MimeMultipart parts = (MimeMultipart) m.getContent();
    assertThat(parts.getContentType()).startsWith("multipart/alternative");
    BodyPart text = parts.getBodyPart(0);
    BodyPart html = parts.getBodyPart(1);
    assertThat(text.getContentType()).startsWith("text/plain");
    assertThat(html.getContentType()).startsWith("text/html");
    assertThat((String) text.getContent()).contains("Hot statements:", "<script>alert(1)</script>",
        "aurora-prod-1: expected 85% CPU (limit 80%) of 8 vCPUs", "https://earlybird.example.com/reviews/r1");
    assertThat((String) html.getContent()).contains("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;!channel&gt;",
        "<a href=\"https://earlybird.example.com/reviews/r1\">").doesNotContain("<script>", "<!channel>");
  }

  @Test
  void anAlertArrivesOverImplicitTls() throws Exception {
    var sender = sender("smtps://localhost:" + implicitTls.port(), "pa55word", certs.caCert());
    assertThat(sender.send(TestPayloads.notification(TestPayloads.alert("firing", "acme", "Slower"), "k")))
        .isEqualTo(new Delivery.Sent());
    MimeMessage m = greenMail.getReceivedMessages()[0];
    assertThat(m.getSubject()).isEqualTo("[FIRING] critical regression on aurora-prod-1/acme_app: Slower");
  }

  @Test
  void aWrongPasswordIsRejectedWithoutShowingIt() {
    var sender = sender("smtp://localhost:" + startTls.port(), "wrong-pw", certs.caCert());
    Delivery d = sender.send(TestPayloads.notification(TestPayloads.review(1, 1, 10), "r"));
    assertThat(d).isInstanceOfSatisfying(Delivery.Rejected.class,
        r -> assertThat(r.error()).contains("refused the login of eb").doesNotContain("wrong-pw"));
    assertThat(sender.check().ok()).isFalse();
    assertThat(greenMail.getReceivedMessages()).isEmpty();
  }

  @Test
  void anUntrustedCertificateIsNotTalkedTo() {
    var sender = sender("smtp://localhost:" + startTls.port(), "pa55word", certs.otherCaCert());
    assertThat(sender.send(TestPayloads.notification(TestPayloads.review(1, 1, 10), "r")))
        .isInstanceOfSatisfying(Delivery.Retry.class, r -> assertThat(r.error()).contains("TLS failed"));
    assertThat(greenMail.getReceivedMessages()).isEmpty();
  }

  @Test
  void aServerWithoutStartTlsGetsNothingInClear() {
    var sender = sender("smtp://localhost:" + greenMail.getSmtp().getPort(), "pa55word", certs.caCert());
    assertThat(sender.send(TestPayloads.notification(TestPayloads.review(1, 1, 10), "r")))
        .isInstanceOfSatisfying(Delivery.Rejected.class, r -> assertThat(r.error()).contains("STARTTLS"));
    assertThat(greenMail.getReceivedMessages()).isEmpty();
  }

  @Test
  void checkLogsInAndSendsNothing() {
    var sender = sender("smtp://localhost:" + startTls.port(), "pa55word", certs.caCert());
    assertThat(sender.check()).satisfies(c -> {
      assertThat(c.ok()).as(c.detail()).isTrue();
      assertThat(c.detail()).contains("login as eb");
    });
    assertThat(greenMail.getReceivedMessages()).isEmpty();
    var nobody = sender("smtp://localhost:1", "pa55word", certs.caCert());
    assertThat(nobody.send(TestPayloads.notification(TestPayloads.review(1, 1, 10), "r")))
        .isInstanceOfSatisfying(Delivery.Retry.class, r -> assertThat(r.error()).contains("connection refused"));
  }
}
