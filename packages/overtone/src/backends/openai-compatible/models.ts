/**
 * What an OpenAI-compatible server serves and what make it is. `GET /v1/models` answers everywhere
 * (`{"object":"list","data":[{"id","owned_by",…}]}`); llama-server adds `meta` (`n_vocab`, `n_ctx_train`, …)
 * and says `owned_by: "llamacpp"`, vLLM says `owned_by: "vllm"` and `max_model_len`. llama-server's
 * `GET /props` shows the model's own chat template (reference/wire 036), which we classify: a gpt-oss GGUF
 * whose template is not Harmony is the most common reason channels, effort and tools fail.
 */
import { classifyChatTemplate } from "@overtone/gguf";
import type { ModelInfo } from "../contract.js";
import { type GptOssFlavor, looksLikeGptOss } from "../gpt-oss-profile.js";

type Json = Record<string, unknown>;

/** The make a `/v1/models` answer reveals (`openai` when it does not). */
export function flavorFromModels(answer: unknown): GptOssFlavor {
  const data = (answer as { data?: Json[] } | undefined)?.data ?? [];
  for (const model of data) {
    const owner = String(model.owned_by ?? "").toLowerCase();
    if (owner === "llamacpp" || model.meta !== undefined) return "llama-server";
    if (owner === "vllm" || "max_model_len" in model) return "vllm";
    if (owner === "ollama" || owner === "library") return "ollama-openai";
    if (owner === "organization_owner" || "compatibility_type" in model) return "lmstudio";
  }
  return "openai";
}

export function modelsFromAnswer(answer: unknown, props?: Json): ModelInfo[] {
  const data = (answer as { data?: Json[] } | undefined)?.data ?? [];
  return data.map((model) => {
    const id = String(model.id);
    const meta = (model.meta ?? undefined) as Json | undefined;
    const nVocab = typeof meta?.n_vocab === "number" ? meta.n_vocab : undefined;
    const contextLength =
      typeof model.max_model_len === "number"
        ? model.max_model_len
        : typeof propsContext(props) === "number"
          ? propsContext(props)
          : typeof meta?.n_ctx_train === "number"
            ? meta.n_ctx_train
            : undefined;
    const info: ModelInfo = {
      id,
      gptOss: looksLikeGptOss(id, nVocab !== undefined ? { nVocab } : {}),
      details: { ...model },
    };
    if (contextLength !== undefined) info.contextLength = contextLength;
    if (props !== undefined) {
      const template = props.chat_template;
      info.template = classifyChatTemplate(
        typeof template === "string" && template !== "" ? template : undefined,
      );
      info.details = {
        ...info.details,
        build_info: props.build_info,
        chat_template_caps: props.chat_template_caps,
      };
    }
    return info;
  });
}

/** The context size the server runs with (`default_generation_settings.n_ctx`), not the model's maximum. */
function propsContext(props: Json | undefined): number | undefined {
  const settings = props?.default_generation_settings as Json | undefined;
  return typeof settings?.n_ctx === "number" ? settings.n_ctx : undefined;
}

/** True when the server's model has gpt-oss's vocabulary, so token ids we render mean the same to it. */
export function hasHarmonyVocabulary(models: readonly ModelInfo[], model: string | undefined): boolean {
  const chosen = model === undefined ? models[0] : (models.find((m) => m.id === model) ?? models[0]);
  const meta = chosen?.details?.meta as Json | undefined;
  return typeof meta?.n_vocab === "number" ? looksLikeGptOss("", { nVocab: meta.n_vocab }) : false;
}
