package dev.earlybird.web;

/** A request parameter is wrong; the message names it and says what is expected. Answered with 400. */
final class BadRequest extends RuntimeException {
  BadRequest(String message) {
    super(message);
  }
}
