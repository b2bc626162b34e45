/**
 * `surgery analyze`: per block, how good a measured direction looks — the published metrics exactly as the
 * abliteration tools compute them (shared/reference/surgery.md §1.2), with set a in the role of "harmful" (h)
 * and set b of "harmless" (a), g = mean_a − mean_b:
 *   cos(h, a), cos(h, g), cos(a, g); SNR = ‖g‖ / max(‖h‖, ‖a‖); purity = ‖g − (g·â)â‖ / ‖g‖;
 *   quality = SNR · (1 − cos(h, a)) · purity; and the rotation cos(g_ℓ, g_ℓ₋₁) from block to block.
 * Overtone adds the separation ‖g‖ / √((spread_a + spread_b)/2): the distance between the set means in units of
 * the sets' own spread (SNR compares it with the means' norms, which says little about overlap).
 * A direction projected against b's mean makes cos(a, g) ≈ 0 and purity ≈ 1 true by construction: flagged, not
 * read as evidence. Given the prompt sets again, it warns when one changed since it was measured.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { InputError } from "@overtone/errors";
import { readDirections } from "./directions-file.js";

export interface LayerMetrics {
  block: number;
  cosMeans: number;
  cosAG: number;
  cosBG: number;
  snr: number;
  purity: number;
  quality: number;
  separation: number;
  /** cos(g_ℓ, g_ℓ₋₁); undefined for block 0. */
  rotation?: number;
}

export interface Analysis {
  layers: LayerMetrics[];
  /** Block with the highest quality. */
  best: number;
  /** Metrics true by construction for this file, and why. */
  byConstruction: string[];
  /** A prompt set that changed since the directions were measured. */
  warnings: string[];
}

const dot = (x: Float32Array, y: Float32Array) => x.reduce((s, v, i) => s + v * (y[i] as number), 0);
const norm = (x: Float32Array) => Math.sqrt(dot(x, x));
const cos = (x: Float32Array, y: Float32Array) => dot(x, y) / (norm(x) * norm(y) || 1e-12);

export async function analyze(path: string, sets: { a?: string; b?: string } = {}): Promise<Analysis> {
  const file = await readDirections(path);
  const [meanA, meanB] = [file.arrays?.mean_a, file.arrays?.mean_b];
  if (meanA === undefined || meanB === undefined) {
    throw new InputError(`${path} has no per-block means (overtone.surgery.mean_a / mean_b)`, {
      where: path,
      hint: "analyze reads what `overtone surgery measure` writes; a llama-cvector-generator file has no means",
    });
  }
  const width = file.width;
  const blocks = meanA.length / width;
  const spread = (key: "spread_a" | "spread_b", l: number) =>
    (file.arrays?.[key]?.[l] as number | undefined) ?? Number.NaN;
  const layers: LayerMetrics[] = [];
  let previous: Float32Array | undefined;
  for (let l = 0; l < blocks; l++) {
    const h = meanA.subarray(l * width, (l + 1) * width);
    const a = meanB.subarray(l * width, (l + 1) * width);
    const g = Float32Array.from(h, (x, i) => x - (a[i] as number));
    const [gn, an] = [norm(g), norm(a)];
    const along = dot(g, a) / (an || 1e-12); // g's component along b's mean
    const orthogonal = Math.sqrt(Math.max(0, gn * gn - along * along));
    const cosMeans = cos(h, a);
    const snr = gn / Math.max(norm(h), an, 1e-6);
    const purity = gn > 0 ? orthogonal / gn : 0;
    layers.push({
      block: l,
      cosMeans,
      cosAG: cos(h, g),
      cosBG: cos(a, g),
      snr,
      purity,
      quality: snr * (1 - cosMeans) * purity,
      separation: gn / Math.sqrt((spread("spread_a", l) + spread("spread_b", l)) / 2),
      ...(previous !== undefined ? { rotation: cos(g, previous) } : {}),
    });
    previous = g;
  }
  const best = layers.reduce((x, y) => (y.quality > x.quality ? y : x)).block;
  const byConstruction =
    String(file.notes.projected ?? "") === "yes"
      ? ["cos(b, g) ≈ 0 and purity ≈ 1: the direction was projected against b's mean when measured"]
      : [];
  const warnings: string[] = [];
  for (const key of ["a", "b"] as const) {
    const given = sets[key];
    const recorded = file.notes[`set_${key}.sha256`];
    if (given === undefined || recorded === undefined) continue;
    const now = createHash("sha256")
      .update(await readFile(given))
      .digest("hex");
    if (now !== recorded) {
      warnings.push(
        `prompt set ${key} (${basename(given)}) changed since it was measured (${String(file.notes[`set_${key}.path`])}): measure again before trusting these numbers`,
      );
    }
  }
  return { layers, best, byConstruction, warnings };
}
