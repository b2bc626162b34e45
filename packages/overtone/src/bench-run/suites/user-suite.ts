/**
 * A user's suite in YAML (issue 16 item 3), read and checked as a whole before anything runs:
 *
 * ```yaml
 * name: capitals
 * prompt_version: v2              # recorded as capitals@v2 on every case
 * system: You are a geography tutor.     # the model identity (system message), optional
 * developer: Answer in one short sentence.   # the instructions (the one developer message), optional
 * effort: low                      # optional: low | medium | high
 * max_tokens: 512                  # optional
 * cases:
 *   - id: france
 *     prompt: What is the capital of {{country}}?     # or messages: [{role: user, content: …}, …]
 *     vars: { country: France }
 *     assert:
 *       - { type: contains, value: Paris }
 *       - { type: model-graded, value: "Names Paris and nothing false." }
 * ```
 *
 * The conversation is one system and one developer message (gpt-oss keeps only the first of each), then the
 * case's messages. Each assertion is compiled by assertions.ts; a case succeeds when all of them pass.
 */
import { readFile } from "node:fs/promises";
import { fileSystemError } from "@overtone/errors";
import {
  type Conversation,
  conversation,
  developerContent,
  developerMessage,
  type Message,
  message,
  systemContent,
  systemMessage,
} from "@overtone/harmony";
import type { Effort } from "../../backends/contract.js";
import { parseYamlText } from "../../yaml/parse-yaml.js";
import { type BenchCase, type BenchSuite, verdict } from "../suite.js";
import { type Assertion, compileAssertion } from "./assertions.js";
import type { GraderOptions } from "./model-graded.js";
import { SuiteFilePath } from "./suite-file-path.js";

export interface LoadUserSuiteOptions {
  /** The grader of `model-graded` assertions; a suite that has one fails to load without it. */
  grader?: GraderOptions;
}

const SUITE_KEYS = ["name", "prompt_version", "system", "developer", "effort", "max_tokens", "cases"];
const CASE_KEYS = ["id", "prompt", "messages", "vars", "assert"];
const EFFORTS: readonly Effort[] = ["low", "medium", "high"];
const HARMONY_EFFORT = { low: "Low", medium: "Medium", high: "High" } as const;

export async function loadUserSuite(file: string, options: LoadUserSuiteOptions = {}): Promise<BenchSuite> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw fileSystemError(error, file, "read", { where: file });
  }
  const root = parseYamlText(text, file);
  const at = new SuiteFilePath(file);
  const top = at.object(root, SUITE_KEYS);
  const name = at.to("name").string(top.name);
  const version =
    top.prompt_version === undefined ? "v1" : at.to("prompt_version").string(String(top.prompt_version));
  const effort = top.effort === undefined ? undefined : at.to("effort").oneOf(top.effort, EFFORTS);
  const shared = {
    promptVersion: `${name}@${version}`,
    head: headMessages(top, at, effort),
    ...(effort !== undefined ? { effort } : {}),
    ...(top.max_tokens !== undefined
      ? { maxTokens: at.to("max_tokens").positiveInteger(top.max_tokens) }
      : {}),
  };
  const entries = at.to("cases").list(top.cases);
  if (entries.length === 0) throw at.to("cases").fail("is empty", "add at least one case");
  const ids = new Set<string>();
  const cases: BenchCase[] = [];
  for (const [i, entry] of entries.entries()) {
    const one = await userCase(entry, at.to("cases").to(i), shared, options);
    if (ids.has(one.id))
      throw at.to("cases").to(i).to("id").fail(`"${one.id}" is used twice`, "give each case its own id");
    ids.add(one.id);
    cases.push(one);
  }
  return { name, cases };
}

function headMessages(
  top: Record<string, unknown>,
  at: SuiteFilePath,
  effort: Effort | undefined,
): Message[] {
  const system = systemContent({
    reasoning_effort: HARMONY_EFFORT[effort ?? "medium"],
    conversation_start_date: new Date().toISOString().slice(0, 10),
    ...(top.system !== undefined ? { model_identity: at.to("system").string(top.system) } : {}),
  });
  const head = [systemMessage(system)];
  if (top.developer !== undefined) {
    head.push(developerMessage(developerContent({ instructions: at.to("developer").string(top.developer) })));
  }
  return head;
}

interface SharedCaseFields {
  promptVersion: string;
  head: Message[];
  effort?: Effort;
  maxTokens?: number;
}

async function userCase(
  entry: unknown,
  at: SuiteFilePath,
  shared: SharedCaseFields,
  options: LoadUserSuiteOptions,
): Promise<BenchCase> {
  const fields = at.object(entry, CASE_KEYS);
  const id = at.to("id").string(String(fields.id ?? ""));
  const vars = fields.vars === undefined ? {} : varsOf(fields.vars, at.to("vars"));
  const fill = (text: string, where: SuiteFilePath) =>
    text.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (_, key: string) => {
      if (!Object.hasOwn(vars, key))
        throw where.fail(`uses {{${key}}}, which the case's vars do not set`, `add ${key}: … under vars`);
      return String(vars[key]);
    });
  const messages = caseMessages(fields, at, fill);
  const assertions: Assertion[] = [];
  const list = fields.assert === undefined ? [] : at.to("assert").list(fields.assert);
  for (const [i, item] of list.entries()) {
    assertions.push(
      await compileAssertion(item, at.to("assert").to(i), {
        suiteFile: at.file,
        fill,
        ...(options.grader !== undefined ? { grader: options.grader } : {}),
      }),
    );
  }
  // Recorded as the call's input with the vars filled in: what the model was actually asked.
  const texts = messages.map((m) => ({ role: m.author.role, content: textOf(m) }));
  const input = {
    ...(fields.prompt !== undefined ? { prompt: texts[0]?.content } : { messages: texts }),
    vars,
  };
  const conversationOf: Conversation = conversation([...shared.head, ...messages]);
  return {
    id,
    promptVersion: shared.promptVersion,
    input,
    conversation: conversationOf,
    ...(shared.effort !== undefined ? { effort: shared.effort } : {}),
    ...(shared.maxTokens !== undefined ? { maxTokens: shared.maxTokens } : {}),
    async check(output) {
      const testCase = {
        id,
        vars,
        input,
        reasoning: output.reasoning,
        toolCalls: output.toolCalls,
        finishReason: output.finishReason,
      };
      const failures: string[] = [];
      let parsedOk: boolean | null = null;
      for (const assertion of assertions) {
        const result = await assertion.run(output, testCase);
        if (result.parsedJson !== undefined) parsedOk = (parsedOk ?? true) && result.parsedJson;
        if (!result.pass) failures.push(`${assertion.label}: ${result.reason ?? "failed"}`);
      }
      return verdict(failures, { parsedOk });
    },
  };
}

function textOf(m: Message): string {
  return m.content.map((part) => ("text" in part && typeof part.text === "string" ? part.text : "")).join("");
}

function varsOf(value: unknown, at: SuiteFilePath): Record<string, string | number | boolean> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw at.fail("must be a mapping (name: value lines)");
  for (const [key, item] of Object.entries(value)) {
    if (!["string", "number", "boolean"].includes(typeof item))
      throw at.to(key).fail("must be a string, number or boolean");
  }
  return value as Record<string, string | number | boolean>;
}

/** The case's messages: its prompt as one user message, or its messages (user and assistant, a user one last). */
function caseMessages(
  fields: Record<string, unknown>,
  at: SuiteFilePath,
  fill: (text: string, where: SuiteFilePath) => string,
): Message[] {
  if ((fields.prompt === undefined) === (fields.messages === undefined)) {
    throw at.fail(
      "needs exactly one of prompt and messages",
      "prompt: for one question, messages: for a conversation",
    );
  }
  if (fields.prompt !== undefined)
    return [message("user", fill(at.to("prompt").string(fields.prompt), at.to("prompt")))];
  const list = at.to("messages").list(fields.messages);
  const out = list.map((item, i) => {
    const where = at.to("messages").to(i);
    const entry = where.object(item, ["role", "content"]);
    const role = where.to("role").oneOf(entry.role, ["user", "assistant"] as const);
    const content = fill(where.to("content").string(entry.content), where.to("content"));
    return role === "assistant"
      ? message("assistant", content, { channel: "final" })
      : message("user", content);
  });
  if (out.at(-1)?.author.role !== "user")
    throw at.to("messages").fail("must end with a user message", "the model answers the last user message");
  return out;
}
