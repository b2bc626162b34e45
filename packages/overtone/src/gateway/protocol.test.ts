import { BackendError } from "@overtone/errors";
import { describe, expect, it } from "vitest";
import { asObject, badRequest, GatewayError, upstreamError } from "./protocol.js";

describe("upstreamError (rules 22, 24)", () => {
  it("keeps a GatewayError as it is", () => {
    const own = new GatewayError(429, "slow down", { retryAfterSeconds: 2 });
    expect(upstreamError(own)).toBe(own);
  });

  it("makes a retryable backend failure a 503 with a retry after one second", () => {
    const busy = new BackendError("the server is loading the model", { url: "http://x", retryable: true });
    const error = upstreamError(busy);
    expect(error).toMatchObject({
      status: 503,
      type: "server_error",
      code: "upstream_error",
      message: "the server is loading the model",
      retryAfterSeconds: 1,
    });
    expect(error.cause).toBe(busy);
  });

  it("makes any other failure a 502 upstream_error with the error's own message", () => {
    const refused = new BackendError("connection refused", { url: "http://x", retryable: false });
    expect(upstreamError(refused)).toMatchObject({
      status: 502,
      code: "upstream_error",
      retryAfterSeconds: undefined,
    });
    const plain = new Error("connection reset");
    const error = upstreamError(plain);
    expect(error).toMatchObject({
      status: 502,
      type: "server_error",
      code: "upstream_error",
      message: "connection reset",
    });
    expect(error.cause).toBe(plain);
    expect(upstreamError("lost")).toMatchObject({ status: 502, message: "lost" });
  });
});

describe("badRequest and asObject", () => {
  it("makes a 400 invalid_request_error naming the field", () => {
    expect(badRequest("n must be 1", "n")).toMatchObject({
      status: 400,
      type: "invalid_request_error",
      param: "n",
    });
    expect(badRequest("not JSON").param).toBeNull();
  });

  it("takes plain objects only", () => {
    expect(asObject({ a: 1 })).toEqual({ a: 1 });
    expect([null, [], "x", 1].map(asObject)).toEqual([undefined, undefined, undefined, undefined]);
  });
});
