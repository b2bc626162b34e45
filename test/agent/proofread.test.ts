/**
 * The proofreading library (issue 15): its prompt is one system and one developer message whatever the sections,
 * long text is cut into chunks that fit and put back together byte for byte, and only the final channel comes
 * out as corrected text — the reasoning is its own event, never text. The backend here streams Harmony text the
 * way a model writes it (parsed by Overtone's own stream parser); the CLI tests run the toy and recorded traffic.
 */
import { message, type Part, partsFromText, renderMessage } from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import {
  PROOFREAD_TASK,
  type ProofreadEvent,
  proofread,
  proofreadConversation,
  splitForProofreading,
} from "../../packages/overtone/src/agent/proofread.js";
import { DEFAULT_TASK_EFFORTS } from "../../packages/overtone/src/agent/task-effort.js";
import type { Backend, GenerateRequest } from "../../packages/overtone/src/backends/contract.js";

/** A backend that answers each request with the next Harmony text, in small pieces as a model streams. */
function scripted(answers: string[]): Backend & { requests: GenerateRequest[] } {
  const requests: GenerateRequest[] = [];
  return {
    kind: "scripted",
    location: "here",
    capabilities: {} as Backend["capabilities"],
    requests,
    stream(request: GenerateRequest): AsyncIterable<Part> {
      requests.push(request);
      const text = answers.shift() ?? "";
      return partsFromText(text.match(/[\s\S]{1,3}/g) ?? [], { role: "assistant" });
    },
    listModels: async () => [],
    close: async () => undefined,
  };
}

const answer = (reasoning: string, final: string) =>
  `<|channel|>analysis<|message|>${reasoning}<|end|><|start|>assistant<|channel|>final<|message|>${final}<|return|>`;

async function events(stream: AsyncIterable<ProofreadEvent>): Promise<ProofreadEvent[]> {
  const out: ProofreadEvent[] = [];
  for await (const e of stream) out.push(e);
  return out;
}
const corrected = (es: ProofreadEvent[]) => es.map((e) => (e.type === "corrected" ? e.text : "")).join("");

describe("the proofreading prompt", () => {
  it("is one system message (effort low: the explain task) and one developer message with the three sections", () => {
    const conv = proofreadConversation("Teh cat sat.", undefined, false);
    expect(conv.messages.map((m) => m.author.role)).toEqual(["system", "developer", "user"]);
    expect(DEFAULT_TASK_EFFORTS[PROOFREAD_TASK]).toBe("low");
    const system = JSON.stringify(conv.messages[0]);
    expect(system).toContain("Low");
    const developer = JSON.stringify(conv.messages[1]);
    for (const title of ["## Task", "## Rules", "## Output format"]) expect(developer).toContain(title);
    expect(JSON.stringify(conv.messages[2])).toContain("Teh cat sat.");
  });
});

describe("splitting long text", () => {
  const tokens = (text: string) => renderMessage(message("user", text)).length;
  const rejoin = (r: ReturnType<typeof splitForProofreading>) =>
    r.before + r.chunks.map((c) => c.text + c.after).join("");

  it("keeps short text whole", () => {
    const text = "\n  First paragraph.\n\nSecond one.\n";
    const r = splitForProofreading(text);
    expect(r.chunks).toEqual([{ text: "First paragraph.\n\nSecond one.", after: "\n" }]);
    expect(rejoin(r)).toBe(text);
  });

  it("cuts at blank lines, then sentences, then spaces; every chunk fits; the text comes back byte for byte", () => {
    const paragraph = (n: number) =>
      Array.from({ length: 12 }, (_, i) => `Sentence ${i} of paragraph ${n} has some words in it.`).join(" ");
    const text = `# Title\n\n${paragraph(1)}\n\n\n${paragraph(2)}\n- a list\n- of items\n\n${"word ".repeat(300)}end\n`;
    const r = splitForProofreading(text, 60);
    expect(r.chunks.length).toBeGreaterThan(8);
    for (const c of r.chunks) expect(tokens(c.text)).toBeLessThanOrEqual(60);
    expect(rejoin(r)).toBe(text);
    // Sentences are not cut in the middle.
    expect(r.chunks.some((c) => c.text.startsWith("Sentence"))).toBe(true);
  });
});

describe("proofread", () => {
  it("streams the final channel only; reasoning is its own event; whitespace between chunks is the input's", async () => {
    const backend = scripted([
      answer("The user wrote teh; fix it.", "\nThe cat sat.\n"),
      answer("Fine as it is.", "It was happy."),
    ]);
    const text = "Teh cat sat.\n\n\nIt was happy.\n";
    const es = await events(proofread(backend, text, { chunkTokens: 12 }));
    expect(corrected(es)).toBe("The cat sat.\n\n\nIt was happy.\n");
    expect(es.filter((e) => e.type === "chunk").map((e) => e.type === "chunk" && e.original)).toEqual([
      "Teh cat sat.",
      "It was happy.",
    ]);
    const reasoning = es.map((e) => (e.type === "reasoning" ? e.text : "")).join("");
    expect(reasoning).toBe("The user wrote teh; fix it.Fine as it is.");
    expect(corrected(es)).not.toContain("user wrote");
    // Streamed: the corrected text arrives in several pieces, not at the end.
    expect(es.filter((e) => e.type === "corrected").length).toBeGreaterThan(4);
    expect(backend.requests.map((r) => r.effort)).toEqual(["low", "low"]);
  });

  it("takes the effort it is given", async () => {
    const backend = scripted([answer("ok", "Hi.")]);
    await events(proofread(backend, "Hi.", { effort: "high" }));
    expect(backend.requests[0]?.effort).toBe("high");
  });
});
