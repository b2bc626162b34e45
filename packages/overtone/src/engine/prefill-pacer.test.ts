import { describe, expect, it } from "vitest";
import { PREFILL_BATCH, PrefillPacer } from "./prefill-pacer.js";

describe("PrefillPacer", () => {
  it("starts with one batch per call, before any speed is known", () => {
    expect(new PrefillPacer().callTokens()).toBe(PREFILL_BATCH);
  });

  it("makes calls of whole batches that last at most abortWithinMs at the measured speed", () => {
    const pacer = new PrefillPacer(250);
    pacer.measured(512, 20); // 25,600 tokens/s: the tiny model; 6,400 tokens in 250 ms
    expect(pacer.callTokens()).toBe(12 * PREFILL_BATCH);
    const quick = new PrefillPacer(0);
    quick.measured(512, 20);
    expect(quick.callTokens()).toBe(PREFILL_BATCH);
  });

  it("stays at one batch when a batch takes longer than that (a big model on a CPU)", () => {
    const pacer = new PrefillPacer(250);
    pacer.measured(512, 200); // 2,560 tokens/s: 640 tokens in 250 ms, one batch
    expect(pacer.callTokens()).toBe(PREFILL_BATCH);
    pacer.measured(512, 10_000); // 51 tokens/s
    expect(pacer.callTokens()).toBe(PREFILL_BATCH);
  });

  it("follows the latest measurement and ignores empty ones", () => {
    const pacer = new PrefillPacer(250);
    pacer.measured(1024, 10);
    pacer.measured(512, 0);
    pacer.measured(0, 5);
    expect(pacer.callTokens()).toBe(PREFILL_BATCH * 50);
    pacer.measured(512, 500);
    expect(pacer.callTokens()).toBe(PREFILL_BATCH);
  });
});
