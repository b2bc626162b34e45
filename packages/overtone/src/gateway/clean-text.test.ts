import { describe, expect, it } from "vitest";
import { HARMONY_TOKENS } from "../../../../test/gateway/parts-fixtures.js";
import { functionName, MarkupFilter, withoutHarmonyMarkup } from "./clean-text.js";

/** The filter's output for `pieces`, piece by piece, then flushed. */
function filtered(pieces: string[]): string {
  const filter = new MarkupFilter();
  return pieces.map((piece) => filter.push(piece)).join("") + filter.flush();
}

describe("withoutHarmonyMarkup (rule 15)", () => {
  it("removes every Harmony special token", () => {
    for (const token of HARMONY_TOKENS) expect(withoutHarmonyMarkup(`a${token}b`)).toBe("ab");
    expect(withoutHarmonyMarkup("x<|endoftext|>y<|reserved_200013|>z<|startoftext|>")).toBe("xyz");
  });

  it("removes a whole leaked header, so no assistantfinal is left behind", () => {
    const leaked = "Hello.<|end|><|start|>assistant<|channel|>final<|message|>World";
    expect(withoutHarmonyMarkup(leaked)).toBe("Hello.World");
    expect(withoutHarmonyMarkup(leaked)).not.toContain("assistantfinal");
    expect(withoutHarmonyMarkup("<|channel|>analysis<|message|>Think.")).toBe("Think.");
    expect(
      withoutHarmonyMarkup(
        '<|start|>assistant to=functions.f<|channel|>commentary <|constrain|>json<|message|>{"a":1}<|call|>',
      ),
    ).toBe('{"a":1}');
  });

  it("leaves ordinary text alone", () => {
    for (const text of [
      "a <| b |> c",
      "<|im_start|>user",
      "the word assistantfinal without markup",
      "<|reserved_1|> is not a token",
      "if (a < b && c > d) return;",
      "",
    ]) {
      expect(withoutHarmonyMarkup(text)).toBe(text);
    }
  });

  it("does not let a header swallow the text after an end token", () => {
    expect(withoutHarmonyMarkup("<|start|>assistant<|end|>text<|message|>more")).toBe("assistanttextmore");
  });
});

describe("MarkupFilter", () => {
  it("catches a token split across deltas", () => {
    expect(filtered(["Hi<|ch", "annel|>final<|mess", "age|>there"])).toBe("Hithere");
    expect(filtered(["one<", "|end|>two"])).toBe("onetwo");
  });

  it("catches a header that arrives piece by piece", () => {
    const pieces = [
      "Hello.<|end|>",
      "<|start|>",
      "assistant",
      "<|channel|>",
      "final",
      "<|message|>",
      "World",
    ];
    expect(filtered(pieces)).toBe("Hello.World");
  });

  it("passes plain text straight through, holding back only what may become a token", () => {
    const filter = new MarkupFilter();
    expect(filter.push("a < b")).toBe("a < b");
    expect(filter.push(" and c <")).toBe(" and c ");
    expect(filter.push(" d")).toBe("< d");
    expect(filter.push("x<|")).toBe("x");
    expect(filter.flush()).toBe("<|");
  });

  it("gives up on an opener that never becomes a header, and still removes the token", () => {
    const filter = new MarkupFilter();
    expect(filter.push("<|channel|>")).toBe("");
    expect(filter.push("y".repeat(200))).toBe("y".repeat(200));
  });

  it("gives the same text as the whole-text function, however the text is split", () => {
    const text =
      "Sure<|end|><|start|>assistant<|channel|>final<|message|>: 1 < 2 and <|im_start|> stays<|return|>";
    for (let cut = 0; cut <= text.length; cut++) {
      expect(filtered([text.slice(0, cut), text.slice(cut)])).toBe(withoutHarmonyMarkup(text));
    }
    expect(filtered([...text])).toBe(withoutHarmonyMarkup(text));
  });
});

describe("functionName", () => {
  it("drops the functions namespace and whatever leaked markup follows a name (rule 15, gateway.md §6.8)", () => {
    expect(functionName("functions.get_weather")).toBe("get_weather");
    expect(functionName("functions.write_file<|channel|>commentary")).toBe("write_file");
    expect(functionName("functions.f <|constrain|>json")).toBe("f");
    expect(functionName("browser.search")).toBe("browser.search");
  });
});
