package dev.earlybird.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway certificate authority and a server certificate it signed, made with the {@code openssl} CLI for a
 * TLS-enabled {@link PgServer}; plus a second, unrelated CA to show what an untrusted certificate does.
 *
 * @param caCert the CA that signed the server's certificate (what a client's {@code sslrootcert} should be)
 * @param otherCaCert a CA that did not sign it
 */
public record TestCertificates(Path dir, Path caCert, Path serverCert, Path serverKey, Path otherCaCert) {

  /** Makes the files in a new directory under {@code target/pg-data}; the certificate is valid for {@code dnsName}. */
  public static TestCertificates make(String dnsName) {
    Path dir = PostgresServers.dataRoot().resolve("certs-" + PostgresServers.shortId());
    try {
      Files.createDirectories(dir);
      var certs = new TestCertificates(
          dir, dir.resolve("ca.crt"), dir.resolve("server.crt"), dir.resolve("server.key"), dir.resolve("other-ca.crt"));
      certs.ca("ca", "Earlybird Test CA");
      certs.ca("other-ca", "Some Other CA");
      Files.writeString(dir.resolve("server.ext"), "subjectAltName = DNS:" + dnsName + "\n"
          + "basicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature, keyEncipherment\n"
          + "extendedKeyUsage = serverAuth\n");
      openssl(dir, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
          "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=" + dnsName);
      openssl(dir, "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
          "-days", "2", "-out", "server.crt", "-extfile", "server.ext");
      // PostgreSQL refuses a key that others can read; it must also belong to the user the server runs as.
      Files.setPosixFilePermissions(certs.serverKey(), PosixFilePermissions.fromString("rw-------"));
      RootPrivileges.giveToZonkyServers(dir, certs.serverCert(), certs.serverKey());
      return certs;
    } catch (IOException e) {
      throw new UncheckedIOException("could not make test certificates in " + dir, e);
    }
  }

  /** The settings that turn TLS on with this certificate, for {@link PostgresServers#dedicated(int, Map)}. */
  public Map<String, String> serverSettings() {
    return Map.of("ssl", "on", "ssl_cert_file", serverCert.toString(), "ssl_key_file", serverKey.toString());
  }

  private void ca(String name, String subject) throws IOException {
    openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", name + ".key", "-out", name + ".crt", "-days", "2", "-subj", "/CN=" + subject,
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
  }

  private static void openssl(Path dir, String... args) throws IOException {
    var command = new ArrayList<String>();
    command.add("openssl");
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("openssl " + String.join(" ", args) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
