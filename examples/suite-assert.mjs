/**
 * A `javascript` assertion for examples/suite.yaml: the answer is one sentence. Overtone imports this file by its
 * path relative to the suite and calls its default export with the answer (final channel only) and the case
 * ({ id, vars, input, reasoning, toolCalls, finishReason }); it returns a boolean or { pass, reason }.
 */
export default function oneSentence(output, testCase) {
  const sentences = output
    .trim()
    .split(/(?<=[.!?])\s+/)
    .filter((sentence) => sentence !== "");
  if (sentences.length === 1) return true;
  return { pass: false, reason: `${sentences.length} sentences for ${testCase.id}, asked for one` };
}
