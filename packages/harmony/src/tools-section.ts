/**
 * The `# Tools` section that system and developer contents share (spec.md §5.2): one `## name` block per tool
 * namespace, in the key order of upstream's BTreeMap, with the namespace's tools as TypeScript-like types.
 */
import { schemaToTypeScript } from "./schema-to-typescript.js";
import type { ToolNamespaceConfig } from "./types.js";

/**
 * Rust's `str::lines`: split on `\n`, drop one `\r` before it, and yield no final empty line (so `""` has no
 * lines). A lone `\r` at the very end is kept, as in Rust ≥ 1.66.
 */
export function rustLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  for (let i = 0; i < lines.length - (text.endsWith("\n") ? 0 : 1); i++) {
    const line = lines[i] as string;
    if (line.endsWith("\r")) lines[i] = line.slice(0, -1);
  }
  return lines;
}

/** Rust's `String` order (UTF-8 bytes), which is code-point order; JS `<` compares UTF-16 units instead. */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Only a surrogate (an astral code point) against a unit at or above U+E000 orders differently.
    const xAstral = x >= 0xd800 && x <= 0xdfff;
    const yAstral = y >= 0xd800 && y <= 0xdfff;
    if (xAstral !== yAstral) return xAstral ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

export function toolsSection(namespaces: Record<string, ToolNamespaceConfig>): string {
  const sections = ["# Tools"];
  for (const key of Object.keys(namespaces).sort(compareCodePoints)) {
    sections.push(namespaceSection(namespaces[key] as ToolNamespaceConfig));
  }
  return sections.join("\n\n");
}

function namespaceSection(namespace: ToolNamespaceConfig): string {
  const tools = namespace.tools;
  const lines = [`## ${namespace.name}\n`];
  // A namespace without tools (python) is plain prose; with tools its description becomes a comment.
  for (const line of rustLines(namespace.description ?? ""))
    lines.push(tools.length > 0 ? `// ${line}` : line);
  if (tools.length === 0) return lines.join("\n");
  lines.push(`namespace ${namespace.name} {\n`);
  for (const tool of tools) {
    for (const line of rustLines(tool.description ?? "")) lines.push(`// ${line}`);
    // null counts as absent, as it does when serde reads `"parameters": null`.
    const schema = tool.parameters;
    const parameters = schema === undefined || schema === null ? "" : `_: ${schemaToTypeScript(schema, "")}`;
    lines.push(`type ${tool.name} = (${parameters}) => any;\n`);
  }
  lines.push(`} // namespace ${namespace.name}`);
  return lines.join("\n");
}
