/**
 * What Ollama says about its models (`/api/tags`, `/api/show`) as `ModelInfo`: whether it is gpt-oss (family
 * `gptoss`, architecture, or name), the class of its Go template (Harmony, ChatML, …; the check for field
 * report 000 — a gpt-oss model whose template is not Harmony loses Ollama's Harmony parser), its trained
 * context length, and the rest for `doctor`. Pure mapping: the requests are made by the backend.
 */
import { type ChatTemplateKind, classifyChatTemplate } from "@overtone/gguf";
import type { ModelInfo } from "../contract.js";
import { looksLikeGptOss } from "../gpt-oss-profile.js";
import type { OllamaModelDetails, OllamaShowResponse, OllamaTagsResponse } from "./wire.js";

type TagEntry = NonNullable<OllamaTagsResponse["models"]>[number];

export function modelInfoFromTag(tag: TagEntry): ModelInfo {
  const details = tag.details ?? {};
  return {
    id: tag.name,
    gptOss: isGptOss(tag.name, details),
    ...(typeof details.context_length === "number" ? { contextLength: details.context_length } : {}),
    details: compact({
      family: details.family,
      parameterSize: details.parameter_size,
      quantization: details.quantization_level,
      format: details.format,
      size: tag.size,
      digest: tag.digest,
      capabilities: tag.capabilities,
    }),
  };
}

export function modelInfoFromShow(id: string, show: OllamaShowResponse): ModelInfo {
  const details = show.details ?? {};
  const info = show.model_info ?? {};
  const architecture =
    typeof info["general.architecture"] === "string" ? info["general.architecture"] : undefined;
  const trained = architecture === undefined ? undefined : info[`${architecture}.context_length`];
  const contextLength = typeof trained === "number" ? trained : details.context_length;
  const template = templateKind(show);
  const numCtx = numCtxParameter(show.parameters);
  return {
    id,
    gptOss:
      isGptOss(id, details) || (architecture !== undefined && looksLikeGptOss("", { family: architecture })),
    ...(template !== undefined ? { template } : {}),
    ...(contextLength !== undefined ? { contextLength } : {}),
    details: compact({
      family: details.family,
      architecture,
      parameterSize: details.parameter_size,
      quantization: details.quantization_level,
      capabilities: show.capabilities,
      renderer: show.renderer,
      parser: show.parser,
      numCtx,
    }),
  };
}

/**
 * The template's class, or undefined when the server does not show one (hosted Ollama). A built-in Harmony
 * renderer or parser (newer servers) counts as Harmony whatever the Go template says.
 */
export function templateKind(show: OllamaShowResponse): ChatTemplateKind | undefined {
  if (show.renderer === "harmony" || show.parser === "harmony") return "harmony";
  if (typeof show.template !== "string") return undefined;
  return classifyChatTemplate(show.template);
}

/** `num_ctx` from the model file's parameters text (`num_ctx 32768`), if set there. */
export function numCtxParameter(parameters: string | undefined): number | undefined {
  const match = parameters === undefined ? null : /^\s*num_ctx\s+(\d+)\s*$/m.exec(parameters);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

function isGptOss(name: string, details: OllamaModelDetails): boolean {
  const families = [details.family, ...(details.families ?? [])].filter(
    (f): f is string => typeof f === "string",
  );
  return looksLikeGptOss(name) || families.some((family) => looksLikeGptOss("", { family }));
}

function compact(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined && v !== ""));
}
