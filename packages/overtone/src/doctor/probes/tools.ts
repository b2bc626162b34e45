/**
 * `tools`: a question the weather tool answers — does the model call it with a well-formed recipient
 * (`functions.get_weather`) and arguments valid against its schema, and does the answer use the result sent
 * back? The failures it names: no call at all (the template dropped the tools), a call written into the answer
 * as text, a call the server itself choked on (Ollama's HTTP 500 "error parsing tool call", ollama#12884).
 */
import { type Conversation, conversation, toolResult } from "@overtone/harmony";
import { serveConfigFix } from "../fixes.js";
import type { CheckResult, Probe } from "../probe.js";
import { askConversation, TOOL_CITIES, WEATHER_TOOL } from "../probe-prompts.js";
import { serverRenderingDifference } from "../template-compare.js";
import { generateTurn, type Turn, turnEvidence } from "../turn.js";
import { templateFix, unjudgeable } from "./channels.js";

export const toolsProbe: Probe = {
  id: "tools",
  quick: true,
  behavioural: true,
  after: ["channels"],
  async run(context) {
    const gate = unjudgeable(context.earlier("channels"));
    if (gate !== undefined) return gate;
    const rounds = [];
    for (let i = 0; i < Math.max(1, context.tries); i++) {
      const place = TOOL_CITIES[i % TOOL_CITIES.length] as (typeof TOOL_CITIES)[number];
      const asked = askConversation(`What's the weather in ${place.city}?`, [WEATHER_TOOL]);
      const call = await generateTurn(context, { conversation: asked, seed: 1 + i });
      const problem = callProblem(call, place.city);
      let answer: Turn | undefined;
      let sent = asked;
      if (problem === undefined) {
        const result = JSON.stringify({
          location: place.city,
          temperature: place.temperature,
          unit: "celsius",
          sky: place.sky,
        });
        sent = withResult(asked, call, result);
        answer = await generateTurn(context, { conversation: sent, seed: 1 + i });
      }
      // The temperature as a number of its own: "18" in "180" or "2018" is not the result used.
      const used = new RegExp(`(?<![\\d.])${place.temperature}(?![\\d])`).test(answer?.final ?? "");
      rounds.push({ city: place.city, call, problem, answer, used, sent });
    }
    const valid = rounds.filter((r) => r.problem === undefined).length;
    const used = rounds.filter((r) => r.used).length;
    const evidence = {
      tool: WEATHER_TOOL.name,
      rounds: rounds.map((r) => ({
        sent: `What's the weather in ${r.city}?`,
        call: turnEvidence(r.call),
        ...(r.problem !== undefined ? { problem: r.problem } : {}),
        ...(r.answer !== undefined ? { answer: turnEvidence(r.answer), resultUsed: r.used } : {}),
      })),
      validCalls: valid,
      resultsUsed: used,
      of: rounds.length,
    };
    if (valid === rounds.length && used === rounds.length) {
      return {
        status: "pass",
        summary: `${valid} of ${rounds.length} calls well-formed and valid, every result used in the answer`,
        evidence,
      };
    }
    if (valid === rounds.length) {
      // Calls right, results unused: on llama-server, show how its template rendered the round trip.
      const unused = rounds.find((r) => !r.used);
      const difference =
        context.target.flavor === "llama-server" && unused?.answer !== undefined
          ? await serverRenderingDifference(context, unused.sent).catch(() => undefined)
          : undefined;
      const where =
        difference === undefined
          ? ""
          : `; llama-server's template renders the tool round trip differently from Harmony from token ${difference.index}: ${JSON.stringify(difference.got)} where Harmony has ${JSON.stringify(difference.expected)}${doubleEncoded(difference.serverRendering) ? " (the tool's JSON encoded a second time: the official template's bug, llama.cpp#19520)" : ""}`;
      return {
        status: "warn",
        summary: `${valid} of ${rounds.length} calls valid, but the result was used in only ${used} of ${rounds.length} answers${where}`,
        evidence: { ...evidence, ...(difference !== undefined ? { roundTripDifference: difference } : {}) },
        ...(difference !== undefined ? { fix: templateFix(context) } : {}),
      };
    }
    const firstProblem = rounds.find((r) => r.problem !== undefined)?.problem;
    const serverError = rounds.some((r) => r.call.error !== undefined);
    const result: CheckResult = {
      status: valid * 2 < rounds.length || used === 0 ? "fail" : "warn",
      summary: `valid calls ${valid} of ${rounds.length}, results used ${used} of ${rounds.length}${firstProblem !== undefined ? `: ${firstProblem}` : ""}`,
      evidence,
      fix: serverError ? serveConfigFix(context.target) : templateFix(context),
    };
    return result;
  },
};

/** A tool's JSON written as a JSON string (`"{\"location\":…`): arguments or result passed through `|tojson` twice. */
function doubleEncoded(rendering: string): boolean {
  return /<\|message\|>"\{\\"/.test(rendering);
}

/** Repairs that mean the call came back as text (unparsed Harmony, or JSON in the answer). */
const RECOVERED_CALL = new Set(["markup-in-content", "stripped-special-tokens", "call-leaked-into-final"]);

/** What is wrong with a turn that should have called get_weather for `city`, or undefined. */
function callProblem(turn: Turn, city: string): string | undefined {
  if (turn.error !== undefined) return `the server failed on the turn: ${turn.error}`;
  // Overtone recovered a call the server left as text: every other client gets text, not a tool call.
  const recovered = turn.repairs.filter((r) => RECOVERED_CALL.has(r));
  if (recovered.length > 0 && turn.toolCalls.length > 0) {
    return `the server returned the call as text in the answer, not as a tool call (Overtone recovered it: ${recovered.join(", ")})`;
  }
  const call = turn.toolCalls[0];
  if (call === undefined) {
    return /get_weather|to=functions|"location"/.test(turn.final)
      ? "the call came back as text in the answer, not as a tool call"
      : `no tool call (answered ${JSON.stringify(turn.final.slice(0, 80))})`;
  }
  if (call.recipient !== `functions.${WEATHER_TOOL.name}`)
    return `the call names ${JSON.stringify(call.recipient)}`;
  let args: unknown;
  try {
    args = JSON.parse(call.arguments);
  } catch {
    return `the arguments are not JSON: ${call.arguments.slice(0, 80)}`;
  }
  return argumentsProblem(args, city);
}

/** get_weather's schema, checked by hand: `location` a string naming the city, `unit` one of two, nothing else. */
function argumentsProblem(args: unknown, city: string): string | undefined {
  if (typeof args !== "object" || args === null || Array.isArray(args))
    return "the arguments are not an object";
  const record = args as Record<string, unknown>;
  if (typeof record.location !== "string") return "the required argument location is missing or not a string";
  if (!record.location.toLowerCase().includes(city.toLowerCase()))
    return `location is ${JSON.stringify(record.location)}, not ${city}`;
  if (record.unit !== undefined && record.unit !== "celsius" && record.unit !== "fahrenheit")
    return `unit ${JSON.stringify(record.unit)} is not in the enum`;
  const extra = Object.keys(record).filter((k) => k !== "location" && k !== "unit");
  return extra.length > 0 ? `arguments not in the schema: ${extra.join(", ")}` : undefined;
}

function withResult(asked: Conversation, call: Turn, result: string): Conversation {
  return conversation([
    ...asked.messages,
    ...call.messages,
    toolResult(`functions.${WEATHER_TOOL.name}`, result),
  ]);
}
