package dev.earlybird.testing.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local STS endpoint speaking the SDK's AWS Query protocol (form-encoded {@code POST /}, XML reply) for
 * {@code AssumeRole}: it hands out fixed temporary credentials whose access key id tests look for in the
 * signatures of the calls made with them.
 */
public final class FakeSts implements AutoCloseable {
  public static final String ASSUMED_KEY = "ASIAEARLYBIRDASSUMED";

  private final HttpServer server;
  private final List<Map<String, String>> calls = new CopyOnWriteArrayList<>();

  public FakeSts() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The form parameters of each call. */
  public List<Map<String, String>> calls() {
    return Collections.unmodifiableList(calls);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      Map<String, String> form = new HashMap<>();
      for (String pair : new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
      calls.add(form);
      String xml = "AssumeRole".equals(form.get("Action"))
          ? """
            <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <AssumeRoleResult>
                <Credentials>
                  <AccessKeyId>%s</AccessKeyId>
                  <SecretAccessKey>assumed-secret</SecretAccessKey>
                  <SessionToken>assumed-session-token</SessionToken>
                  <Expiration>2099-01-01T00:00:00Z</Expiration>
                </Credentials>
                <AssumedRoleUser>
                  <Arn>arn:aws:sts::123456789012:assumed-role/earlybird/earlybird</Arn>
                  <AssumedRoleId>AROAEARLYBIRD:earlybird</AssumedRoleId>
                </AssumedRoleUser>
              </AssumeRoleResult>
              <ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>
            </AssumeRoleResponse>"""
              .formatted(ASSUMED_KEY)
          : null;
      byte[] bytes = (xml != null ? xml
          : "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>not faked</Message></Error>"
              + "<RequestId>req-2</RequestId></ErrorResponse>").getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "text/xml");
      ex.sendResponseHeaders(xml != null ? 200 : 400, bytes.length);
      ex.getResponseBody().write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
