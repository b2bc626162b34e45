/**
 * The trained model's forward pass for checks and evaluation outside training: logits over the corpus
 * vocabulary at every position of a token sequence, in float32 on the SIMD kernels (what training computed)
 * or in float64 on plain loops (a reference for the float32 path).
 */
import { AllocationCounter, JsKernels, type Kernels } from "./kernels.js";
import { forwardHidden, forwardLogits } from "./model-forward.js";
import type { Floats, ModelParams, ParamLayout } from "./param-layout.js";
import { paramViews } from "./param-layout.js";
import type { CompactVocabulary } from "./vocab-design.js";
import { createKernelMemory, pagesFor, WasmKernels } from "./wasm-kernels.js";
import { Workspace } from "./workspace.js";

export type ForwardPrecision = "f32" | "f64";

export interface ForwardableToy {
  layout: ParamLayout;
  vocabulary: CompactVocabulary;
  params: Float32Array;
}

export class ToyForward {
  private readonly ws: Workspace;
  private readonly params: ModelParams;

  constructor(
    readonly toy: ForwardableToy,
    readonly maxTokens: number,
    precision: ForwardPrecision = "f32",
  ) {
    const { shape, vocabSize, total } = toy.layout;
    let kernels: Kernels;
    if (precision === "f64") {
      kernels = new JsKernels(Float64Array);
    } else {
      const counter = new AllocationCounter();
      new Workspace(shape, vocabSize, maxTokens, counter);
      const memory = createKernelMemory(pagesFor(total + counter.floats, counter.allocations + 1), false);
      kernels = new WasmKernels(memory);
    }
    const data: Floats = kernels.alloc(total);
    data.set(toy.params);
    this.params = paramViews(toy.layout, data);
    this.ws = new Workspace(shape, vocabSize, maxTokens, kernels);
  }

  /** Logits over the corpus vocabulary, [tokens][vocabulary size]; row t predicts the token after tokens[t]. */
  logits(tokenIds: ArrayLike<number>): Float64Array {
    const rows = this.toy.vocabulary.toRows(tokenIds, "forward input");
    forwardHidden(this.params, this.ws, rows, rows.length);
    for (let t = 0; t < rows.length; t++) this.ws.positions[t] = t;
    const logits = forwardLogits(this.params, this.ws, rows.length);
    return Float64Array.from(logits.subarray(0, rows.length * this.ws.vocabSize));
  }

  /** Bias channel after the final norm, h[0] = c·γ₀/rms(x), at each position of the last `logits` call. */
  biasChannel(tokens: number): Float64Array {
    const d = this.toy.layout.shape.embd;
    return Float64Array.from({ length: tokens }, (_, t) => this.ws.hFinal[t * d] as number);
  }
}
