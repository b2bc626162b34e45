/**
 * `sampling`: the defaults the backend applies to a request that sets none, against gpt-oss's (T=1, top_p=1,
 * and no top_k/min_p cut). Overtone sends gpt-oss's values with every request, so this is about the other
 * clients of the same server: llama-server defaults to T 0.8, top_k 40, top_p 0.95, min_p 0.05; Ollama to
 * T 0.8, top_p 0.9 unless the Modelfile says otherwise.
 */
import { LLAMA_SERVER_GPT_OSS_FLAGS, ollamaModelfileFix, serverFlagsFix } from "../fixes.js";
import type { CheckResult, Probe } from "../probe.js";
import { serverJson } from "../target.js";

const GPT_OSS = { temperature: 1, top_p: 1, top_k: 0, min_p: 0 };
/** Ollama's built-in defaults (api/types.go) for parameters a Modelfile does not set. */
const OLLAMA_DEFAULTS = { temperature: 0.8, top_p: 0.9, top_k: 40, min_p: 0 };

export const samplingProbe: Probe = {
  id: "sampling",
  quick: true,
  behavioural: false,
  async run({ target, signal }) {
    if (target.kind === "embedded") {
      return {
        status: "pass",
        summary: "the embedded engine samples at gpt-oss's T=1, top_p=1 unless a request says otherwise",
        evidence: GPT_OSS,
      };
    }
    let applied: Record<string, number>;
    let source: string;
    if (target.kind === "ollama") {
      const show = await serverJson<{ parameters?: string }>(target, "/api/show", {
        body: { model: target.model },
        signal,
      });
      applied = { ...OLLAMA_DEFAULTS, ...modelfileParameters(show.parameters ?? "") };
      source = "Ollama's defaults and the Modelfile's PARAMETER lines (/api/show)";
    } else if (target.flavor === "llama-server") {
      const params = (
        (target.facts.props as Record<string, unknown> | undefined)?.default_generation_settings as
          | { params?: Record<string, unknown> }
          | undefined
      )?.params;
      if (params === undefined) return unknown("llama-server did not answer /props");
      applied = pickNumbers(params, ["temperature", "top_p", "top_k", "min_p"]);
      source = "llama-server /props default_generation_settings";
    } else {
      return unknown(
        `${target.flavor ?? "this server"} does not show its sampling defaults (vLLM takes them from the model's generation_config.json)`,
      );
    }
    const wrong = Object.entries(GPT_OSS).filter(([name, want]) => {
      const value = applied[name];
      return value !== undefined && Math.abs(value - want) > 1e-6;
    });
    const evidence = { applied, gptOss: GPT_OSS, source };
    if (wrong.length === 0)
      return { status: "pass", summary: "the server's defaults are gpt-oss's (T=1, top_p=1)", evidence };
    const list = wrong
      .map(
        ([name]) =>
          `${name} ${round(applied[name] as number)} (gpt-oss: ${GPT_OSS[name as keyof typeof GPT_OSS]})`,
      )
      .join(", ");
    return {
      status: "warn",
      summary: `server defaults differ from gpt-oss's: ${list}; Overtone sends the right values, other clients get these`,
      evidence,
      fix:
        target.kind === "ollama"
          ? ollamaModelfileFix(target)
          : serverFlagsFix(target, LLAMA_SERVER_GPT_OSS_FLAGS, "gpt-oss's sampling for every client"),
    };
  },
};

function unknown(why: string): CheckResult {
  return { status: "inconclusive", summary: why, evidence: {} };
}

/** `temperature 0.7\ntop_p 0.8` (the `parameters` text of /api/show) as numbers. */
export function modelfileParameters(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const match of text.matchAll(/^\s*(temperature|top_p|top_k|min_p|num_ctx)\s+([\d.]+)\s*$/gm)) {
    out[match[1] as string] = Number(match[2]);
  }
  return out;
}

function pickNumbers(record: Record<string, unknown>, names: readonly string[]): Record<string, number> {
  return Object.fromEntries(
    names.flatMap((n) => (typeof record[n] === "number" ? [[n, record[n] as number]] : [])),
  );
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
