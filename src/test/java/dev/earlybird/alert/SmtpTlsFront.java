package dev.earlybird.alert;

import dev.earlybird.testing.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * TLS in front of GreenMail's plain SMTP server, which offers no STARTTLS: speaks the SMTP greeting, EHLO and
 * STARTTLS itself (or, for smtps, TLS from the first byte), then relays the decrypted session to GreenMail, whose
 * own greeting it swallows. So the mail client does a real STARTTLS upgrade, checks a real certificate, and GreenMail
 * does the rest (AUTH, MAIL, DATA).
 */
final class SmtpTlsFront implements AutoCloseable {
  private final ServerSocket listener;
  private final int smtpPort;
  private final boolean implicitTls;
  private final SSLContext tls;

  SmtpTlsFront(TestCertificates certs, int smtpPort, boolean implicitTls) {
    this.smtpPort = smtpPort;
    this.implicitTls = implicitTls;
    try {
      tls = serverContext(certs);
      listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    Thread.ofVirtual().start(this::accept);
  }

  int port() {
    return listener.getLocalPort();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Thread.ofVirtual().start(() -> serve(client));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket client) {
    try (client; Socket smtp = new Socket(InetAddress.getLoopbackAddress(), smtpPort)) {
      if (!implicitTls && !preamble(client)) {
        return;
      }
      SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(client, "localhost", client.getPort(), true);
      secure.setUseClientMode(false);
      secure.startHandshake();
      InputStream fromSmtp = smtp.getInputStream();
      if (!implicitTls) {
        line(fromSmtp); // GreenMail's greeting: the client had ours before STARTTLS
      }
      Thread up = Thread.ofVirtual().start(() -> pump(secure, smtp));
      pump(smtp, secure);
      up.join();
    } catch (IOException | InterruptedException e) {
      // the client went away or failed the handshake: its side reports that
    }
  }

  /** Plain SMTP up to a STARTTLS command; false if the client quit or left. */
  private static boolean preamble(Socket client) throws IOException {
    InputStream in = client.getInputStream();
    OutputStream out = client.getOutputStream();
    write(out, "220 localhost ESMTP test front");
    while (true) {
      String line = line(in);
      if (line == null) {
        return false;
      }
      String verb = line.split(" ", 2)[0].toUpperCase(java.util.Locale.ROOT);
      switch (verb) {
        case "EHLO" -> write(out, "250-localhost\r\n250 STARTTLS");
        case "HELO", "NOOP" -> write(out, "250 localhost");
        case "STARTTLS" -> {
          write(out, "220 2.0.0 Ready to start TLS");
          return true;
        }
        case "QUIT" -> {
          write(out, "221 2.0.0 Bye");
          return false;
        }
        default -> write(out, "530 5.7.0 Must issue a STARTTLS command first");
      }
    }
  }

  /** One line read byte by byte, so no TLS byte after it is swallowed; null at the end of the stream. */
  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int c = in.read(); c != -1; c = in.read()) {
      if (c == '\n') {
        return b.toString(StandardCharsets.US_ASCII).strip();
      }
      b.write(c);
    }
    return null;
  }

  private static void write(OutputStream out, String reply) throws IOException {
    out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static void pump(Socket from, Socket to) {
    try {
      from.getInputStream().transferTo(to.getOutputStream());
    } catch (IOException e) {
      // either side closed
    } finally {
      try {
        to.close();
        from.close();
      } catch (IOException e) {
        // already closed
      }
    }
  }

  private static SSLContext serverContext(TestCertificates certs) throws IOException, GeneralSecurityException {
    String pem = Files.readString(certs.serverKey());
    String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    Certificate cert;
    try (InputStream in = Files.newInputStream(certs.serverCert())) {
      cert = CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("server", key, new char[0], new Certificate[] {cert});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
