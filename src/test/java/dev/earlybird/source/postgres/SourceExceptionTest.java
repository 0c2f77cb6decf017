package dev.earlybird.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.source.ErrorReason;
import dev.earlybird.source.SourceException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Classification of driver errors into reasons (the SourceException class lives in the parent package). */
class SourceExceptionTest {

  @ParameterizedTest
  @CsvSource({
    "28P01, AUTH",
    "28000, AUTH",
    "57014, TIMEOUT",
    "55P03, TIMEOUT",
    "42501, PERMISSION",
    "42P01, MISSING_EXTENSION",
    "55000, MISSING_EXTENSION",
    "42883, MISSING_EXTENSION",
    "08001, CONNECT",
    "08006, CONNECT",
    "57P01, CONNECT",
    "22P02, BAD_VALUE",
    "53300, TOO_MANY_CONNECTIONS",
    "3D000, DATABASE_MISSING",
    "25P03, TIMEOUT",
    "08P01, CONNECT",
    "42601, OTHER",
    "XX000, OTHER"
  })
  void sqlStates(String state, ErrorReason expected) {
    assertThat(SourceException.classify(new SQLException("boom", state))).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void everyStateOfTheTableIsClassifiedAsTheTableSays() {
    SourceException.BY_STATE.forEach((state, reason) ->
        assertThat(SourceException.classify(new SQLException("boom", state))).as(state).isEqualTo(reason));
    SourceException.BY_CLASS.forEach((cls, reason) ->
        assertThat(SourceException.classify(new SQLException("boom", cls + "ZZZ"))).as(cls).isEqualTo(reason));
  }

  @org.junit.jupiter.api.Test
  void tlsFailuresAreTlsWhateverTheDriverCallsThem() {
    var unverified = new SQLException("SSL error: PKIX path building failed", "08006",
        new javax.net.ssl.SSLHandshakeException("PKIX path building failed"));
    assertThat(SourceException.classify(unverified)).isEqualTo(ErrorReason.TLS);
    var wrongHost = new SQLException(
        "The hostname 127.0.0.1 could not be verified by hostnameverifier PgjdbcHostnameVerifier.", "08006");
    assertThat(SourceException.classify(wrongHost)).isEqualTo(ErrorReason.TLS);
    assertThat(SourceException.classify(new SQLException("The server does not support SSL.", "08004")))
        .isEqualTo(ErrorReason.TLS);
  }

  @org.junit.jupiter.api.Test
  void causesWinOverTheGenericConnectionState() {
    assertThat(SourceException.classify(new SQLException("attempt failed", "08001", new UnknownHostException("x"))))
        .isEqualTo(ErrorReason.DNS);
    assertThat(SourceException.classify(new SQLException("io", "08006", new SocketTimeoutException("Read timed out"))))
        .isEqualTo(ErrorReason.TIMEOUT);
    assertThat(SourceException.classify(new SQLException("refused", null, new ConnectException("refused"))))
        .isEqualTo(ErrorReason.CONNECT);
    assertThat(SourceException.classify(new IllegalStateException("?"))).isEqualTo(ErrorReason.OTHER);
  }

  @org.junit.jupiter.api.Test
  void labelsAreLowercaseAndWrappingKeepsAnExistingReason() {
    assertThat(ErrorReason.MISSING_EXTENSION.label()).isEqualTo("missing_extension");
    assertThat(ErrorReason.TOO_MANY_CONNECTIONS.label()).isEqualTo("too_many_connections");
    assertThat(ErrorReason.DATABASE_MISSING.label()).isEqualTo("database_missing");
    assertThat(ErrorReason.TLS.label()).isEqualTo("tls");
    var original = new SourceException(ErrorReason.AUTH, "target x: no");
    assertThat(SourceException.of("ctx", original)).isSameAs(original);
    assertThat(SourceException.of("target t: snapshot", new SQLException("denied", "42501")))
        .hasMessage("target t: snapshot: denied")
        .extracting(SourceException::reason)
        .isEqualTo(ErrorReason.PERMISSION);
  }
}
