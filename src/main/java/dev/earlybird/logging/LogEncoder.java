package dev.earlybird.logging;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;

/**
 * The agent's encoder: text lines with {@link #setPattern pattern}, or JSON lines ({@link JsonEncoder}), as
 * {@link #setFormat format} says. {@code logback.xml} sets the format from {@code EARLYBIRD_LOG_FORMAT}, so it is
 * fixed when logging starts, before any argument or config file is read, and every line of every command is in
 * the same format. A value that names no format logs as text, after one line on stderr saying so: a typo must
 * not leave the agent without logs.
 */
public final class LogEncoder extends EncoderBase<ILoggingEvent> {
  static final String DEFAULT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level %logger{0} - %msg%n";

  private String format = "text";
  private String pattern = DEFAULT_PATTERN;
  private LogFormat chosen = LogFormat.TEXT;
  private Encoder<ILoggingEvent> delegate;

  public void setFormat(String format) {
    this.format = format;
  }

  public void setPattern(String pattern) {
    this.pattern = pattern;
  }

  /** What {@link #start} chose; TEXT before. */
  public LogFormat format() {
    return chosen;
  }

  @Override
  public void start() {
    chosen = LogFormat.parse(format).orElseGet(() -> {
      String problem = "EARLYBIRD_LOG_FORMAT=" + format + " is not one of " + LogFormat.choices() + "; logging as text";
      addWarn(problem);
      System.err.println("earlybird: " + problem);
      return LogFormat.TEXT;
    });
    delegate = switch (chosen) {
      case TEXT -> {
        var text = new PatternLayoutEncoder();
        text.setPattern(pattern);
        yield text;
      }
      case JSON -> new JsonEncoder();
    };
    delegate.setContext(getContext());
    delegate.start();
    super.start();
  }

  @Override
  public void stop() {
    if (delegate != null) {
      delegate.stop();
    }
    super.stop();
  }

  @Override
  public byte[] headerBytes() {
    return delegate.headerBytes();
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return delegate.encode(event);
  }

  @Override
  public byte[] footerBytes() {
    return delegate.footerBytes();
  }
}
