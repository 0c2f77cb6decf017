package dev.earlybird.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;

/** Request bodies: strict JSON (an unknown field is an error), refused with a 400 that shows what is expected. */
final class RequestBodies {
  private static final ObjectMapper STRICT = Json.mapper();

  private RequestBodies() {}

  static <T> T read(Context ctx, Class<T> type, String example) {
    T value;
    try {
      value = STRICT.readValue(ctx.body(), type);
    } catch (JsonProcessingException e) {
      throw new BadRequest("the body must be JSON like " + example + ": " + e.getOriginalMessage());
    }
    if (value == null) {
      throw new BadRequest("the body must be JSON like " + example);
    }
    return value;
  }
}
