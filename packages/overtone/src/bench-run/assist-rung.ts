/**
 * A ladder rung on `overtone assist serve` (issue 16 item 5: "the bench suites can target it"): the service's
 * own answers graded by the suites that ask the same things — diagnose, brainstorm and judge, each case's input
 * posted to its route (`/api/diagnose`, `/api/ideas/brainstorm`, `/api/ideas/judge`) and the reply turned back
 * into the text the case's check reads (the steps, the ideas, the ranking, as numbered lists). The service is
 * judged as its users meet it, over HTTP and whole (it does not stream): its first byte is the call's first
 * token, and it reports no token counts or server timings. A suite it has no route for is recorded as a failed
 * call saying so, never sent as something else.
 */
import type { Part } from "@overtone/harmony";
import { message } from "@overtone/harmony";
import type { Backend, GenerateRequest } from "../backends/contract.js";
import { httpJson } from "../net/http.js";
import type { BenchCase } from "./suite.js";

interface AssistRoute {
  path: string;
  body(input: Record<string, unknown>): unknown;
  /** The reply as the text a case's check reads. */
  answer(reply: Record<string, unknown>): string;
}

const numbered = (items: readonly string[]) => items.map((item, i) => `${i + 1}. ${item}`).join("\n");
const strings = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);

const ROUTES: Record<string, AssistRoute> = {
  diagnose: {
    path: "/api/diagnose",
    body: (input) => ({ problem: input.issue_text, ...(input.category ? { category: input.category } : {}) }),
    answer: (reply) => numbered(strings(reply.steps)),
  },
  brainstorm: {
    path: "/api/ideas/brainstorm",
    body: (input) => ({ topic: input.topic, n: input.n, creativity: input.creativity }),
    answer: (reply) => numbered(strings(reply.ideas)),
  },
  judge: {
    path: "/api/ideas/judge",
    body: (input) => ({ ideas: input.ideas, ...(input.criteria ? { criteria: input.criteria } : {}) }),
    // As the judge prompt asks a model to answer: a `Ranking:` line of idea numbers, then the ideas in order.
    answer: (reply) => {
      const ranking = (Array.isArray(reply.ranking) ? reply.ranking : []) as {
        index?: number;
        idea?: string;
      }[];
      const order = ranking.map((entry) => Number(entry.index) + 1);
      const lines = ranking.map(
        (entry, place) => `${place + 1}. Idea ${Number(entry.index) + 1}: ${entry.idea}`,
      );
      const filled =
        reply.parsedOk === false ? ["(the service filled in places its model did not name)"] : [];
      return [`Ranking: ${order.join(" > ")}`, ...lines, ...filled].join("\n");
    },
  },
};

/** The suites an assist rung can run. */
export const ASSIST_SUITES: readonly string[] = Object.keys(ROUTES);

/** The rung's backend: it only says where the service is (each call goes through `assistCaseBackend`). */
export function assistRungBackend(baseURL: string): Backend {
  return {
    kind: "assist",
    location: baseURL,
    capabilities: {
      rawPrompt: false,
      nativeHarmony: false,
      reasoningEffort: false,
      tools: false,
      logprobs: false,
    },
    async *stream(): AsyncGenerator<Part> {
      yield { type: "error", error: new Error("an assist rung answers suites' cases through their routes") };
    },
    // Reachable and answering: the rung's probe before its calls (a service that is down fails the rung's load).
    listModels: async (signal?: AbortSignal) => {
      await httpJson(`${baseURL.replace(/\/+$/, "")}/api/status`, signal !== undefined ? { signal } : {});
      return [];
    },
    close: async () => {},
  } as unknown as Backend;
}

/** A backend for one case on an assist rung: its input posted to the suite's route, the reply as an answer. */
export function assistCaseBackend(baseURL: string, suite: string, benchCase: BenchCase): Backend {
  async function* stream(request: GenerateRequest): AsyncGenerator<Part> {
    const route = ROUTES[suite];
    if (route === undefined) {
      const routes = ASSIST_SUITES.join(", ");
      yield {
        type: "error",
        error: new Error(`the assist service has no route for suite ${suite} (it has ${routes})`),
      };
      return;
    }
    const url = `${baseURL.replace(/\/+$/, "")}${route.path}`;
    let reply: Record<string, unknown>;
    try {
      // The service's answers take as long as the model does: no time limit but the call's own.
      reply = await httpJson<Record<string, unknown>>(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(route.body(benchCase.input)),
        timeoutMs: 0,
        ...(request.signal !== undefined ? { signal: request.signal } : {}),
      });
    } catch (error) {
      yield { type: "error", error: error instanceof Error ? error : new Error(String(error)) };
      return;
    }
    const text = route.answer(reply);
    const id = "assist-answer";
    yield { type: "final-start", id, role: "assistant", channel: "final" };
    if (text !== "") yield { type: "final-delta", id, delta: text };
    const whole = message("assistant", text, { channel: "final" });
    yield { type: "final-end", id, text, terminator: "return", message: whole };
    yield { type: "finish", reason: "stop" };
  }
  return { ...assistRungBackend(baseURL), stream } as unknown as Backend;
}
