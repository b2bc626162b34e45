import { HarmonyParseError, InputError } from "@overtone/errors";
import { describe, expect, it } from "vitest";
import { errorToJson, partToJson } from "./parts-json.js";

describe("errorToJson", () => {
  it("keeps the error's plain fields and the chain of causes", () => {
    const parse = new HarmonyParseError("unexpected token", { offset: 12, state: "header" });
    const io = Object.assign(new Error("ENOENT: no such file"), { code: "ENOENT" });
    const input = new InputError("cannot read conv.json", {
      where: "conv.json",
      hint: "check the path",
      cause: io,
    });
    expect(errorToJson(parse)).toEqual({
      name: "HarmonyParseError",
      message: "unexpected token",
      code: "HARMONY_PARSE",
      offset: 12,
      state: "header",
    });
    expect(partToJson({ type: "error", error: input })).toEqual({
      type: "error",
      error: {
        name: "InputError",
        message: "cannot read conv.json",
        code: "INPUT",
        hint: "check the path",
        where: "conv.json",
        cause: { name: "Error", message: "ENOENT: no such file", code: "ENOENT" },
      },
    });
  });

  it("stops following a cause chain that loops", () => {
    const a = new Error("a");
    const b = new Error("b", { cause: a });
    Object.defineProperty(a, "cause", { value: b });
    let depth = 0;
    for (let node = errorToJson(a); node.cause !== undefined; node = node.cause as typeof node) depth++;
    expect(depth).toBe(8);
  });
});
