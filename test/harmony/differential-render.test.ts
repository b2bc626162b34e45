/**
 * Overtone's renderer against upstream's (the openai-harmony WASM oracle) on random conversations: the same
 * tokens in every render mode and drop configuration, and an error on our side whenever upstream errors.
 * The one exclusion: generated text has no characters newer than upstream's Unicode tables, which tokenize
 * differently (docs/harmony-upstream-differences.md §3.1; filtered in test/oracle/text-arbitraries.ts).
 */

import {
  conversationToJson,
  messageToJson,
  ROLES,
  type Role,
  renderConversation,
  renderConversationForCompletion,
  renderConversationForTraining,
  renderMessage,
} from "@overtone/harmony";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { conversation } from "../oracle/arbitraries.js";
import {
  describeTokenMismatch,
  type Outcome,
  ours,
  PROPERTY_SEED,
  RENDER_ERRORS,
  tokensEqual,
  upstream,
} from "../oracle/differential.js";
import {
  type HarmonyOracle,
  type JsonObject,
  loadHarmonyOracle,
  type OracleRenderConfig,
} from "../oracle/harmony-oracle.js";

const RUNS = Number(process.env.HARMONY_PROPERTY_RUNS ?? 2000);

let oracle: HarmonyOracle;
beforeAll(async () => {
  oracle = await loadHarmonyOracle();
  console.info(`differential-render: fast-check seed ${PROPERTY_SEED}, ${RUNS} runs`);
});

function agree(what: string, mine: Outcome<number[]>, theirs: Outcome<number[]>): void {
  if (!theirs.ok) {
    if (mine.ok) throw new Error(`${what}: upstream fails ("${theirs.error}") but Overtone renders`);
    return;
  }
  if (!mine.ok) throw new Error(`${what}: Overtone fails ("${mine.error}") but upstream renders`);
  if (!tokensEqual(mine.value, theirs.value)) {
    throw new Error(`${what}: ${describeTokenMismatch(oracle, mine.value, theirs.value)}`);
  }
}

/**
 * Upstream's conversation renders are one algorithm (src/encoding.rs): for completion = the conversation +
 * `<|start|>` + the role; for training = the conversation with a closing final answer's `<|end|>` swapped for
 * `<|return|>`. The WASM is the slow side, so it renders once per drop configuration and the other two modes
 * are cut from that by exactly those rules; Overtone renders all three independently.
 */
function upstreamModes(json: JsonObject, nextRole: Role, config: OracleRenderConfig) {
  const completion = upstream(() => oracle.renderConversationForCompletion(json, nextRole, config));
  if (!completion.ok) return { completion, conversation: completion, training: completion };
  const suffix = [200006, ...oracle.encodeWithSpecialTokens(nextRole)];
  const tokens = completion.value.slice(0, completion.value.length - suffix.length);
  const messages = json.messages as JsonObject[];
  const last = messages[messages.length - 1];
  const training = [...tokens];
  if (last?.role === "assistant" && last.channel === "final" && training.length > 0)
    training[training.length - 1] = 200002;
  return {
    completion,
    conversation: { ok: true, value: tokens } as const,
    training: { ok: true, value: training } as const,
  };
}

describe("rendering: Overtone = upstream", () => {
  it(`agrees on ${RUNS} random conversations in every mode and drop configuration`, () => {
    fc.assert(
      fc.property(
        conversation,
        fc.constantFrom(...ROLES),
        fc.boolean(),
        fc.nat(),
        fc.boolean(),
        (conv, nextRole, explicitDrop, pick, hasFunctionTools) => {
          const json = conversationToJson(conv);
          // Overtone's default (no config) drops like upstream's Python binding; `false` is Rust's `None`.
          const drops = [
            {
              label: explicitDrop ? "autoDropAnalysis=true" : "default config",
              mine: explicitDrop ? { autoDropAnalysis: true } : undefined,
              theirs: { autoDropAnalysis: true },
            },
            { label: "autoDropAnalysis=false", mine: { autoDropAnalysis: false }, theirs: null },
          ] as const;
          for (const { label, mine, theirs } of drops) {
            const expected = upstreamModes(json, nextRole, theirs);
            agree(
              `renderConversationForCompletion(${nextRole}) (${label})`,
              ours(RENDER_ERRORS, () => renderConversationForCompletion(conv, nextRole, mine)),
              expected.completion,
            );
            agree(
              `renderConversation (${label})`,
              ours(RENDER_ERRORS, () => renderConversation(conv, mine)),
              expected.conversation,
            );
            agree(
              `renderConversationForTraining (${label})`,
              ours(RENDER_ERRORS, () => renderConversationForTraining(conv, mine)),
              expected.training,
            );
          }
          // One message alone, with the function-tools line on or off (every message is in the renders above).
          const i = pick % Math.max(1, conv.messages.length);
          const message = conv.messages[i];
          if (message === undefined) return;
          const options = { conversationHasFunctionTools: hasFunctionTools };
          agree(
            `renderMessage(messages[${i}], ${JSON.stringify(options)})`,
            ours(RENDER_ERRORS, () => renderMessage(message, options)),
            upstream(() => oracle.render(messageToJson(message), options)),
          );
        },
      ),
      { seed: PROPERTY_SEED, numRuns: RUNS },
    );
  });

  it("cuts the other modes from upstream's completion render exactly as upstream renders them", () => {
    const json = conversationToJson({
      messages: [
        { author: { role: "user" }, content: [{ type: "text", text: "2+2?" }] },
        { author: { role: "assistant" }, channel: "analysis", content: [{ type: "text", text: "easy" }] },
        { author: { role: "assistant" }, channel: "final", content: [{ type: "text", text: "4" }] },
      ],
    });
    for (const config of [{ autoDropAnalysis: true }, null]) {
      const modes = upstreamModes(json, "developer", config);
      expect(modes.conversation).toEqual({ ok: true, value: oracle.renderConversation(json, config) });
      expect(modes.training).toEqual({ ok: true, value: oracle.renderConversationForTraining(json, config) });
    }
  });

  it("sees upstream's errors (the property above can fail)", () => {
    const nameless = { author: { role: "tool" as const }, content: [{ type: "text" as const, text: "x" }] };
    expect(upstream(() => oracle.render(messageToJson(nameless)))).toEqual({
      ok: false,
      error: "Tools should have a name!",
    });
    expect(ours(RENDER_ERRORS, () => renderMessage(nameless)).ok).toBe(false);
  });
});
