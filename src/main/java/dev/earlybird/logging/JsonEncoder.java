package dev.earlybird.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.event.KeyValuePair;

/**
 * Writes each event as one JSON object on one line: {@code timestamp} (ISO-8601 UTC, milliseconds), {@code level},
 * {@code logger}, {@code thread}, {@code message}, then the MDC entries (e.g. {@code target} on a poller's lines)
 * and SLF4J key-value pairs as fields of their own, and {@code exception} (the stack trace as text) when there is
 * one. Newlines inside a message or stack trace are escaped, so a line is always a whole event.
 *
 * <p>It writes exactly what the text format shows plus the MDC and key-value fields, nothing from the logger
 * context or the environment: what is kept out of log messages (passwords, tokens, DSNs) stays out of JSON too.
 *
 * <p>Written here rather than taken from logstash-logback-encoder: about a hundred lines over Jackson, which the
 * agent has anyway, against a dependency whose supported logback versions would have to follow ours.
 */
public final class JsonEncoder extends EncoderBase<ILoggingEvent> {
  /** The fields every line has; an MDC or key-value entry of the same name gets a trailing "_" instead. */
  static final List<String> STANDARD_FIELDS = List.of("timestamp", "level", "logger", "thread", "message", "exception");

  private static final JsonFactory JSON = new JsonFactory();
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final byte[] NEWLINE = {'\n'};

  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    var out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      write(g, event);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a log event as JSON", e); // in memory: does not happen
    }
    out.writeBytes(NEWLINE);
    return out.toByteArray();
  }

  private static void write(JsonGenerator g, ILoggingEvent e) throws IOException {
    g.writeStartObject();
    g.writeStringField("timestamp", TIMESTAMP.format(e.getInstant()));
    g.writeStringField("level", e.getLevel().toString());
    g.writeStringField("logger", e.getLoggerName());
    g.writeStringField("thread", e.getThreadName());
    g.writeStringField("message", e.getFormattedMessage());
    Set<String> taken = new HashSet<>(STANDARD_FIELDS);
    Map<String, String> mdc = e.getMDCPropertyMap();
    if (mdc != null) {
      // Sorted, so that the same MDC gives the same line.
      for (var entry : new TreeMap<>(mdc).entrySet()) {
        g.writeFieldName(unique(entry.getKey(), taken));
        g.writeString(entry.getValue());
      }
    }
    List<KeyValuePair> pairs = e.getKeyValuePairs();
    if (pairs != null) {
      for (KeyValuePair kv : pairs) {
        g.writeFieldName(unique(kv.key, taken));
        value(g, kv.value);
      }
    }
    IThrowableProxy thrown = e.getThrowableProxy();
    if (thrown != null) {
      g.writeStringField("exception", ThrowableProxyUtil.asString(thrown));
    }
    g.writeEndObject();
  }

  /** Numbers and booleans stay JSON numbers and booleans (so a pipeline can sum {@code duration_s}); the rest are strings. */
  private static void value(JsonGenerator g, Object v) throws IOException {
    switch (v) {
      case null -> g.writeNull();
      case Integer i -> g.writeNumber(i);
      case Long l -> g.writeNumber(l);
      case Double d when Double.isFinite(d) -> g.writeNumber(d);
      case Float f when Float.isFinite(f) -> g.writeNumber(f);
      case Boolean b -> g.writeBoolean(b);
      default -> g.writeString(String.valueOf(v));
    }
  }

  /** {@code key}, or {@code key_}, {@code key__} ... when a field of that name is written already. */
  private static String unique(String key, Set<String> taken) {
    String name = key == null ? "null" : key;
    while (!taken.add(name)) {
      name = name + "_";
    }
    return name;
  }
}
