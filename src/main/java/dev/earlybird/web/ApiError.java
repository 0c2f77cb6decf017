package dev.earlybird.web;

/** A request the API refuses with this status; the message says why and what to do. */
final class ApiError extends RuntimeException {
  private final int status;

  ApiError(int status, String message) {
    super(message);
    this.status = status;
  }

  int status() {
    return status;
  }
}
