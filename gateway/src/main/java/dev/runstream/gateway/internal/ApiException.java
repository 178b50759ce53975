package dev.runstream.gateway.internal;

/**
 * An HTTP error answer: its status, a stable machine-readable code and a message for people. The
 * gateway renders it as {@code {"error": code, "message": message}}.
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Code of a malformed or disallowed workflow id. */
  public static final String INVALID_WORKFLOW_ID = "invalid_workflow_id";

  /** Code of a malformed cursor ({@code Last-Event-ID}) or one past the end of the workflow. */
  public static final String INVALID_CURSOR = "invalid_cursor";

  /** Code of any other invalid query parameter. */
  public static final String INVALID_PARAMETER = "invalid_parameter";

  /** Code of a request without credentials in secure mode. */
  public static final String UNAUTHORIZED = "unauthorized";

  /** Code of a request with an invalid, expired or another tenant's credential. */
  public static final String INVALID_TOKEN = "invalid_token";

  /** Code of a query string longer than the configured bound. */
  public static final String URI_TOO_LONG = "uri_too_long";

  /** Code of an unknown workflow or resource. */
  public static final String NOT_FOUND = "not_found";

  /** Code of events that aged out of the topic's retention. */
  public static final String EVENTS_EXPIRED = "events_expired";

  /** Code of the topology's query service being unreachable or not ready. */
  public static final String TOPOLOGY_UNAVAILABLE = "topology_unavailable";

  /** Code of a read-your-event query whose view did not catch up within the bounded wait. */
  public static final String VIEW_NOT_FRESH = "view_not_fresh";

  /** Code of the Kafka broker being unreachable. */
  public static final String BROKER_UNAVAILABLE = "broker_unavailable";

  /** Code of the SSE connection limit being reached. */
  public static final String TOO_MANY_STREAMS = "too_many_streams";

  /** Code of an unexpected failure. */
  public static final String INTERNAL = "internal_error";

  private final int status;
  private final String code;

  /**
   * An error answer.
   *
   * @param status the HTTP status
   * @param code the stable error code
   * @param message what went wrong, for people
   */
  public ApiException(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  /** A 400 with {@code code}. */
  public static ApiException badRequest(String code, String message) {
    return new ApiException(400, code, message);
  }

  /** A 404. */
  public static ApiException notFound(String message) {
    return new ApiException(404, NOT_FOUND, message);
  }

  /**
   * The 404 of a workflow the caller may not see: unknown, or another tenant's. Both answer this
   * same body, so the answer tells nothing about other tenants' workflows.
   */
  public static ApiException unknownWorkflow(String workflowId) {
    return notFound("no workflow " + workflowId);
  }

  /** A 401 {@value #UNAUTHORIZED}: no credential. */
  public static ApiException unauthorized(String message) {
    return new ApiException(401, UNAUTHORIZED, message);
  }

  /** A 401 {@value #INVALID_TOKEN}: a credential that is not accepted. */
  public static ApiException invalidToken(String message) {
    return new ApiException(401, INVALID_TOKEN, message);
  }

  /** A 503 with {@code code}. */
  public static ApiException unavailable(String code, String message) {
    return new ApiException(503, code, message);
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** The stable error code. */
  public String code() {
    return code;
  }
}
