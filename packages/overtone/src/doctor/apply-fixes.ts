/**
 * `--fix --out DIR`: the fixes the checks proposed, written into DIR — never anything modified in place — each
 * file atomically (a temporary name beside it, then a rename), and each with the command that applies it, `OUT`
 * in the commands replaced by DIR. The GGUF fix is a copy with the gpt-oss Harmony template embedded (the official
 * one with its tool round trip fixed), written by the GGUF toolkit (`overtone gguf template --set harmony` does
 * the same).
 */
import { randomBytes } from "node:crypto";
import { mkdir, rename, unlink, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { CHAT_TEMPLATE_KEY, ggufValue } from "@overtone/gguf";
import { copyWithEdits, loadFixedHarmonyTemplate } from "@overtone/gguf/node";
import { harmonyGgufName } from "./fixes.js";
import type { Check, Fix } from "./probe.js";
import type { DoctorTarget } from "./target.js";

export interface AppliedFix {
  kind: Fix["kind"];
  description: string;
  /** Files written, as absolute paths. */
  files: string[];
  command?: string;
  /** The checks that proposed it. */
  for: string[];
}

export async function applyFixes(
  checks: readonly Check[],
  target: DoctorTarget,
  out: string,
): Promise<AppliedFix[]> {
  const dir = resolve(out);
  await mkdir(dir, { recursive: true });
  // One fix of each kind and file set: several probes propose the same remedy for one cause.
  const unique = new Map<string, { fix: Fix; for: string[] }>();
  for (const check of checks) {
    if (check.fix === undefined || check.status === "pass") continue;
    const key = `${check.fix.kind}:${Object.keys(check.fix.files ?? {}).join(",")}:${check.fix.command ?? ""}`;
    const entry = unique.get(key) ?? { fix: check.fix, for: [] };
    entry.for.push(check.id);
    unique.set(key, entry);
  }
  const applied: AppliedFix[] = [];
  for (const { fix, for: ids } of unique.values()) {
    const files: string[] = [];
    if (fix.kind === "gguf-harmony-template" && target.gguf !== undefined) {
      const path = join(dir, harmonyGgufName(target.gguf));
      await copyWithEdits(target.gguf, path, {
        setMetadata: { [CHAT_TEMPLATE_KEY]: ggufValue.str(await loadFixedHarmonyTemplate()) },
      });
      files.push(path);
    }
    for (const [name, text] of Object.entries(fix.files ?? {})) {
      const path = join(dir, name);
      await writeAtomically(path, text);
      files.push(path);
    }
    applied.push({
      kind: fix.kind,
      description: fix.description,
      files,
      ...(fix.command !== undefined ? { command: fix.command.replaceAll("OUT", dir) } : {}),
      for: ids,
    });
  }
  return applied;
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(temp, text, { flag: "wx" });
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
