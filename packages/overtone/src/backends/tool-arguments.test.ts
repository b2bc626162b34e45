import { describe, expect, it } from "vitest";
import { repairArguments } from "./tool-arguments.js";

describe("repairArguments", () => {
  it("passes valid JSON on unchanged, pretty-printed included", () => {
    expect(repairArguments('{"city":"Paris"}', "get_weather")).toEqual({ text: '{"city":"Paris"}' });
    const pretty = '{\n"javascript": "console.log(1);",\n"timeout_seconds": 5\n}';
    expect(repairArguments(pretty, "run_javascript")).toEqual({ text: pretty });
  });

  it("cuts what follows the arguments (a stray bracket, markup) and unwraps a one-element array", () => {
    expect(repairArguments('{"input":"x"}]', "apply_patch")).toEqual({
      text: '{"input":"x"}',
      repair: { kind: "arguments-repaired", detail: "trailing text cut: ]" },
    });
    expect(repairArguments('[{"input":"x"}]', "apply_patch").text).toBe('{"input":"x"}');
    expect(repairArguments('{"a":1}<|call|>', "f").text).toBe('{"a":1}');
  });

  it("closes what a cut-off call left open, dropping a key without its value", () => {
    expect(repairArguments('{"path":"a.txt","content":"hel', "write").text).toBe(
      '{"path":"a.txt","content":"hel"}',
    );
    expect(repairArguments('{"a":{"b":[1,2', "f")).toEqual({
      text: '{"a":{"b":[1,2]}}',
      repair: { kind: "arguments-repaired", detail: "closed 3 bracket(s)" },
    });
    expect(repairArguments('{"a":1,"b"', "f").text).toBe('{"a":1}');
    expect(repairArguments('{"list":["x","y', "f").text).toBe('{"list":["x","y"]}');
  });

  it("escapes raw control characters in strings, removes code fences and leading words", () => {
    expect(repairArguments('{"code":"line 1\nline 2"}', "f").text).toBe('{"code":"line 1\\nline 2"}');
    expect(repairArguments('```json\n{"a":1}\n```', "f").text).toBe('{"a":1}');
    expect(repairArguments('Arguments: {"a":1}', "f")).toEqual({
      text: '{"a":1}',
      repair: { kind: "arguments-repaired", detail: "text before the JSON cut: Arguments:" },
    });
  });

  it("unwraps a call written out whole, gives {} for no arguments", () => {
    expect(repairArguments('{"name":"Write","parameters":{"file_path":"a.ts"}}', "Write")).toEqual({
      text: '{"file_path":"a.ts"}',
      repair: { kind: "arguments-repaired", detail: '{"name","parameters"} unwrapped' },
    });
    // Only for the tool called: a `name` argument of another tool stays.
    expect(repairArguments('{"name":"x","arguments":{}}', "create_user")).toEqual({
      text: '{"name":"x","arguments":{}}',
    });
    expect(repairArguments("", "list_files")).toEqual({
      text: "{}",
      repair: { kind: "arguments-repaired", detail: "no arguments: {}" },
    });
  });

  it("names what cannot be made JSON and passes it on unchanged", () => {
    expect(repairArguments("ls -R\n", "bash")).toEqual({
      text: "ls -R\n",
      repair: { kind: "arguments-not-json", detail: "ls -R\n" },
    });
    expect(repairArguments("{not json at all}", "f").repair?.kind).toBe("arguments-not-json");
  });
});
