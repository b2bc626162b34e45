/**
 * `template`: the chat template the backend renders gpt-oss conversations with, read where the backend shows it
 * (llama-server `/props`, Ollama `/api/show`, the GGUF's metadata) and classified; on llama-server a known
 * conversation rendered by `/apply-template` is compared token by token with Overtone's own rendering, and the
 * first difference shown; on Ollama the same with the prompt tokens a plain `/api/generate` returns (`context`). The embedded engine renders Harmony itself whatever the file says: a wrong template
 * there is a warning about the file (other servers would use it), not a failure here.
 */
import type { ModelInfo } from "../../backends/contract.js";
import { ggufHarmonyFix, ollamaModelfileFix, serverFlagsFix } from "../fixes.js";
import { readGgufFacts } from "../gguf-facts.js";
import type { CheckResult, Probe, ProbeContext } from "../probe.js";
import { serverJson } from "../target.js";
import {
  firstDifference,
  KNOWN_QUESTION,
  knownConversationMessages,
  type OllamaRendering,
  ollamaRendering,
  overtoneRendering,
} from "../template-compare.js";

export const templateProbe: Probe = {
  id: "template",
  quick: true,
  behavioural: false,
  async run(context) {
    const { target } = context;
    if (target.kind === "embedded") return embeddedTemplate(context);
    if (target.kind === "ollama") return ollamaTemplate(context);
    if (target.flavor === "llama-server") return llamaServerTemplate(context);
    const file = target.gguf === undefined ? undefined : await readGgufFacts(target.gguf);
    if (file !== undefined) return fileVerdict(context, file.templateKind, { gguf: file.path });
    return {
      status: "inconclusive",
      summary: `${target.flavor ?? "this server"} does not show its chat template (pass --gguf FILE to read the model file's)`,
      evidence: {},
    };
  },
};

async function embeddedTemplate({ target }: ProbeContext): Promise<CheckResult> {
  const file = target.gguf === undefined ? undefined : await readGgufFacts(target.gguf);
  const kind = file?.templateKind ?? (target.facts.model as ModelInfo | undefined)?.template ?? "missing";
  const evidence = { gguf: target.gguf, fileTemplate: kind, renderedBy: "Overtone (Harmony, exact)" };
  if (kind === "harmony") {
    return {
      status: "pass",
      summary: "the GGUF's template is Harmony (and the embedded engine renders Harmony itself)",
      evidence,
    };
  }
  return {
    status: "warn",
    summary: `the GGUF's template is ${kind}: fine here (Overtone's engine renders Harmony whatever the file says), but llama-server, Ollama and LM Studio would use it and lose channels, effort and tool calls`,
    evidence,
    ...(target.gguf !== undefined ? { fix: ggufHarmonyFix(target.gguf, "embedded") } : {}),
  };
}

async function ollamaTemplate(context: ProbeContext): Promise<CheckResult> {
  const model = context.target.facts.model as ModelInfo | undefined;
  const kind = model?.template;
  const details = model?.details ?? {};
  let rendering: OllamaRendering | undefined;
  let renderingError: string | undefined;
  try {
    // Only a model Ollama has can render anything (reachable says when it is missing).
    if (model !== undefined) rendering = await ollamaRendering(context);
  } catch (error) {
    if (context.signal.aborted) throw error;
    renderingError = error instanceof Error ? error.message : String(error);
  }
  const evidence = {
    template: kind,
    renderer: details.renderer,
    parser: details.parser,
    sent: { prompt: KNOWN_QUESTION, route: "/api/generate" },
    ...(rendering !== undefined
      ? { serverRendering: rendering.text, overtoneRendering: rendering.overtoneText }
      : {
          serverRendering: renderingError ?? "no context in the reply: Ollama's rendering cannot be compared",
        }),
    ...(rendering?.difference !== undefined ? { firstDifference: rendering.difference } : {}),
  };
  if (rendering !== undefined && rendering.difference === undefined) {
    return {
      status: "pass",
      summary: `${kind === undefined ? "" : `${kind} template; `}Ollama renders the known conversation token for token as Overtone does`,
      evidence,
    };
  }
  if (rendering?.difference !== undefined) {
    const { index, expected, got } = rendering.difference;
    const where = `first difference at token ${index}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`;
    const result = fileVerdict(context, kind ?? "other", evidence, "Ollama's");
    // A template shown as Harmony that still renders otherwise (an old or edited one) fails all the same.
    const summary =
      result.status === "pass"
        ? `Ollama's template is Harmony but renders the known conversation differently from Harmony: ${where}`
        : `${result.summary}; ${where}`;
    return { ...result, status: "fail", summary, fix: result.fix ?? ollamaModelfileFix(context.target) };
  }
  if (kind === undefined) {
    return {
      status: "inconclusive",
      summary:
        "Ollama neither shows this model's template nor returns the tokens of its prompt (a hosted server?)",
      evidence,
    };
  }
  return fileVerdict(context, kind, evidence, "Ollama's");
}

async function llamaServerTemplate(context: ProbeContext): Promise<CheckResult> {
  const { target, signal } = context;
  const props = (target.facts.props ?? {}) as Record<string, unknown>;
  const model = target.facts.model as ModelInfo | undefined;
  const kind = model?.template ?? "missing";
  const expected = overtoneRendering();
  const answer = await serverJson<{ prompt?: string }>(target, "/apply-template", {
    body: { messages: knownConversationMessages() },
    signal,
  });
  const got = answer.prompt ?? "";
  const difference = firstDifference(expected, got);
  const evidence = {
    template: kind,
    chatFormat: (props.default_generation_settings as { params?: { chat_format?: unknown } } | undefined)
      ?.params?.chat_format,
    sent: { messages: knownConversationMessages() },
    serverRendering: got,
    overtoneRendering: expected,
    ...(difference !== undefined ? { firstDifference: difference } : {}),
  };
  if (kind === "harmony" && difference === undefined) {
    return {
      status: "pass",
      summary:
        "Harmony template; /apply-template renders the known conversation token for token as Overtone does",
      evidence,
    };
  }
  const where =
    difference === undefined
      ? ""
      : `; first difference at token ${difference.index}: expected ${JSON.stringify(difference.expected)}, got ${JSON.stringify(difference.got)}`;
  const result = fileVerdict(context, kind === "harmony" ? "other" : kind, evidence, "llama-server's");
  return { ...result, summary: `${result.summary}${where}` };
}

/** A template class found on a server (or in the file it would load) as a check with the fix for it. */
function fileVerdict(
  { target }: ProbeContext,
  kind: string,
  evidence: Record<string, unknown>,
  whose = "the model file's",
): CheckResult {
  if (kind === "harmony") return { status: "pass", summary: `${whose} template is Harmony`, evidence };
  const make = target.kind === "ollama" ? "ollama" : (target.flavor ?? "server");
  const fix =
    target.kind === "ollama"
      ? ollamaModelfileFix(target)
      : target.gguf !== undefined
        ? ggufHarmonyFix(target.gguf, make)
        : serverFlagsFix(
            target,
            "--jinja --chat-template-file gpt-oss.jinja",
            "the official gpt-oss template",
          );
  const what = kind === "other" ? "not Harmony" : kind === "missing" ? "missing" : `${kind}, not Harmony`;
  return {
    status: "fail",
    summary: `${whose} template is ${what}: gpt-oss's channels, reasoning effort and tool calls are lost (field report 000)`,
    evidence,
    fix,
  };
}
