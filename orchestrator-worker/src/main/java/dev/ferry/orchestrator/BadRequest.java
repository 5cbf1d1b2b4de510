package dev.ferry.orchestrator;

/**
 * A client's mistake: answered with this status and a JSON error naming the field.
 *
 * @see HttpApi
 */
final class BadRequest extends RuntimeException {

  private final int status;
  private final String field;

  BadRequest(int status, String field, String message) {
    super(message);
    this.status = status;
    this.field = field;
  }

  static BadRequest field(String field, String message) {
    return new BadRequest(400, field, message);
  }

  int status() {
    return status;
  }

  String field() {
    return field;
  }
}
