/**
 * `reachable`: the backend answers, its version (llama-server's build, Ollama's `/api/version`), and the model
 * is there — with its size, quantisation and context length. It also fills in the target for the probes after it: the server's make (`/v1/models`), the
 * model when none was named (the first gpt-oss one), the GGUF file llama-server loaded (`/props` model_path),
 * and the raw `/props` or `/api/show` answers the template, sampling and context probes read.
 */
import { stat } from "node:fs/promises";
import type { ModelInfo } from "../../backends/contract.js";
import { flavorFromModels } from "../../backends/openai-compatible/models.js";
import type { CheckResult, Probe, ProbeContext } from "../probe.js";
import { describeTarget, errorMessage, serverJson } from "../target.js";

export const reachableProbe: Probe = {
  id: "reachable",
  quick: true,
  behavioural: false,
  async run(context) {
    const { target } = context;
    let models: ModelInfo[];
    const version = await serverFacts(context).catch((error: unknown) => error);
    if (version instanceof Error) return down(context, version);
    try {
      models = await context.backend.listModels(context.signal);
    } catch (error) {
      return down(context, error);
    }
    const chosen =
      target.model === undefined
        ? (models.find((m) => m.gptOss === true) ?? models[0])
        : models.find((m) => m.id === target.model || m.id === `${target.model}:latest`);
    const evidence = { reached: true, version, models: models.map((m) => m.id) };
    if (chosen === undefined) {
      const wanted = target.model ?? "a model";
      return {
        status: "fail",
        summary: `${describeTarget(target)} is up${version ? ` (${version})` : ""} but ${wanted} is not there`,
        evidence,
        fix: {
          kind: "advice",
          description: `load or pull the model; the server has: ${models.map((m) => m.id).join(", ") || "none"}`,
          ...(target.kind === "ollama" && target.model !== undefined
            ? { command: `ollama pull ${target.model}` }
            : {}),
        },
      };
    }
    target.model ??= chosen.id;
    target.facts.model = chosen;
    if (target.kind === "embedded") target.gguf ??= chosen.id;
    const facts = modelFacts(chosen);
    return {
      status: "pass",
      summary: `${describeTarget(target)} is up${version ? ` (${version})` : ""}; model present${facts ? `: ${facts}` : ""}`,
      evidence: { ...evidence, model: chosen },
    };
  },
};

/** The server's version, and the make and raw facts the later probes read (none for the embedded engine). */
async function serverFacts(context: ProbeContext): Promise<string | undefined> {
  const { target, signal } = context;
  if (target.kind === "ollama") return ollamaVersion(context);
  if (target.kind !== "openai-compatible") return undefined;
  target.flavor ??= flavorFromModels(await serverJson(target, "/v1/models", { signal }));
  if (target.flavor !== "llama-server") return undefined;
  const props = await serverJson(target, "/props", { signal }).catch(() => undefined);
  if (props === undefined) return undefined;
  target.facts.props = props;
  const path = typeof props.model_path === "string" ? props.model_path : undefined;
  // The file is only useful to the doctor when it is on this machine (a fix copies it).
  if (
    path !== undefined &&
    target.gguf === undefined &&
    (await stat(path).catch(() => undefined))?.isFile()
  ) {
    target.gguf = path;
  }
  const build = props.build_info;
  return typeof build === "string" ? `llama-server ${build}` : "llama-server";
}

/** `Ollama 0.18.0` from `/api/version`; undefined when it does not say (`/api/tags` is what proves it up). */
async function ollamaVersion({ target, signal }: ProbeContext): Promise<string | undefined> {
  const answer = await serverJson(target, "/api/version", { signal }).catch(() => undefined);
  return typeof answer?.version === "string" ? `Ollama ${answer.version}` : undefined;
}

function down(context: ProbeContext, error: unknown): CheckResult {
  const where = context.target.root ?? context.target.gguf ?? context.target.kind;
  return {
    status: "fail",
    summary: `cannot reach the ${context.target.kind} backend at ${where}: ${errorMessage(error)}`,
    evidence: { reached: false, error: errorMessage(error) },
    fix: {
      kind: "advice",
      description:
        context.target.kind === "embedded"
          ? "check the model path (--model or --gguf) and that the file is a gpt-oss GGUF"
          : `start the server, or pass its address with --url (tried ${where})`,
    },
  };
}

/** `13.8 GB, MXFP4, context 131072`, from what the backend reported. */
function modelFacts(model: ModelInfo): string {
  const details = model.details ?? {};
  const meta = (details.meta ?? {}) as Record<string, unknown>;
  const size = details.size ?? meta.size;
  const parts = [
    typeof size === "number" ? `${(size / 1e9).toFixed(size < 1e9 ? 2 : 1)} GB` : undefined,
    details.quantization ?? meta.ftype,
    details.parameterSize,
    model.contextLength !== undefined ? `context ${model.contextLength}` : undefined,
  ];
  return parts.filter((p) => p !== undefined && p !== "").join(", ");
}
