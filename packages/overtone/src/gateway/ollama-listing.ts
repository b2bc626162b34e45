/**
 * The bodies of Ollama's model and probe endpoints as Overtone serves them (gateway.md §4.3, rules 43–45):
 * `/api/tags`, `/api/show`, `/api/ps`, `/api/version`. Open WebUI calls all four on connecting: it keys models by
 * `model` and joins `/api/ps` by `name`, so both carry the public name; it parses `expires_at` with Python's
 * `datetime.fromisoformat`, which before 3.11 takes neither `Z` nor nanoseconds, so that date has an offset.
 *
 * Every served model is gpt-oss, so the details say what Ollama says of its own gpt-oss models (wire/007):
 * family `gptoss`, capabilities completion, tools and thinking. Facts the gateway does not know are left out or
 * empty rather than made up: `parameter_size` is read from a `20b`/`120b` in the name, else ""; the
 * quantization is "" (the backend does not say); `size` is 0 when unknown. A digest must be a stable sha256, and
 * there are no model-file bytes behind a served name, so it is the sha256 of the name.
 */
import { createHash } from "node:crypto";
import type { ServedModel } from "./protocol.js";

/**
 * The version `/api/version` reports: one after every feature this gateway serves came to Ollama (`thinking`
 * in 0.9, gpt-oss with its `think` levels and Harmony tool calls in 0.11), so a client that decides by version
 * what to send finds them all on.
 */
export const OLLAMA_COMPAT_VERSION = "0.12.0";

/** Far enough ahead to mean "stays loaded" (Ollama's `keep_alive: -1` gives a date ~290 years out). */
const NEVER_EXPIRES = "2318-01-01T00:00:00+00:00";

const FAMILY = "gptoss";
const CAPABILITIES = ["completion", "tools", "thinking"];

/** What Ollama's `/api/show` `template` holds; here there is none to show. */
const TEMPLATE_NOTE =
  "Overtone renders the Harmony prompt itself (renderer and parser: harmony); this model has no Go template.";

export interface OllamaDetails {
  parent_model: string;
  format: string;
  family: string;
  families: string[];
  parameter_size: string;
  quantization_level: string;
}

export function ollamaDetails(model: ServedModel): OllamaDetails {
  return {
    parent_model: "",
    format: "gguf",
    family: FAMILY,
    families: [FAMILY],
    parameter_size: parameterSize(model.name),
    quantization_level: "",
  };
}

/** Ollama's size label of the gpt-oss checkpoints (20.9B, 116.8B), when the name says which one it is. */
function parameterSize(name: string): string {
  if (/(^|[^0-9])120b/i.test(name)) return "116.8B";
  if (/(^|[^0-9])20b/i.test(name)) return "20.9B";
  return "";
}

/** A stable sha256 hex digest of the public name (there are no model-file bytes to hash). */
export function ollamaDigest(name: string): string {
  return createHash("sha256").update(name).digest("hex");
}

/** `GET /api/tags`: every item has both `name` and `model` (rule 44). */
export function ollamaTags(models: readonly ServedModel[]): { models: Record<string, unknown>[] } {
  return {
    models: models.map((model) => ({
      name: model.name,
      model: model.name,
      modified_at: model.since.toISOString(),
      size: model.sizeBytes ?? 0,
      digest: ollamaDigest(model.name),
      details: ollamaDetails(model),
      capabilities: CAPABILITIES,
    })),
  };
}

/**
 * `POST /api/show` (rule 45). `renderer` and `parser` say `harmony` as newer Ollama servers do for their built-in
 * gpt-oss support, so a client that checks the template (Overtone's own Ollama backend does) knows the prompt is
 * Harmony without a Go template to read.
 */
export function ollamaShow(model: ServedModel): Record<string, unknown> {
  const modelInfo: Record<string, unknown> = { "general.architecture": FAMILY };
  if (model.contextLength !== undefined) modelInfo[`${FAMILY}.context_length`] = model.contextLength;
  return {
    license: "",
    modelfile: `# Served by Overtone as ${model.name}; the prompt is rendered as Harmony by Overtone.\n`,
    parameters: "",
    template: TEMPLATE_NOTE,
    renderer: "harmony",
    parser: "harmony",
    details: ollamaDetails(model),
    model_info: modelInfo,
    capabilities: CAPABILITIES,
    modified_at: model.since.toISOString(),
  };
}

/** `GET /api/ps`: the served models, always loaded as far as a client can tell (rule 44). */
export function ollamaPs(models: readonly ServedModel[]): { models: Record<string, unknown>[] } {
  return {
    models: models.map((model) => ({
      name: model.name,
      model: model.name,
      size: model.sizeBytes ?? 0,
      digest: ollamaDigest(model.name),
      details: ollamaDetails(model),
      expires_at: NEVER_EXPIRES,
      // Unknown here (the backend does not report where the weights are); 0 is what Ollama says for CPU-only.
      size_vram: 0,
      ...(model.contextLength !== undefined ? { context_length: model.contextLength } : {}),
    })),
  };
}

/** `GET /api/version` (rule 43). */
export function ollamaVersion(): { version: string } {
  return { version: OLLAMA_COMPAT_VERSION };
}
