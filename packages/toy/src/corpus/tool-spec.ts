/**
 * What the corpus knows about one function tool: the schema the developer message declares, how a question
 * that needs it is phrased (and which JSON arguments that question implies), and the deterministic result the
 * tool "returns". Results depend only on the arguments and the conversation's date, so a held-out case and the
 * training corpus agree on what a tool says.
 */
import type { JsonValue, ToolDescription } from "@overtone/harmony";
import type { SeededRandom } from "@overtone/makers";

export type JsonObject = { [key: string]: JsonValue };

/** One filled question for a tool. */
export interface ToolQuestion {
  /** Names the template fill (tool and entity, not the phrasing); the held-out split is a fixed set of fills. */
  fill: string;
  question: string;
  arguments: JsonObject;
  /** What the user wants, as a noun phrase: "the weather in Paris". */
  need: string;
}

export interface ToolResult {
  /** The tool message's content: compact JSON. */
  text: string;
  /** The key value of the result, verbatim; the final answer must contain it. */
  mention: string;
  /** The result in words, for the analysis after it: "18 degrees celsius and sunny". */
  summary: string;
  /** The final answer that uses the result. */
  final: string;
}

export interface ToolSpec {
  tool: ToolDescription;
  /**
   * Other ways a user's tool file may declare the same tool (same name and arguments, other wording), so the
   * model keys on the name and parameters rather than on one exact description.
   */
  variants?: readonly ToolDescription[];
  /** What the question needs a tool for, in answers without it: "without a tool for weather". */
  topic: string;
  ask(rng: SeededRandom): ToolQuestion;
  /** A sentence about the arguments beyond the required ones (the high-effort analysis says it). */
  argumentNote(args: JsonObject): string;
  result(args: JsonObject, date: string | undefined): ToolResult;
}

export function stringProperty(description?: string): JsonObject {
  return description === undefined ? { type: "string" } : { type: "string", description };
}

export function enumProperty(values: readonly string[]): JsonObject {
  return { type: "string", enum: [...values] };
}

/** An object schema whose properties are all strings unless given; `required` in property order. */
export function objectSchema(properties: JsonObject, required: readonly string[]): JsonObject {
  return { type: "object", properties, required: [...required], additionalProperties: false };
}

/** Day of the year, 0-based, of a `YYYY-MM-DD` date; mid-June when the conversation has no date. */
export function dayOfYear(date: string | undefined): number {
  if (date === undefined) return 165;
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  return Math.round((Date.UTC(year, month - 1, day) - Date.UTC(year, 0, 1)) / 86_400_000);
}

/**
 * How far into summer a day is, from -1 (midwinter) to 1 (midsummer), for a latitude's hemisphere. A triangle
 * wave rather than a cosine: integer arithmetic gives the same numbers on every platform.
 */
export function seasonFactor(day: number, latitude: number): number {
  const sinceMidsummer = (((day - 200) % 365) + 365) % 365;
  const distance = Math.min(sinceMidsummer, 365 - sinceMidsummer);
  const north = 1 - (2 * distance) / 182.5;
  return latitude < 0 ? -north : north;
}

/** "HH:MM" for a minute of the day (wrapping around midnight). */
export function clockText(minuteOfDay: number): string {
  const m = ((Math.round(minuteOfDay) % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}

/** "location Paris", "amount 50, from USD and to EUR": the arguments as the analysis says them. */
export function argumentsText(args: JsonObject): string {
  const parts = Object.entries(args).map(([key, value]) => `${key} ${String(value)}`);
  if (parts.length <= 1) return parts.join("");
  return `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

/** "location", "amount, from and to": the required parameter names of a tool. */
export function requiredText(tool: ToolDescription): string {
  const schema = tool.parameters as { required?: string[] } | undefined;
  const names = schema?.required ?? [];
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

export function json(value: JsonObject): string {
  return JSON.stringify(value);
}
