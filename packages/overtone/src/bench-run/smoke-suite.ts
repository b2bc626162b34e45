/**
 * `smoke`: the smallest suite, for checking that a ladder runs at all before committing hours to it (and for the
 * offline example ladder, examples/ladder.yaml). Report 004's own smoke test ("Say hello in one sentence", the
 * call that came back empty from gpt-oss on the wrong API) and a one-number sum; the only check is that an answer
 * came, so an empty answer — and its cause, in the record — is what this suite catches.
 */
import { conversation, message, systemContent, systemMessage } from "@overtone/harmony";
import { type BenchCase, type BenchSuite, verdict } from "./suite.js";

function smokeCase(id: string, text: string): BenchCase {
  return {
    id,
    promptVersion: `smoke-${id}@v1`,
    input: { text },
    conversation: conversation([systemMessage(systemContent()), message("user", text)]),
    async check(output) {
      return verdict(output.answer.trim() === "" ? ["no answer came (see empty_answer_cause)"] : []);
    },
  };
}

export function smokeSuite(): BenchSuite {
  return {
    name: "smoke",
    cases: [smokeCase("hello", "Say hello in one sentence."), smokeCase("sum", "What is 2 plus 3?")],
  };
}
