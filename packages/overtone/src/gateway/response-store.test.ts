import { describe, expect, it } from "vitest";
import { finish, modelMessage, partsOf, servedModel } from "../../../../test/gateway/parts-fixtures.js";
import { GatewayError } from "./protocol.js";
import { previousResponseNotFound, ResponseStore } from "./response-store.js";
import type { ResponsesItem } from "./responses-input.js";
import { responsesBody } from "./responses-reply.js";
import { parseResponsesRequest, responsesToGenerateRequest } from "./responses-request.js";
import { responseFrames } from "./responses-stream.js";

const model = servedModel();
const item = (text: string): ResponsesItem => ({ type: "message", role: "user", text });
/** A final answer as parts. */
const answer = (text: string) =>
  partsOf([...modelMessage("final", "f", [text], { terminator: "return" }), finish("stop")]);

/** One turn as the server runs it: resolve the previous response, generate, store what the reply gives. */
async function turn(
  store: ResponseStore,
  id: string,
  body: Record<string, unknown>,
  reply: string,
  stream = false,
) {
  const parsed = parseResponsesRequest({ model: "gpt-oss-20b", ...body });
  const history =
    parsed.previousResponseId === undefined ? undefined : store.require(parsed.previousResponseId);
  const request = responsesToGenerateRequest(parsed, model, history);
  const meta = { id, created: 1, model: "gpt-oss-20b" };
  const keep = (items: ResponsesItem[]) => {
    if (parsed.store) store.put(id, items);
  };
  if (stream) {
    for await (const _ of responseFrames(answer(reply), meta, parsed, keep));
  } else {
    keep((await responsesBody(answer(reply), meta, parsed)).items);
  }
  return request;
}

const texts = (request: Awaited<ReturnType<typeof turn>>) =>
  request.conversation.messages.slice(1).map((m) => (m.content[0]?.type === "text" ? m.content[0].text : ""));

describe("ResponseStore", () => {
  it("gives back what was put, and nothing for an unknown id", () => {
    const store = new ResponseStore(3);
    store.put("resp_a", [item("a")]);
    expect(store.get("resp_a")).toEqual([item("a")]);
    expect(store.get("resp_x")).toBeUndefined();
  });

  it("evicts the least recently used response beyond its limit", () => {
    const store = new ResponseStore(2);
    store.put("resp_1", [item("1")]);
    store.put("resp_2", [item("2")]);
    store.get("resp_1"); // used: resp_2 is now the oldest
    store.put("resp_3", [item("3")]);
    expect(store.size).toBe(2);
    expect(store.get("resp_2")).toBeUndefined();
    expect(store.get("resp_1")).toEqual([item("1")]);
    expect(store.get("resp_3")).toEqual([item("3")]);
    store.put("resp_3", [item("3b")]); // a second put replaces, without growing
    expect(store.size).toBe(2);
    expect(store.get("resp_3")).toEqual([item("3b")]);
  });

  it("does not let a caller change what it keeps", () => {
    const store = new ResponseStore();
    const items = [item("a")];
    store.put("resp_a", items);
    items.push(item("b"));
    expect(store.get("resp_a")).toHaveLength(1);
  });

  it("refuses a limit that is not a positive integer", () => {
    expect(() => new ResponseStore(0)).toThrow(RangeError);
    expect(() => new ResponseStore(1.5)).toThrow(RangeError);
  });

  it("answers an unknown previous_response_id with a 404 that names it and says why (rule 36)", () => {
    const store = new ResponseStore(50);
    let error: unknown;
    try {
      store.require("resp_gone");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({
      status: 404,
      type: "not_found_error",
      code: "previous_response_not_found",
      param: "previous_response_id",
    });
    const text = (error as GatewayError).message;
    expect(text).toContain('"resp_gone"');
    expect(text).toContain("the last 50 responses in memory");
    expect(text).toContain("store:false");
    expect(previousResponseNotFound("resp_x").message).toContain("recent responses in memory");
  });
});

describe("previous_response_id through the store", () => {
  it("continues a chain of responses with every earlier turn, stream or not", async () => {
    const store = new ResponseStore();
    await turn(store, "resp_1", { input: "Pick a prime below 50." }, "47");
    const second = await turn(
      store,
      "resp_2",
      { input: "Multiply it by 2", previous_response_id: "resp_1" },
      "94",
      true,
    );
    expect(texts(second)).toEqual(["Pick a prime below 50.", "47", "Multiply it by 2"]);
    const third = await turn(
      store,
      "resp_3",
      { input: "And halve it?", previous_response_id: "resp_2" },
      "47",
    );
    expect(texts(third)).toEqual(["Pick a prime below 50.", "47", "Multiply it by 2", "94", "And halve it?"]);
  });

  it("does not keep a response sent with store:false, and then says so instead of starting over", async () => {
    const store = new ResponseStore();
    await turn(store, "resp_1", { input: "Remember 7.", store: false }, "OK");
    await expect(
      turn(store, "resp_2", { input: "Which number?", previous_response_id: "resp_1" }, "?"),
    ).rejects.toThrow(/resp_1.*store:false/);
  });

  it("forgets an evicted response: the chain then fails loudly (404)", async () => {
    const store = new ResponseStore(1);
    await turn(store, "resp_1", { input: "a" }, "A");
    await turn(store, "resp_2", { input: "b" }, "B");
    await expect(
      turn(store, "resp_3", { input: "c", previous_response_id: "resp_1" }, "C"),
    ).rejects.toMatchObject({
      status: 404,
    });
    await expect(
      turn(store, "resp_3", { input: "c", previous_response_id: "resp_2" }, "C"),
    ).resolves.toBeDefined();
  });
});
