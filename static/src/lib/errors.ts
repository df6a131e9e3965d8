// Turning failed API calls into messages a person can act on. The server answers
// errors as {"error":{"code","message","field"}}; proxies, crashed servers and
// network failures answer with anything else, so every field is checked.

/** An error from the Flexboard API, or from reaching it. */
export class ApiError extends Error {
  /** HTTP status, 0 when the server could not be reached. */
  readonly status: number;
  /** Error code from the body ("not_found", "internal", ...) or a local one ("network", "http", "bad_response"). */
  readonly code: string;
  /** The request field the error is about, "" when none. */
  readonly field: string;

  constructor(message: string, status: number, code: string, field = "") {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function nonEmptyString(v: unknown): string {
  return typeof v === "string" ? v.trim() : "";
}

const MAX_TEXT = 300;

function describeStatus(status: number, statusText: string): string {
  const text = statusText.trim();
  if (status === 0) return "no response from the server";
  return text === "" ? `HTTP ${status}` : `HTTP ${status} ${text}`;
}

/**
 * Builds an ApiError from a failed response: its status, status text and raw
 * body. Uses error.message (and error.code, error.field) when the body is the
 * API's error shape; otherwise a short plain-text body, otherwise the status.
 */
export function errorFromResponse(status: number, statusText: string, body: string): ApiError {
  const fallback = describeStatus(status, statusText);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (isRecord(parsed)) {
    const err = parsed["error"];
    if (isRecord(err)) {
      const message = nonEmptyString(err["message"]);
      const code = nonEmptyString(err["code"]) || "http";
      const field = nonEmptyString(err["field"]);
      if (message !== "") return new ApiError(message, status, code, field);
      return new ApiError(code !== "http" ? `${fallback} (${code})` : fallback, status, code, field);
    }
    const flat = nonEmptyString(err) || nonEmptyString(parsed["message"]);
    if (flat !== "") return new ApiError(flat, status, "http");
    return new ApiError(fallback, status, "http");
  }
  const text = body.trim();
  // An HTML error page from a proxy is noise; a short plain line is worth showing.
  if (text !== "" && parsed === undefined && !text.startsWith("<") && text.length <= MAX_TEXT) {
    return new ApiError(`${fallback}: ${text}`, status, "http");
  }
  return new ApiError(fallback, status, "http");
}

/** Formats any thrown value for display, adding the field when the API named one. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    return err.field !== "" ? `${err.message} (field: ${err.field})` : err.message;
  }
  if (err instanceof Error) return err.message || err.name;
  if (typeof err === "string" && err !== "") return err;
  return "unknown error";
}
