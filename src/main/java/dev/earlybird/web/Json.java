package dev.earlybird.web;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The API's JSON: ISO-8601 instants, records as objects. Shared by the server and the command line. */
public final class Json {
  private Json() {}

  /** For writing the API's documents (and strictly reading request bodies: unknown fields are errors). */
  public static ObjectMapper mapper() {
    return new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  }

  /** For reading the API's documents as a client: fields a newer agent added are skipped. */
  public static ObjectMapper lenientMapper() {
    return mapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }
}
