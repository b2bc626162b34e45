/**
 * AdamW (Loshchilov & Hutter: decoupled weight decay) with bias correction, a linear warmup then cosine decay of
 * the learning rate, and global gradient-norm clipping. Moments are float32 arrays of the parameter layout;
 * the arithmetic runs in float64 and is rounded once per store, so a step is deterministic.
 *
 * Weight decay applies to matrices and embeddings only: decaying norms, biases or sinks would pull them toward
 * 0, which is not "small" for them (a norm gain of 0 switches a channel off).
 */
import type { Floats, ParamLayout } from "./param-layout.js";
import type { ToyRecipe } from "./toy-config.js";

/** Learning rate at 0-based `step`: linear warmup to the peak, then a cosine down to peak × final ratio. */
export function learningRateAt(step: number, recipe: ToyRecipe): number {
  const peak = recipe.learningRate;
  if (step < recipe.warmupSteps) return (peak * (step + 1)) / recipe.warmupSteps;
  const decaySteps = Math.max(1, recipe.steps - recipe.warmupSteps);
  const progress = Math.min(1, (step - recipe.warmupSteps) / decaySteps);
  const floor = peak * recipe.finalLearningRateRatio;
  return floor + (peak - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
}

/** √(Σ g²), summed in float64 in index order. */
export function gradientNorm(gradient: Floats): number {
  let sum = 0;
  for (let i = 0; i < gradient.length; i++) {
    const g = gradient[i] as number;
    sum += g * g;
  }
  return Math.sqrt(sum);
}

export interface AdamWMoments {
  m: Floats;
  v: Floats;
}

/**
 * One update of `params` from `gradient` (both of `layout`), for 0-based `step`. Clips the gradient to
 * recipe.gradientClip first (in place); returns the norm before clipping.
 */
export function adamwStep(
  layout: ParamLayout,
  params: Floats,
  gradient: Floats,
  moments: AdamWMoments,
  step: number,
  recipe: ToyRecipe,
): number {
  const norm = gradientNorm(gradient);
  const clip = recipe.gradientClip > 0 && norm > recipe.gradientClip ? recipe.gradientClip / norm : 1;
  const lr = learningRateAt(step, recipe);
  const { beta1, beta2, adamEpsilon, weightDecay } = recipe;
  const correction1 = 1 - beta1 ** (step + 1);
  const correction2 = 1 - beta2 ** (step + 1);
  const { m, v } = moments;
  for (const t of layout.tensors) {
    const decay = t.role === "matrix" || t.role === "embedding" ? 1 - lr * weightDecay : 1;
    const end = t.offset + t.size;
    for (let i = t.offset; i < end; i++) {
      const g = (gradient[i] as number) * clip;
      const mi = beta1 * (m[i] as number) + (1 - beta1) * g;
      const vi = beta2 * (v[i] as number) + (1 - beta2) * g * g;
      m[i] = mi;
      v[i] = vi;
      const update = mi / correction1 / (Math.sqrt(vi / correction2) + adamEpsilon);
      params[i] = (params[i] as number) * decay - lr * update;
    }
  }
  return norm;
}
