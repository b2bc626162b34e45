/**
 * Synchronous steps over a part stream, run together in one async loop. Each check a backend's stream passes
 * through (tool repairs, the tool-call check, the empty-answer notice) used to be an async generator of its own,
 * and every layer of async generator costs a part a few microtasks and promises: at the gateway's stream rates
 * (tens of thousands of parts a second) each layer took ~3 % of its throughput (bench:gateway). A step sees a
 * part and appends what it becomes — nothing while it holds parts back, several when it lets them go — so the
 * steps of one stream cost one async layer between them.
 */
import type { Part } from "@overtone/harmony";

export interface PartStep {
  /** Appends to `out` what `part` becomes. */
  push(part: Part, out: Part[]): void;
  /** The stream ended without a further part: appends what is still held. */
  end?(out: Part[]): void;
}

/**
 * `parts` through `steps` in order: what a step appends is what the next one sees. With `onThrow`, an error
 * thrown by `parts` (a request that failed before its stream began) ends the stream as the part it makes —
 * unless the stream already ended, with a finish or an error; then there is nothing left to say.
 */
export async function* throughSteps(
  parts: AsyncIterable<Part>,
  steps: readonly PartStep[],
  onThrow?: (error: unknown) => Part,
): AsyncGenerator<Part, void, undefined> {
  let ended = false;
  const scratch = new Scratch();
  try {
    // Plain loops: `yield*` over an array in an async generator wraps it in an async iterator (more promises).
    for await (const part of parts) {
      for (const out of scratch.run(part, steps)) {
        if (out.type === "finish" || out.type === "error") ended = true;
        yield out;
      }
    }
  } catch (error) {
    if (onThrow === undefined) throw error;
    if (!ended) yield onThrow(error);
    return;
  }
  for (let i = 0; i < steps.length; i++) {
    const held: Part[] = [];
    steps[i]?.end?.(held);
    for (const out of scratch.runAll(held, steps, i + 1)) yield out;
  }
}

/**
 * Two arrays the parts of one step go between, used again for every part (one stream's parts pass one at a
 * time: the loop over a result ends before the next part comes), so a part allocates no arrays on its way.
 */
class Scratch {
  private a: Part[] = [];
  private b: Part[] = [];

  run(part: Part, steps: readonly PartStep[]): Part[] {
    this.a.length = 0;
    this.a.push(part);
    return this.runAll(this.a, steps, 0);
  }

  /** `parts` through steps[from…]. */
  runAll(parts: Part[], steps: readonly PartStep[], from: number): Part[] {
    let current = parts;
    for (let i = from; i < steps.length && current.length > 0; i++) {
      const out = current === this.a ? this.b : this.a;
      out.length = 0;
      for (const part of current) (steps[i] as PartStep).push(part, out);
      current = out;
    }
    return current;
  }
}
