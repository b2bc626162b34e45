import { join } from "node:path";
import { InputError } from "@overtone/errors";
import { describe, expect, it } from "vitest";
import { cachedModelPath } from "../../../packages/overtone/src/engine/models/cache-dir.js";
import {
  parseContentRange,
  sha256FromEtag,
} from "../../../packages/overtone/src/engine/models/download-request.js";
import { pickGguf } from "../../../packages/overtone/src/engine/models/hugging-face.js";
import {
  DEFAULT_MODEL_REF,
  defaultCacheDir,
  formatModelRef,
  parseModelRef,
} from "../../../packages/overtone/src/engine/models/index.js";

describe("parseModelRef", () => {
  it("reads every accepted form", () => {
    expect(parseModelRef("tiny")).toEqual({ kind: "tiny" });
    expect(parseModelRef("hf:ggml-org/gpt-oss-20b-GGUF/gpt-oss-20b-mxfp4.gguf")).toEqual({
      kind: "hf-file",
      owner: "ggml-org",
      repo: "gpt-oss-20b-GGUF",
      revision: "main",
      file: "gpt-oss-20b-mxfp4.gguf",
    });
    expect(parseModelRef("a/b/sub/dir/x.GGUF")).toMatchObject({ kind: "hf-file", file: "sub/dir/x.GGUF" });
    expect(parseModelRef("a/b@v1.0/x.gguf")).toMatchObject({ kind: "hf-file", revision: "v1.0" });
    expect(parseModelRef("a/b:Q4_K_M")).toEqual({
      kind: "hf-quant",
      owner: "a",
      repo: "b",
      revision: "main",
      quant: "Q4_K_M",
    });
    expect(parseModelRef("a/b")).toMatchObject({ kind: "hf-quant", quant: undefined });
    expect(parseModelRef("https://host/x/model.gguf?download=1")).toEqual({
      kind: "url",
      url: "https://host/x/model.gguf?download=1",
    });
    for (const path of ["/abs/m.gguf", "./m.gguf", "../m.gguf", "~/m.gguf", "m.gguf", "dir/m.gguf"]) {
      expect(parseModelRef(path)).toEqual({ kind: "path", path });
    }
  });

  it("defaults to gpt-oss-20b MXFP4 from ggml-org", () => {
    const expected = parseModelRef(DEFAULT_MODEL_REF);
    expect(parseModelRef(undefined)).toEqual(expected);
    expect(parseModelRef("")).toEqual(expected);
    expect(parseModelRef("gpt-oss-20b")).toEqual(expected);
    expect(formatModelRef(expected)).toBe(DEFAULT_MODEL_REF);
  });

  it("rejects malformed references with an InputError naming the forms", () => {
    for (const bad of [
      "a/b/readme.md",
      "a/b/x.gguf:q4",
      "a/b/../x.gguf",
      "-a/b/x.gguf",
      "a/b@x@y/m.gguf",
      "https://host/page",
      "nonsense",
      "a/b/m-00001-of-00003.gguf",
    ]) {
      expect(() => parseModelRef(bad), bad).toThrow(InputError);
    }
    const error = (() => {
      try {
        parseModelRef("nonsense");
      } catch (e) {
        return e as InputError;
      }
    })();
    expect(error?.message).toBe('--model "nonsense": not a file here, and not a known model name');
    expect(error?.hint).toMatch(/tiny, toy, a local .gguf path/);
  });

  it("round-trips through formatModelRef", () => {
    for (const ref of ["hf:a/b@dev/x.gguf", "hf:a/b:mxfp4", "tiny"]) {
      expect(formatModelRef(parseModelRef(ref))).toBe(ref);
    }
  });
});

describe("cache layout", () => {
  it("honours OVERTONE_CACHE, then an absolute XDG_CACHE_HOME, then ~/.cache", () => {
    expect(defaultCacheDir({ OVERTONE_CACHE: "/c/o", XDG_CACHE_HOME: "/x" })).toBe("/c/o");
    expect(defaultCacheDir({ XDG_CACHE_HOME: "/x" })).toBe(join("/x", "overtone"));
    expect(defaultCacheDir({ XDG_CACHE_HOME: "relative" })).toMatch(/\.cache[\\/]overtone$/);
  });

  it("keeps files from different sources apart", () => {
    const hf = cachedModelPath("/m", parseModelRef("a/b@v2/sub/x.gguf"));
    expect(hf).toBe(join("/m", "hf", "a", "b", "v2", "sub", "x.gguf"));
    const one = cachedModelPath("/m", parseModelRef("https://h:8080/p/x.gguf"));
    const two = cachedModelPath("/m", parseModelRef("https://h:8080/q/x.gguf"));
    expect(one).not.toBe(two);
    expect(one).toMatch(/[\\/]url[\\/]h_8080[\\/][0-9a-f]{12}[\\/]x\.gguf$/);
  });
});

describe("pickGguf", () => {
  const files = [
    "README.md",
    "m-Q4_K_M.gguf",
    "m-Q4_K_S.gguf",
    "m-mxfp4.gguf",
    "mmproj-F16.gguf",
    "x/m-q4_0.gguf",
  ];

  it("matches a whole quantization tag, case-insensitively", () => {
    expect(pickGguf(files, "MXFP4")).toEqual({ file: "m-mxfp4.gguf" });
    expect(pickGguf(files, "q4_k_m")).toEqual({ file: "m-Q4_K_M.gguf" });
    expect(pickGguf(files, "Q4_0")).toEqual({ file: "x/m-q4_0.gguf" });
    expect(pickGguf(files, "Q4_K")).toMatchObject({ why: expect.stringMatching(/matches several files/) });
    expect(pickGguf(files, "f16")).toMatchObject({ why: expect.stringMatching(/no GGUF/) });
  });

  it("without a tag, picks the only GGUF or lists them", () => {
    expect(pickGguf(["a.gguf", "mmproj.gguf"], undefined)).toEqual({ file: "a.gguf" });
    expect(pickGguf(files, undefined)).toMatchObject({ why: expect.stringMatching(/several GGUFs/) });
  });
});

describe("header parsing", () => {
  it("takes a sha256 from ETag-style values only when it is one", () => {
    const sha = "ab".repeat(32);
    expect(sha256FromEtag(`"${sha}"`)).toBe(sha);
    expect(sha256FromEtag(`W/"${sha.toUpperCase()}"`)).toBe(sha);
    expect(sha256FromEtag('"d41d8cd98f00b204e9800998ecf8427e"')).toBeUndefined();
    expect(sha256FromEtag(null)).toBeUndefined();
  });

  it("parses Content-Range", () => {
    expect(parseContentRange("bytes 100-199/200")).toEqual({ start: 100, total: 200 });
    expect(parseContentRange("bytes */200")).toEqual({ start: undefined, total: 200 });
    expect(parseContentRange("bytes 0-9/*")).toEqual({ start: 0, total: undefined });
    expect(parseContentRange("items 1-2/3")).toBeUndefined();
  });
});
