/**
 * `surgery measure`: the direction between two prompt sets, per layer. Each prompt is rendered with Overtone's
 * Harmony renderer, evaluated by llama.cpp, and the residual stream after every block is read at the position
 * the rule names (engine/residual-capture.ts, through llama.cpp's evaluation callback); per layer the mean of
 * each set, and the difference of the means, `direction.N = mean_a − mean_b` after block N, written as a
 * control-vector GGUF (directions-file.ts). Block 0's output has no `direction.0` (llama.cpp numbers from 1), so
 * its means are kept with the others in the metadata arrays `mean_a`/`mean_b` (layer-major, n_layer × n_embd),
 * beside each set's spread (mean squared distance from its mean, per layer) for `analyze`.
 */
import { basename } from "node:path";
import { InputError } from "@overtone/errors";
import { openResidualCapture } from "../engine/residual-capture.js";
import { writeDirections } from "./directions-file.js";
import { measuredPrompt, type PositionRule, type PromptSet, readPromptSet } from "./prompt-set.js";

export interface MeasureOptions {
  model: string;
  /** JSONL prompt sets: the direction points from b's mean to a's. */
  a: string;
  b: string;
  out: string;
  position?: PositionRule;
  threads?: number;
  /** Called after each prompt: prompts done, prompts in all. */
  onProgress?: (done: number, total: number) => void;
}

export interface MeasureResult {
  path: string;
  layers: number;
  width: number;
  counts: { a: number; b: number };
  /** ‖mean_a − mean_b‖ per layer (block 0 first). */
  norms: number[];
}

/** Per-layer running sums of one set. */
class SetMeans {
  readonly sums: Float64Array[];
  readonly squares: Float64Array;
  count = 0;

  constructor(layers: number, width: number) {
    this.sums = Array.from({ length: layers }, () => new Float64Array(width));
    this.squares = new Float64Array(layers);
  }

  add(layers: Float32Array[]): void {
    layers.forEach((x, l) => {
      const sum = this.sums[l] as Float64Array;
      let square = 0;
      for (let i = 0; i < x.length; i++) {
        sum[i] = (sum[i] as number) + (x[i] as number);
        square += (x[i] as number) ** 2;
      }
      this.squares[l] = (this.squares[l] as number) + square;
    });
    this.count++;
  }

  mean(l: number): Float64Array {
    return (this.sums[l] as Float64Array).map((s) => s / this.count);
  }

  /** Mean squared distance from the mean: E‖x‖² − ‖E x‖². */
  spread(l: number): number {
    const m = this.mean(l);
    return (this.squares[l] as number) / this.count - m.reduce((acc, x) => acc + x * x, 0);
  }
}

export async function measure(options: MeasureOptions): Promise<MeasureResult> {
  const position = options.position ?? "assistant-start";
  const [a, b] = [await readPromptSet(options.a), await readPromptSet(options.b)];
  const prompts = (set: PromptSet) => set.conversations.map((c) => measuredPrompt(c, position));
  const [pa, pb] = [prompts(a), prompts(b)];
  const longest = Math.max(...[...pa, ...pb].map((p) => p.tokens.length));
  const capture = openResidualCapture(options.model, {
    maxTokens: longest,
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
  });
  try {
    const { layers, embd } = capture;
    const sets = [new SetMeans(layers, embd), new SetMeans(layers, embd)] as const;
    const total = pa.length + pb.length;
    let done = 0;
    for (const [i, list] of [pa, pb].entries()) {
      for (const p of list) {
        const captured = capture.capture(p.tokens, [p.position]);
        sets[i]?.add(captured.layers.map((perPosition) => perPosition[0] as Float32Array));
        options.onProgress?.(++done, total);
      }
    }
    const [ma, mb] = sets;
    const directions = new Map<number, Float32Array>();
    const norms: number[] = [];
    const meanA = new Float32Array(layers * embd);
    const meanB = new Float32Array(layers * embd);
    for (let l = 0; l < layers; l++) {
      const [xa, xb] = [ma.mean(l), mb.mean(l)];
      meanA.set(xa, l * embd);
      meanB.set(xb, l * embd);
      const d = Float32Array.from(xa, (x, i) => x - (xb[i] as number));
      norms.push(Math.hypot(...d));
      if (l >= 1) directions.set(l, d);
    }
    if (directions.size === 0) {
      throw new InputError(
        `${options.model} has one block: there is no block N ≥ 1 to store a direction for`,
        {
          where: options.model,
        },
      );
    }
    await writeDirections(options.out, {
      modelHint: "gpt-oss",
      width: embd,
      directions,
      notes: {
        model: basename(options.model),
        position,
        direction: "mean(a) - mean(b) of the residual stream after block N (l_out-N)",
        "set_a.path": basename(a.path),
        "set_a.sha256": a.sha256,
        "set_a.count": ma.count,
        "set_b.path": basename(b.path),
        "set_b.sha256": b.sha256,
        "set_b.count": mb.count,
      },
      arrays: {
        mean_a: meanA,
        mean_b: meanB,
        spread_a: Float32Array.from({ length: layers }, (_, l) => ma.spread(l)),
        spread_b: Float32Array.from({ length: layers }, (_, l) => mb.spread(l)),
      },
    });
    return { path: options.out, layers, width: embd, counts: { a: ma.count, b: mb.count }, norms };
  } finally {
    capture.close();
  }
}
