import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ApiError, errorFromResponse, errorMessage } from "../../src/lib/errors.ts";

describe("errorFromResponse", () => {
  it("APIErrorShape", () => {
    const err = errorFromResponse(
      400,
      "Bad Request",
      '{"error":{"code":"invalid","message":"name: must not be empty","field":"name"}}',
    );
    assert.ok(err instanceof ApiError);
    assert.equal(err.message, "name: must not be empty");
    assert.equal(err.code, "invalid");
    assert.equal(err.field, "name");
    assert.equal(err.status, 400);
    assert.equal(errorMessage(err), "name: must not be empty (field: name)");
  });
  it("NoField", () => {
    const err = errorFromResponse(500, "Internal Server Error", '{"error":{"code":"internal","message":"internal error"}}');
    assert.equal(errorMessage(err), "internal error");
    assert.equal(err.code, "internal");
  });
  it("CodeWithoutMessage", () => {
    const err = errorFromResponse(404, "Not Found", '{"error":{"code":"not_found"}}');
    assert.equal(err.message, "HTTP 404 Not Found (not_found)");
    assert.equal(err.code, "not_found");
  });
  it("WrongTypes", () => {
    const err = errorFromResponse(500, "", '{"error":{"code":7,"message":["x"],"field":{}}}');
    assert.equal(err.message, "HTTP 500");
    assert.equal(err.code, "http");
    assert.equal(err.field, "");
  });
  it("ErrorAsString", () => {
    assert.equal(errorFromResponse(502, "Bad Gateway", '{"error":"upstream down"}').message, "upstream down");
  });
  it("TopLevelMessage", () => {
    // Fiber's default error handler shape when a route has no custom handler.
    assert.equal(errorFromResponse(413, "", '{"message":"Request Entity Too Large"}').message, "Request Entity Too Large");
  });
  it("JSONNull", () => {
    assert.equal(errorFromResponse(500, "Internal Server Error", "null").message, "HTTP 500 Internal Server Error");
  });
  it("JSONArray", () => {
    assert.equal(errorFromResponse(500, "", '[{"error":{"message":"x"}}]').message, "HTTP 500");
  });
  it("TruncatedJSON", () => {
    assert.equal(errorFromResponse(500, "", '{"error":{"message":"cut').message, 'HTTP 500: {"error":{"message":"cut');
  });
  it("PlainText", () => {
    assert.equal(errorFromResponse(503, "Service Unavailable", "maintenance\n").message, "HTTP 503 Service Unavailable: maintenance");
  });
  it("HTMLPageIgnored", () => {
    const html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    assert.equal(errorFromResponse(502, "Bad Gateway", html).message, "HTTP 502 Bad Gateway");
  });
  it("LongBodyIgnored", () => {
    assert.equal(errorFromResponse(500, "", "x".repeat(1000)).message, "HTTP 500");
  });
  it("EmptyBody", () => {
    assert.equal(errorFromResponse(504, "Gateway Timeout", "").message, "HTTP 504 Gateway Timeout");
  });
  it("NoStatus", () => {
    assert.equal(errorFromResponse(0, "", "").message, "no response from the server");
  });
});

describe("errorMessage", () => {
  it("PlainError", () => assert.equal(errorMessage(new TypeError("Failed to fetch")), "Failed to fetch"));
  it("EmptyError", () => assert.equal(errorMessage(new RangeError("")), "RangeError"));
  it("String", () => assert.equal(errorMessage("boom"), "boom"));
  it("Other", () => {
    assert.equal(errorMessage(undefined), "unknown error");
    assert.equal(errorMessage({ message: "x" }), "unknown error");
  });
});
