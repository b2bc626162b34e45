/**
 * The fixes the probes propose, built in one place so they read the same whichever probe found the problem:
 * the GGUF with the Harmony template (the official one, tool round trip fixed; written by `--fix` through the
 * GGUF toolkit's copy), an Ollama Modelfile and its `ollama create` line, the llama-server flags that were
 * missing, and an `overtone serve` config entry that routes the model through Overtone's own Harmony rendering.
 */
import { basename } from "node:path";
import { OLLAMA_MIN_NUM_CTX } from "../backends/gpt-oss-profile.js";
import type { Fix } from "./probe.js";
import type { DoctorTarget } from "./target.js";

/** Where `--fix` writes a repaired copy of `gguf` inside `out`. */
export function harmonyGgufName(gguf: string): string {
  return `${basename(gguf).replace(/\.gguf$/i, "")}-harmony.gguf`;
}

export function ggufHarmonyFix(gguf: string, serverKind: string): Fix {
  const name = harmonyGgufName(gguf);
  const use =
    serverKind === "llama-server"
      ? `; then serve it: llama-server --jinja -m OUT/${name}`
      : serverKind === "ollama"
        ? `; then import it: ollama create NAME -f OUT/Modelfile`
        : "";
  return {
    kind: "gguf-harmony-template",
    description: `a copy of ${basename(gguf)} with the gpt-oss (Harmony) chat template embedded — the official one with its tool round trip fixed (llama.cpp#19520) — every tensor unchanged${use}`,
    command: `overtone gguf template ${gguf} --set harmony --out OUT/${name}`,
  };
}

/**
 * A Modelfile without a TEMPLATE: Ollama then uses the GGUF's own (Harmony) Jinja template and its Harmony parser
 * (backends.md §1.6), with gpt-oss's sampling and a context that leaves room for high-effort reasoning.
 */
export function ollamaModelfileFix(target: DoctorTarget): Fix {
  const model = target.model ?? "gpt-oss:20b";
  const from = target.gguf !== undefined ? `./${harmonyGgufName(target.gguf)}` : "gpt-oss:20b";
  const name = `${model.replace(/:.*$/, "")}-harmony`;
  const modelfile = [
    `# Written by overtone doctor for ${model}: no TEMPLATE line, so Ollama uses the Harmony template of the`,
    "# model file itself and its own Harmony parser (channels, reasoning effort, tool calls).",
    `FROM ${from}`,
    "PARAMETER temperature 1",
    "PARAMETER top_p 1",
    `PARAMETER num_ctx ${OLLAMA_MIN_NUM_CTX}`,
    "",
  ].join("\n");
  return {
    kind: "ollama-modelfile",
    description: `an Ollama Modelfile for ${name} (Harmony template from the model file, T=1, top_p=1, num_ctx ${OLLAMA_MIN_NUM_CTX})`,
    command: `cd OUT && ollama create ${name} -f Modelfile`,
    files: { Modelfile: modelfile },
  };
}

/** llama-server's defaults differ from gpt-oss's; the flags that make every client's requests sample right. */
export const LLAMA_SERVER_GPT_OSS_FLAGS = "--jinja --temp 1.0 --top-p 1.0 --top-k 0 --min-p 0";

export function serverFlagsFix(target: DoctorTarget, flags: string, why: string): Fix {
  const make = target.kind === "openai-compatible" ? (target.flavor ?? "the server") : target.kind;
  return {
    kind: "server-flags",
    description: `start ${make} with ${flags} (${why})`,
    command:
      target.flavor === "vllm"
        ? `vllm serve ${target.model ?? "openai/gpt-oss-20b"} ${flags}`
        : `llama-server -m ${target.gguf ?? "MODEL.gguf"} ${flags}`,
  };
}

/**
 * An `overtone serve --config` entry for the model. Behind Overtone the route is chosen per model (the gpt-oss
 * profile): a gpt-oss model whose Ollama template is not Harmony, or any model with gpt-oss's vocabulary on
 * llama-server, is served through the raw route, where Overtone renders Harmony itself whatever template the
 * server's model file carries — so clients get channels, effort and tool calls right before the file is fixed.
 */
export function serveConfigFix(target: DoctorTarget): Fix {
  const name = (target.model ?? "gpt-oss").replace(/^.*\//, "").replace(/\.gguf$/, "");
  const backend = target.kind === "ollama" ? "ollama" : target.kind === "embedded" ? "embedded" : "openai";
  const where = target.root !== undefined ? `, url: ${target.root}` : "";
  const model = target.model !== undefined ? `, model: ${JSON.stringify(target.model)}` : "";
  const yaml = [
    "# overtone serve --config serve.yaml (written by overtone doctor)",
    "models:",
    `  - name: ${JSON.stringify(name)}`,
    "    defaults: { temperature: 1, top_p: 1 }",
    "    upstreams:",
    `      - { backend: ${backend}${where}${model} }`,
    "",
  ].join("\n");
  return {
    kind: "serve-config",
    description: `serve ${name} through Overtone, which renders the Harmony prompt itself where the server's template is wrong`,
    command: "overtone serve --config OUT/serve.yaml",
    files: { "serve.yaml": yaml },
  };
}
