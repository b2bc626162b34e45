import {
  conversation,
  developerMessage,
  encodeOrdinary,
  message,
  renderConversationForCompletion,
  systemContent,
  systemMessage,
} from "@overtone/harmony";
import { SeededRandom } from "@overtone/makers";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type CorpusExample,
  corpusExample,
  corpusVocabulary,
  DATA_AGENT_MIX,
  generateCorpus,
  HARMONY_SPECIAL_TOKENS,
  heldOutCases,
} from "./corpus.js";
import { corpusStats, median } from "./corpus-stats.js";
import { checkToolArguments } from "./json-schema.js";
import { corpusTool } from "./tool-pool.js";

const SEED = 1;
let train: CorpusExample[];
let heldOut: CorpusExample[];

beforeAll(() => {
  train = generateCorpus({ seed: SEED, count: 20_000, split: "train" });
  heldOut = generateCorpus({ seed: SEED, count: 1_000, split: "heldout" });
});

const idsOf = (examples: readonly CorpusExample[]) => {
  const ids = new Set<number>();
  for (const e of examples) for (const id of e.tokens) ids.add(id);
  return ids;
};

describe("generateCorpus", () => {
  it("is deterministic by seed, differs across seeds, and a smaller count is a prefix", () => {
    const a = generateCorpus({ seed: 7, count: 60, split: "train" });
    const b = generateCorpus({ seed: 7, count: 60, split: "train" });
    expect(b.map((e) => [...e.tokens])).toEqual(a.map((e) => [...e.tokens]));
    expect(b.map((e) => [...e.lossMask])).toEqual(a.map((e) => [...e.lossMask]));
    const other = generateCorpus({ seed: 8, count: 60, split: "train" });
    expect(other.map((e) => [...e.tokens])).not.toEqual(a.map((e) => [...e.tokens]));
    const prefix = generateCorpus({ seed: 7, count: 20, split: "train" });
    expect(prefix.map((e) => [...e.tokens])).toEqual(a.slice(0, 20).map((e) => [...e.tokens]));
    expect(() => generateCorpus({ seed: 7, count: -1, split: "train" })).toThrow(/count/);
  });

  it("makes reasoning longer with effort: each step's median analysis at least twice the one before", () => {
    const { analysisMedian } = corpusStats(train);
    expect(analysisMedian.medium).toBeGreaterThanOrEqual(2 * analysisMedian.low);
    expect(analysisMedian.high).toBeGreaterThanOrEqual(2 * analysisMedian.medium);
    // Also within each kind of turn, so no category mix can fake the trend.
    for (const category of ["tool", "arithmetic", "conversion", "capital", "string"] as const) {
      const of = (effort: string) =>
        median(
          train.filter((e) => e.category === category && e.effort === effort).map((e) => e.analysisTokens),
        );
      expect(of("medium"), category).toBeGreaterThanOrEqual(1.5 * of("low"));
      expect(of("high"), category).toBeGreaterThanOrEqual(1.5 * of("medium"));
    }
  });

  it("keeps examples short and the token set small", () => {
    const stats = corpusStats(train);
    expect(stats.length.median).toBeLessThan(260);
    expect(stats.length.over300 / stats.examples).toBeLessThan(0.2);
    expect(stats.distinctIds).toBeLessThan(3000);
    expect(stats.toolCalls / stats.examples).toBeGreaterThan(0.25);
  });
});

describe("the held-out split", () => {
  it("shares no template fill with the train split", () => {
    const trainFills = new Set(train.map((e) => e.fill));
    const shared = heldOut.filter((e) => trainFills.has(e.fill));
    expect(shared.map((e) => e.fill)).toEqual([]);
    expect(new Set(heldOut.map((e) => e.fill)).size).toBeGreaterThan(300);
  });

  it("uses only tokens the train split uses, prompts and expected turns alike", () => {
    const trainIds = idsOf(train);
    const unseen = [...idsOf(heldOut)].filter((id) => !trainIds.has(id));
    expect(unseen).toEqual([]);
  });

  it("gives cases whose prompts are the held-out examples' prompts, with checkable expectations", () => {
    const cases = heldOutCases({ seed: SEED, count: 300 });
    expect(heldOutCases({ seed: SEED, count: 100 })).toEqual(cases.slice(0, 100));
    let tools = 0;
    cases.forEach((c, i) => {
      const example = heldOut[i] as CorpusExample;
      const prompt = renderConversationForCompletion(c.conversation, "assistant");
      expect(prompt).toEqual([...example.tokens.subarray(0, example.promptLength)]);
      expect(c.expected).toEqual(example.expected);
      const developer = c.conversation.messages.find((m) => m.author.role === "developer");
      const listed = developer?.content.flatMap((part) =>
        part.type === "developer_content" ? (part.tools?.functions?.tools ?? []) : [],
      );
      const expected = c.expected;
      if (expected.kind === "tool") {
        tools++;
        const declaration = listed?.find((t) => t.name === expected.tool);
        expect(declaration, c.fill).toBeDefined();
        if (declaration === undefined) return;
        const args = JSON.stringify(expected.arguments);
        expect(checkToolArguments(declaration, args).ok).toBe(true);
        expect(checkToolArguments(corpusTool(expected.tool), args).ok).toBe(true);
        expect(expected.result).toContain(expected.resultMentions);
      } else if (c.category === "tool") {
        // A tool question without its tool listed: the expected answer says it cannot check.
        expect(listed?.some((t) => t.name === c.fill.split("|")[0])).not.toBe(true);
      }
    });
    expect(tools).toBeGreaterThan(60);
  });

  it("ends tool turns in a final answer that contains the result's key value", () => {
    const rng = new SeededRandom(SEED, 99);
    for (let i = 0; i < 300; i++) {
      const e = corpusExample(rng, "heldout");
      const final = e.conversation.messages.at(-1);
      expect(final?.channel).toBe("final");
      const text = final?.content[0]?.type === "text" ? final.content[0].text : "";
      if (e.expected.kind === "tool") expect(text).toContain(e.expected.resultMentions);
      else expect(text).toContain(e.expected.answerContains);
    }
  });
});

describe("the deciding token of a tool question", () => {
  it('is the trained "use" of a call or "no" of a refusal, right after the topic', () => {
    const [use, no] = [encodeOrdinary(" use")[0], encodeOrdinary(" no")[0]];
    const seen = { use: 0, no: 0 };
    for (const e of train.slice(0, 3_000)) {
      if (e.category !== "tool") {
        expect(e.decisionIndex).toBe(-1);
        continue;
      }
      expect(e.decisionIndex).toBeGreaterThanOrEqual(e.promptLength);
      expect(e.lossMask[e.decisionIndex]).toBe(1);
      expect(e.tokens[e.decisionIndex]).toBe(e.expected.kind === "tool" ? use : no);
      seen[e.expected.kind === "tool" ? "use" : "no"]++;
    }
    // Both outcomes are common enough to learn from.
    expect(seen.use).toBeGreaterThan(300);
    expect(seen.no).toBeGreaterThan(100);
  });
});

describe("corpusVocabulary", () => {
  it("is the sorted union of every id the corpus renders plus Harmony's special tokens", () => {
    const vocabulary = corpusVocabulary({ seed: SEED, trainCount: 2_000, heldOutCount: 200 });
    const expected = idsOf([
      ...generateCorpus({ seed: SEED, count: 2_000, split: "train" }),
      ...generateCorpus({ seed: SEED, count: 200, split: "heldout" }),
    ]);
    for (const id of HARMONY_SPECIAL_TOKENS) expected.add(id);
    expect([...vocabulary]).toEqual([...expected].sort((a, b) => a - b));
  });
});

describe("the `overtone run --model toy --tools weather.json` demo", () => {
  it("trains on prompts shaped like it: the weather tool alone, no instructions, the same phrasing", () => {
    const rng = new SeededRandom(SEED, 3);
    let alike = 0;
    for (let i = 0; i < 3_000; i++) {
      const { conversation: conv, expected } = corpusExample(rng, "train");
      const [system, developer, user] = conv.messages;
      const content = developer?.content[0];
      const onlyWeather =
        content?.type === "developer_content" &&
        content.instructions === undefined &&
        content.tools?.functions?.tools.length === 1 &&
        content.tools.functions.tools[0]?.name === "get_weather";
      const text = user?.content[0]?.type === "text" ? user.content[0].text : "";
      if (
        system?.author.role === "system" &&
        onlyWeather &&
        /^What's the weather in [A-Z][a-z ]+\?$/.test(text)
      ) {
        expect(expected.kind).toBe("tool");
        alike++;
      }
    }
    expect(alike).toBeGreaterThan(3);
  });

  it("uses only trained tokens in the prompt it builds today", () => {
    const trained = idsOf(train);
    const prompt = renderConversationForCompletion(
      conversation([
        systemMessage(systemContent({ conversation_start_date: "2026-11-22" })),
        developerMessage({ tools: { functions: { name: "functions", tools: [corpusTool("get_weather")] } } }),
        message("user", "What's the weather in Paris?"),
      ]),
      "assistant",
    );
    expect(prompt.filter((id) => !trained.has(id))).toEqual([]);
  });
});

describe("the data-agent mix (issue 15's retrain)", () => {
  it("puts the data agent's job in every sixth example, within the recipe's length, the general mix unchanged", () => {
    const mixed = generateCorpus({ seed: SEED, count: 1_200, split: "train", mix: DATA_AGENT_MIX });
    const data = mixed.filter((e) => e.category === "data");
    expect(data.length).toBe(200);
    expect(mixed.every((e, i) => (e.category === "data") === (i % 6 === 5))).toBe(true);
    expect(Math.max(...data.map((e) => e.tokens.length))).toBeLessThanOrEqual(1_024);
    for (const e of data) expect(e.expected).toMatchObject({ kind: "tool", tool: "query" });
    const of = (effort: string) =>
      median(data.filter((e) => e.effort === effort).map((e) => e.analysisTokens));
    expect(of("medium")).toBeGreaterThanOrEqual(1.5 * of("low"));
    expect(of("high")).toBeGreaterThanOrEqual(1.5 * of("medium"));
    // Without restyling the general examples are the shipped corpus's, in order.
    const plain = generateCorpus({
      seed: SEED,
      count: 1_200,
      split: "train",
      mix: { dataEvery: 6, restyledShare: 0 },
    });
    const general = plain.filter((e) => e.category !== "data");
    expect(general.map((e) => e.fill)).toEqual(train.slice(0, general.length).map((e) => e.fill));
  });
});
