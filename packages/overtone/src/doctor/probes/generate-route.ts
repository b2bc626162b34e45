/**
 * `generate-route` (Ollama): the same questions through plain `/api/generate` and through `/api/chat`, N tries
 * each, as an ordinary client sends them (no `think`, T=0.2 as in field report 004), and the empty-answer rate
 * of each. gpt-oss's reasoning comes back in `thinking`, the answer in `response`: a client that reads only
 * `response` sees "" whenever the turn is all reasoning — cut by the context, or simply not finished — which
 * is report 004's "4 empty answers in 5". Named as such when `response` is empty while `thinking` is full.
 */
import { BackendError } from "@overtone/errors";
import { httpRequest } from "../../net/http.js";
import { ollamaModelfileFix } from "../fixes.js";
import type { Probe, ProbeContext } from "../probe.js";
import { questionAt } from "../probe-prompts.js";
import { unjudgeable } from "./channels.js";

interface RouteTry {
  answer: string;
  thinking: string;
  doneReason?: string;
}

export const generateRouteProbe: Probe = {
  id: "generate-route",
  quick: false,
  behavioural: true,
  after: ["channels"],
  appliesTo: (target) => target.kind === "ollama" || "only Ollama has a plain generate route (/api/generate)",
  async run(context) {
    const gate = unjudgeable(context.earlier("channels"));
    if (gate !== undefined) return gate;
    const tries = Math.max(1, context.tries);
    const generate: RouteTry[] = [];
    const chat: RouteTry[] = [];
    for (let i = 0; i < tries; i++) {
      const question = questionAt(i).question;
      generate.push(await ask(context, "/api/generate", { prompt: question }));
      chat.push(await ask(context, "/api/chat", { messages: [{ role: "user", content: question }] }));
    }
    const empty = (tries: RouteTry[]) => tries.filter((t) => t.answer.trim() === "");
    const thinkingOnly = (tries: RouteTry[]) => empty(tries).filter((t) => t.thinking.trim() !== "");
    const cut = [...empty(generate), ...empty(chat)].filter((t) => t.doneReason === "length").length;
    const evidence = {
      sent: { options: { temperature: 0.2 }, questions: generate.map((_, i) => questionAt(i).question) },
      generate: {
        empty: empty(generate).length,
        thinkingOnly: thinkingOnly(generate).length,
        of: tries,
        tries: generate.map(cut240),
      },
      chat: {
        empty: empty(chat).length,
        thinkingOnly: thinkingOnly(chat).length,
        of: tries,
        tries: chat.map(cut240),
      },
    };
    const rates = `generate ${empty(generate).length}/${tries} empty, chat ${empty(chat).length}/${tries} empty`;
    if (empty(generate).length === 0 && empty(chat).length === 0) {
      return { status: "pass", summary: `every answer non-empty (${rates})`, evidence };
    }
    const named =
      thinkingOnly(generate).length + thinkingOnly(chat).length > 0
        ? `: \`response\` empty while \`thinking\` is full in ${thinkingOnly(generate).length + thinkingOnly(chat).length} (report 004's failure — the reasoning came back, the answer never did${cut > 0 ? `; ${cut} cut by the context, finish: length` : ""})`
        : "";
    return {
      status: "fail",
      summary: `empty answers (${rates})${named}`,
      evidence,
      fix: {
        ...ollamaModelfileFix(context.target),
        description: `read \`thinking\` apart from \`response\` and give the context room (num_ctx ≥ 8192): ${ollamaModelfileFix(context.target).description}`,
      },
    };
  },
};

async function ask(context: ProbeContext, path: string, fields: Record<string, unknown>): Promise<RouteTry> {
  const url = `${context.target.root}${path}`;
  const response = await httpRequest(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: context.target.model, ...fields, options: { temperature: 0.2 } }),
    signal: context.signal,
  });
  const text = await response.text();
  if (!response.ok) {
    throw new BackendError(`${path} answered HTTP ${response.status}: ${text.slice(0, 200)}`, {
      url,
      status: response.status,
      retryable: false,
      hint: "check the model name (--model) and that Ollama serves it",
    });
  }
  const result: RouteTry = { answer: "", thinking: "" };
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const chunk = JSON.parse(line) as Record<string, unknown>;
    const message = (chunk.message ?? {}) as Record<string, unknown>;
    result.answer += String(chunk.response ?? message.content ?? "");
    result.thinking += String(chunk.thinking ?? message.thinking ?? "");
    if (typeof chunk.done_reason === "string") result.doneReason = chunk.done_reason;
  }
  return result;
}

function cut240(t: RouteTry): RouteTry {
  return { ...t, answer: t.answer.slice(0, 240), thinking: t.thinking.slice(0, 240) };
}
