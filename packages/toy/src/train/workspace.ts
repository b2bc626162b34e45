/**
 * Every buffer one sequence's forward and backward pass needs, allocated once for the longest sequence (from the
 * kernels' memory, where the SIMD kernels can reach them), so the training loop allocates nothing per step. Kernels index rows by their own row count, so a shorter sequence
 * simply uses the front of each buffer.
 */
import type { Kernels } from "./kernels.js";
import type { Floats } from "./param-layout.js";
import { type RopeTables, ropeTables } from "./rope.js";
import type { ToyShape } from "./toy-config.js";

export interface LayerActivations {
  /** attn_norm output and its 1/rms per row. */
  h1: Floats;
  r1: Floats;
  /** q and k after RoPE; v. */
  q: Floats;
  k: Floats;
  v: Floats;
  probs: Floats;
  sinkProbs: Floats;
  /** Concatenated head outputs, before attn_output. */
  att: Floats;
  /** Residual after attention ("ffn_inp"). */
  xMid: Floats;
  h2: Floats;
  r2: Floats;
  /** Biased gate and up pre-activations, swiglu_oai's output and its saved sigmoid. */
  g: Floats;
  u: Floats;
  act: Floats;
  sigma: Floats;
}

export class Workspace {
  readonly layers: LayerActivations[] = [];
  /** Residual stream: xs[0] the embeddings, xs[l + 1] the output of layer l. */
  readonly xs: Floats[] = [];
  readonly hFinal: Floats;
  readonly rFinal: Floats;
  /** Rows of hFinal whose next token is trained, gathered; their logits; positions, target rows and weights. */
  readonly selected: Floats;
  readonly logits: Floats;
  readonly positions: Int32Array;
  readonly targets: Int32Array;
  readonly weights: Int32Array;
  // Backward scratch, shared by the layers.
  readonly dx: Floats;
  readonly dh: Floats;
  readonly dq: Floats;
  readonly dk: Floats;
  readonly dv: Floats;
  readonly dAtt: Floats;
  readonly dAct: Floats;
  readonly dG: Floats;
  readonly dU: Floats;
  readonly dSelected: Floats;
  /** [rows][rows]: attention's da/dz for one head. */
  readonly attnScratch: Floats;
  readonly rope: RopeTables;
  /** A single 1 (padded to a vector), the coefficient of bias terms in the kernels. */
  readonly one: Floats;

  constructor(
    readonly shape: ToyShape,
    readonly vocabSize: number,
    readonly maxRows: number,
    readonly kernels: Kernels,
  ) {
    const alloc = (n: number) => kernels.alloc(n);
    const { embd: d, heads, kvHeads, headDim, ff } = shape;
    const T = maxRows;
    const q = heads * headDim;
    const kv = kvHeads * headDim;
    for (let l = 0; l <= shape.layers; l++) this.xs.push(alloc(T * d));
    for (let l = 0; l < shape.layers; l++) {
      this.layers.push({
        h1: alloc(T * d),
        r1: alloc(T),
        q: alloc(T * q),
        k: alloc(T * kv),
        v: alloc(T * kv),
        probs: alloc(heads * T * T),
        sinkProbs: alloc(heads * T),
        att: alloc(T * q),
        xMid: alloc(T * d),
        h2: alloc(T * d),
        r2: alloc(T),
        g: alloc(T * ff),
        u: alloc(T * ff),
        act: alloc(T * ff),
        sigma: alloc(T * ff),
      });
    }
    this.hFinal = alloc(T * d);
    this.rFinal = alloc(T);
    this.selected = alloc(T * d);
    this.logits = alloc(T * vocabSize);
    this.positions = new Int32Array(T);
    this.targets = new Int32Array(T);
    this.weights = new Int32Array(T);
    this.dx = alloc(T * d);
    this.dh = alloc(T * d);
    this.dq = alloc(T * q);
    this.dk = alloc(T * kv);
    this.dv = alloc(T * kv);
    this.dAtt = alloc(T * q);
    this.dAct = alloc(T * ff);
    this.dG = alloc(T * ff);
    this.dU = alloc(T * ff);
    this.dSelected = alloc(T * d);
    this.attnScratch = alloc(T * T);
    this.rope = ropeTables(headDim, T);
    this.one = alloc(4);
    this.one.fill(1);
  }
}
