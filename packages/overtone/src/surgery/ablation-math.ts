/**
 * The arithmetic of directional ablation, in F32, on ggml's layout (shared/reference/surgery.md §1.3, §6, §8).
 *
 * A residual writer `W` is stored in a GGUF as rows of `ne0` inputs, one row per output coordinate (`ne1` rows);
 * the direction r̂ lives in the output (residual) space, so it indexes rows. Output-space ablation is
 *   W' = W − s·r̂(r̂ᵀW):   u = Σ_m r̂_m·W[m,:] (one pass over the rows), then W[m,:] −= s·r̂_m·u.
 * It touches every row, so it is computed in two streamed passes: `accumulate` then `edit`. The norm-preserving
 * variant keeps the norm of every column w_j (the vector input j writes into the residual), the exact form:
 *   w_j' = ‖w_j‖·normalize(ŵ_j − s(r̂·ŵ_j)r̂) = (w_j − s·u_j·r̂) / √(1 − (2s − s²)·p_j²),  p_j = u_j/‖w_j‖,
 * so r̂ᵀW' = 0 at s = 1 in both (column, not row, normalisation: row normalisation re-introduces r̂).
 * Vectors that are themselves residual-space (a bias, a row of token_embd) are one column each.
 */

/** A unit direction over the residual (length n_embd), with the scale to remove of it. */
export interface Ablation {
  direction: Float32Array;
  scale: number;
  normPreserve: boolean;
}

/**
 * The direction as ablated: `sparsity` in (0, 1) keeps that fraction of components (the largest by magnitude,
 * as the published tools do), then normalised. A zero direction is refused: there is nothing to remove.
 */
export function unitDirection(raw: Float32Array, sparsity = 0): Float32Array {
  const out = Float32Array.from(raw);
  if (sparsity > 0 && sparsity < 1) {
    const keep = Math.floor(sparsity * out.length);
    const order = [...out.keys()].sort((a, b) => Math.abs(out[b] as number) - Math.abs(out[a] as number));
    for (const i of order.slice(keep)) out[i] = 0;
  }
  let norm = 0;
  for (const x of out) norm += x * x;
  norm = Math.sqrt(norm);
  if (!(norm > 0)) throw new RangeError("the direction is zero (after sparsity): nothing to ablate");
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / norm;
  return out;
}

/** Per-column statistics of a matrix, gathered row by row: u_j = r̂ᵀw_j and ‖w_j‖². */
export class ColumnStats {
  readonly u: Float64Array;
  readonly squares: Float64Array;
  #divisors: { scale: number; values: Float64Array } | undefined;

  constructor(
    readonly direction: Float32Array,
    columns: number,
  ) {
    this.u = new Float64Array(columns);
    this.squares = new Float64Array(columns);
  }

  /** Add rows `first …` of the matrix (each `u.length` long, consecutive in `values`). */
  accumulate(values: Float32Array, first: number): void {
    const n = this.u.length;
    for (let row = 0; row * n < values.length; row++) {
      const r = this.direction[first + row] as number;
      const base = row * n;
      for (let j = 0; j < n; j++) {
        const w = values[base + j] as number;
        this.u[j] = (this.u[j] as number) + r * w;
        this.squares[j] = (this.squares[j] as number) + w * w;
      }
    }
  }

  /**
   * √(1 − (2s − s²)·p_j²) per column: what restores each column's norm after the removal. Computed once per
   * scale, on the first batch edited (the statistics are final by then).
   */
  divisors(scale: number): Float64Array {
    if (this.#divisors?.scale === scale) return this.#divisors.values;
    const values = new Float64Array(this.u.length);
    for (let j = 0; j < values.length; j++) {
      const sq = this.squares[j] as number;
      const p2 = sq > 0 ? (this.u[j] as number) ** 2 / sq : 0;
      const left = 1 - (2 * scale - scale * scale) * p2;
      // A column that lies along r̂ (p² = 1) at s = 1 has nothing left to rescale: it becomes zero.
      values[j] = left > 1e-12 ? Math.sqrt(left) : 1;
    }
    this.#divisors = { scale, values };
    return values;
  }

  /** ‖r̂ᵀW‖: how much the matrix writes along r̂. */
  writeNorm(): number {
    let sum = 0;
    for (const x of this.u) sum += x * x;
    return Math.sqrt(sum);
  }
}

/** Edit rows `first …` of the matrix in place, from the finished column statistics. */
export function editRows(values: Float32Array, first: number, stats: ColumnStats, a: Ablation): void {
  const n = stats.u.length;
  const divisor = a.normPreserve ? stats.divisors(a.scale) : undefined;
  for (let row = 0; row * n < values.length; row++) {
    const r = a.direction[first + row] as number;
    const base = row * n;
    for (let j = 0; j < n; j++) {
      const edited = (values[base + j] as number) - a.scale * r * (stats.u[j] as number);
      values[base + j] = divisor === undefined ? edited : edited / (divisor[j] as number);
    }
  }
}

/**
 * Residual-space vectors in place (a bias, or rows of token_embd, each `direction.length` long):
 * v ← v − s(r̂·v)r̂, or its norm-preserving form. Returns ‖r̂·v‖ over the vectors before and after.
 */
export function editVectors(values: Float32Array, a: Ablation): { before: number; after: number } {
  const d = a.direction.length;
  let before = 0;
  let after = 0;
  for (let base = 0; base < values.length; base += d) {
    let dot = 0;
    let square = 0;
    for (let i = 0; i < d; i++) {
      const v = values[base + i] as number;
      dot += (a.direction[i] as number) * v;
      square += v * v;
    }
    before += dot * dot;
    const p2 = square > 0 ? (dot * dot) / square : 0;
    const left = 1 - (2 * a.scale - a.scale * a.scale) * p2;
    const divisor = a.normPreserve && left > 1e-12 ? Math.sqrt(left) : 1;
    let dotAfter = 0;
    for (let i = 0; i < d; i++) {
      const v = ((values[base + i] as number) - a.scale * dot * (a.direction[i] as number)) / divisor;
      values[base + i] = v;
      dotAfter += (a.direction[i] as number) * v;
    }
    after += dotAfter * dotAfter;
  }
  return { before: Math.sqrt(before), after: Math.sqrt(after) };
}
