import { describe, expect, it } from "vitest";
import type { Backend } from "../backends/contract.js";
import { ollamaDigest, ollamaPs, ollamaShow, ollamaTags, ollamaVersion } from "./ollama-listing.js";
import type { ServedModel } from "./protocol.js";

const BIG: ServedModel = {
  name: "gpt-oss:120b",
  backend: {} as Backend,
  reasoningField: "reasoning",
  defaults: {},
  since: new Date("2026-03-04T05:06:07.000Z"),
  sizeBytes: 65_000_000_000,
  contextLength: 131072,
};
const TOY: ServedModel = { ...BIG, name: "toy", sizeBytes: undefined, contextLength: undefined };

describe("ollamaTags", () => {
  it("lists every model with both name and model, modified_at, size, digest and details (rule 44)", () => {
    const { models } = ollamaTags([BIG, TOY]);
    expect(models[0]).toEqual({
      name: "gpt-oss:120b",
      model: "gpt-oss:120b",
      modified_at: "2026-03-04T05:06:07.000Z",
      size: 65_000_000_000,
      digest: ollamaDigest("gpt-oss:120b"),
      details: {
        parent_model: "",
        format: "gguf",
        family: "gptoss",
        families: ["gptoss"],
        parameter_size: "116.8B",
        quantization_level: "",
      },
      capabilities: ["completion", "tools", "thinking"],
    });
    expect(models[1]).toMatchObject({ name: "toy", model: "toy", size: 0, details: { parameter_size: "" } });
  });

  it("gives each name a stable sha256 digest", () => {
    expect(ollamaDigest("toy")).toMatch(/^[0-9a-f]{64}$/);
    expect(ollamaDigest("toy")).toBe(ollamaDigest("toy"));
    expect(ollamaDigest("toy")).not.toBe(ollamaDigest("gpt-oss:20b"));
    expect(ollamaTags([{ ...TOY, name: "gpt-oss-20b" }]).models[0]?.details).toMatchObject({
      parameter_size: "20.9B",
    });
  });
});

describe("ollamaShow", () => {
  it("describes a gpt-oss model as Ollama does (wire/007; rule 45), with Harmony as renderer and parser", () => {
    const show = ollamaShow(BIG);
    expect(show).toMatchObject({
      details: { family: "gptoss", format: "gguf" },
      model_info: { "general.architecture": "gptoss", "gptoss.context_length": 131072 },
      capabilities: ["completion", "tools", "thinking"],
      modified_at: "2026-03-04T05:06:07.000Z",
      parameters: "",
      renderer: "harmony",
      parser: "harmony",
    });
    expect(show.template).toMatch(/Overtone renders the Harmony prompt itself/);
    expect(ollamaShow(TOY).model_info).toEqual({ "general.architecture": "gptoss" });
  });
});

describe("ollamaPs", () => {
  it("lists the models as loaded, with an RFC 3339 expires_at that has an offset (rule 44)", () => {
    const [entry] = ollamaPs([BIG]).models;
    expect(entry).toMatchObject({
      name: "gpt-oss:120b",
      model: "gpt-oss:120b",
      size_vram: 0,
      context_length: 131072,
    });
    const expires = String(entry?.expires_at);
    // Python < 3.11 `datetime.fromisoformat` (Open WebUI) needs `+00:00`, not `Z`, and no nanoseconds.
    expect(expires).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    expect(Date.parse(expires)).toBeGreaterThan(Date.now());
    expect(ollamaPs([TOY]).models[0]).not.toHaveProperty("context_length");
  });
});

describe("ollamaVersion", () => {
  it("reports a version with thinking and gpt-oss support (rule 43)", () => {
    const { version } = ollamaVersion();
    const [major, minor] = version.split(".").map(Number);
    expect(major === 0 && (minor ?? 0) >= 11).toBe(true);
  });
});
