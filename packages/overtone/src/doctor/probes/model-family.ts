/**
 * `model-family`: is the model gpt-oss at all? From what the backend reports (Ollama `/api/show` family and
 * architecture, llama-server's `n_vocab` in `/v1/models`, the name) and, when the doctor can read it, the GGUF's
 * own `general.architecture`. Everything else the doctor checks assumes gpt-oss; a model that is not is no
 * failure of the set-up, but the other probes' verdicts then mean little.
 */
import type { ModelInfo } from "../../backends/contract.js";
import { readGgufFacts } from "../gguf-facts.js";
import type { Probe } from "../probe.js";

export const modelFamilyProbe: Probe = {
  id: "model-family",
  quick: true,
  behavioural: false,
  async run({ target }) {
    const model = target.facts.model as ModelInfo | undefined;
    const gguf =
      target.gguf === undefined ? undefined : await readGgufFacts(target.gguf).catch(() => undefined);
    const fromFile = gguf?.architecture;
    const evidence = {
      reported: model?.gptOss,
      ...(model?.details?.family !== undefined ? { family: model.details.family } : {}),
      ...(model?.details?.architecture !== undefined ? { architecture: model.details.architecture } : {}),
      ...(fromFile !== undefined ? { ggufArchitecture: fromFile, gguf: target.gguf } : {}),
    };
    const gptOss = fromFile !== undefined ? /^gpt-?oss$/i.test(fromFile) : model?.gptOss === true;
    if (gptOss) {
      const source = fromFile !== undefined ? `GGUF architecture ${fromFile}` : "as the backend reports it";
      return { status: "pass", summary: `gpt-oss (${source})`, evidence };
    }
    if (model === undefined && fromFile === undefined) {
      return {
        status: "inconclusive",
        summary: "the backend does not say which model family it serves",
        evidence,
      };
    }
    return {
      status: "fail",
      summary: `not a gpt-oss model (${fromFile !== undefined ? `GGUF architecture ${fromFile}` : `${model?.id ?? "model"} reports no gpt-oss family`}): Harmony does not apply`,
      evidence,
      fix: {
        kind: "advice",
        description: "use a gpt-oss model (gpt-oss-20b, gpt-oss-120b) or a fine-tune of one",
      },
    };
  },
};
