package dev.dsync.chaos.toxiproxy;

/**
 * A failure the REST API reports as {@code {"error": message, "status": status}}, the error shape
 * Toxiproxy uses (and toxiproxy-java turns into an IOException "[status] message").
 */
final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  ApiException(int status, String message) {
    super(message);
    this.status = status;
  }

  int status() {
    return status;
  }

  static ApiException badRequest(String detail) {
    return new ApiException(400, "bad request body: " + detail);
  }

  static ApiException missingField(String field) {
    return new ApiException(400, "missing required field: " + field);
  }

  static ApiException proxyNotFound() {
    return new ApiException(404, "proxy not found");
  }

  static ApiException proxyExists() {
    return new ApiException(409, "proxy already exists");
  }

  static ApiException toxicNotFound() {
    return new ApiException(404, "toxic not found");
  }

  static ApiException toxicExists() {
    return new ApiException(409, "toxic already exists");
  }

  static ApiException invalidStream() {
    return new ApiException(400, "stream was invalid, can be either upstream or downstream");
  }

  static ApiException invalidToxicType() {
    return new ApiException(400, "invalid toxic type");
  }
}
