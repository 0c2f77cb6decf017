package dev.earlybird.alert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.earlybird.config.EmailConfig;
import dev.earlybird.history.NewNotification;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Date;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * Mails morning reviews (and alerts, briefly) as plain text plus HTML over SMTP with TLS: STARTTLS is required on
 * {@code smtp://}, TLS from the start on {@code smtps://}, and the server's certificate and name are checked.
 */
public final class EmailSender extends RenderingSender {
  static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final EmailConfig config;
  private final Duration timeout;
  private final InstantSource clock;

  public EmailSender(String receiver, EmailConfig config) {
    this(receiver, config, TIMEOUT, InstantSource.system());
  }

  EmailSender(String receiver, EmailConfig config, Duration timeout, InstantSource clock) {
    super(receiver, false);
    this.config = Objects.requireNonNull(config, "config");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  Delivery send(NewNotification notification, JsonNode payload) {
    EmailMessage mail = EmailMessage.of(payload);
    Session session;
    MimeMessage message;
    try {
      session = session();
      message = message(session, mail);
    } catch (GeneralSecurityException | IOException e) {
      return new Delivery.Rejected("cannot read caFile " + config.caFile().map(Object::toString).orElse("")
          + ": " + e.getMessage() + "; expected PEM certificate(s)");
    } catch (MessagingException e) {
      return new Delivery.Rejected("cannot build the mail: " + e.getMessage());
    }
    try (Transport t = session.getTransport()) {
      connect(t);
      t.sendMessage(message, message.getAllRecipients());
      return new Delivery.Sent();
    } catch (MessagingException e) {
      return delivery(e);
    }
  }

  /** Connects, upgrades to TLS, logs in and says QUIT: nothing is mailed. */
  @Override
  public Check check() {
    try (Transport t = session().getTransport()) {
      connect(t);
      return new Check(true, where() + ": TLS" + config.user().map(u -> " and login as " + u).orElse("") + " ok");
    } catch (GeneralSecurityException | IOException e) {
      return new Check(false, "cannot read caFile: " + e.getMessage() + "; expected PEM certificate(s)");
    } catch (MessagingException e) {
      return new Check(false, switch (delivery(e)) {
        case Delivery.Rejected r -> r.error();
        case Delivery.Retry r -> r.error();
        case Delivery.Sent s -> "ok";
        case Delivery.NotYet n -> "not yet";
      });
    }
  }

  private void connect(Transport t) throws MessagingException {
    if (config.user().isPresent()) {
      t.connect(config.host(), config.port(), config.user().get(), config.password().orElseThrow().reveal());
    } else {
      t.connect();
    }
  }

  private MimeMessage message(Session session, EmailMessage mail) throws MessagingException {
    MimeMessage m = new MimeMessage(session);
    m.setFrom(new InternetAddress(config.from()));
    for (String to : config.to()) {
      m.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
    }
    m.setSubject(mail.subject(), "UTF-8");
    m.setSentDate(Date.from(clock.instant()));
    MimeMultipart alternative = new MimeMultipart("alternative");
    MimeBodyPart text = new MimeBodyPart();
    text.setText(mail.text(), "UTF-8", "plain");
    MimeBodyPart html = new MimeBodyPart();
    html.setText(mail.html(), "UTF-8", "html");
    alternative.addBodyPart(text); // the last part is the preferred one
    alternative.addBodyPart(html);
    m.setContent(alternative);
    return m;
  }

  private Session session() throws GeneralSecurityException, IOException {
    String p = config.implicitTls() ? "smtps" : "smtp";
    Properties props = new Properties();
    props.put("mail.transport.protocol", p);
    props.put("mail." + p + ".host", config.host());
    props.put("mail." + p + ".port", Integer.toString(config.port()));
    String ms = Long.toString(timeout.toMillis());
    props.put("mail." + p + ".connectiontimeout", ms);
    props.put("mail." + p + ".timeout", ms);
    props.put("mail." + p + ".writetimeout", ms);
    props.put("mail." + p + ".auth", Boolean.toString(config.user().isPresent()));
    if (!config.implicitTls()) {
      // Review digests name tenants and statements: never send them in clear, even if the server offers no TLS.
      props.put("mail.smtp.starttls.enable", "true");
      props.put("mail.smtp.starttls.required", "true");
    }
    props.put("mail." + p + ".ssl.checkserveridentity", "true");
    if (config.caFile().isPresent()) {
      props.put("mail." + p + ".ssl.socketFactory", trusting(config.caFile().get()));
    }
    return Session.getInstance(props);
  }

  /** A socket factory that trusts only the CA certificate(s) in a PEM file. */
  static SSLSocketFactory trusting(java.nio.file.Path pem) throws GeneralSecurityException, IOException {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(pem)) {
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trust.setCertificateEntry("ca-" + i++, c);
      }
      if (i == 0) {
        throw new GeneralSecurityException("no certificate in it");
      }
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    return tls.getSocketFactory();
  }

  private String where() {
    return "SMTP " + config.host() + ":" + config.port();
  }

  /** A login the server refused or a permanent (5xx) reply is for good; a network failure or a 4xx is not. */
  Delivery delivery(MessagingException e) {
    if (e instanceof AuthenticationFailedException) {
      return new Delivery.Rejected(where() + " refused the login" + config.user().map(u -> " of " + u).orElse("")
          + "; check user and password (and that the account may send mail)");
    }
    int code = switch (e) {
      case SMTPSendFailedException s -> s.getReturnCode();
      case SMTPAddressFailedException a -> a.getReturnCode();
      default -> e.getNextException() instanceof SMTPAddressFailedException a ? a.getReturnCode() : -1;
    };
    String reply = Texts.cut(Texts.oneLine(Objects.requireNonNullElse(e.getMessage(), "")), 200);
    if (code >= 500) {
      return new Delivery.Rejected(where() + " refused the mail: " + reply);
    }
    if (code >= 400) {
      return new Delivery.Retry(Optional.empty(), where() + " deferred the mail: " + reply);
    }
    if (reply.contains("STARTTLS")) {
      return new Delivery.Rejected(where() + " does not offer STARTTLS; use a server that does, or smtps:// "
          + "for one that starts with TLS (mail is never sent in clear)");
    }
    // The first cause we can explain: an SSLException's own causes are certificate path details.
    Throwable cause = e;
    while (cause.getCause() != null && !(cause instanceof SSLException || cause instanceof IOException)) {
      cause = cause.getCause();
    }
    return new Delivery.Retry(Optional.empty(), switch (cause) {
      case UnknownHostException u -> where() + ": host does not resolve; check smtp";
      case ConnectException c -> where() + ": connection refused; check smtp (host and port)";
      case SocketTimeoutException t -> where() + ": no answer within " + timeout.toSeconds() + " s";
      case SSLException s -> where() + ": TLS failed (" + s.getMessage() + "); check the server's certificate "
          + "and caFile";
      default -> where() + ": " + reply;
    });
  }
}
