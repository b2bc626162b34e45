/**
 * Tools declared the way other people write them (issue 15 item 3): the same tool under another description,
 * its required parameters under other names for the same thing (`location` / `city` / `place`), with their own
 * descriptions or none, extra optional parameters the call does not need, and `additionalProperties` left out.
 * A restyled declaration keeps the tool's name; the call must use the declared parameter names, so the toy has to
 * read them from the developer message instead of writing the names it saw most.
 *
 * Held out: one (tool, parameter, alias) choice in four and one (tool, description) choice in four never occur
 * in training; `heldOutRestyle` builds declarations from those only, for the held-out spec evaluation
 * (spec-cases.ts). Every alias is also trained on other tools, so its tokens are in the vocabulary.
 */
import type { ToolDescription } from "@overtone/harmony";
import type { SeededRandom } from "@overtone/makers";
import { chance, hashOf, intBetween, pick, sample } from "./random-choice.js";
import type { Split } from "./task.js";
import { TOOL_SPECS } from "./tool-pool.js";
import type { JsonObject, ToolSpec } from "./tool-spec.js";

/** Other names for a required parameter. */
const ALIASES: Readonly<Record<string, readonly string[]>> = {
  location: ["city", "place", "city_name", "location_name", "query"],
  city: ["location", "place", "city_name", "location_name", "query"],
  symbol: ["ticker", "stock", "stock_symbol", "query"],
  word: ["text", "term", "query", "phrase"],
  language: ["target_language", "lang", "to_language", "target"],
  origin: ["from_city", "departure", "source", "start"],
  destination: ["to_city", "arrival", "target", "end"],
  amount: ["value", "quantity", "money"],
  from: ["from_currency", "source_currency", "base", "source"],
  to: ["to_currency", "target_currency", "quote", "target"],
};

/** What each tool does, as a noun phrase for description templates. */
const WHAT: Readonly<Record<string, string>> = {
  get_weather: "the current weather",
  get_time: "the local time",
  get_timezone: "the time zone",
  lookup_population: "the population",
  get_air_quality: "the air quality index",
  get_sunrise: "the sunrise time",
  convert_currency: "an amount converted to another currency",
  get_stock_price: "the latest share price",
  translate_word: "the translation of a word",
  search_flights: "the cheapest flight",
};

const DESCRIPTIONS: readonly ((what: string) => string)[] = [
  (w) => `Returns ${w}.`,
  (w) => `Look up ${w}.`,
  (w) => `Fetches ${w} from the service.`,
  (w) => `Use this to find ${w}.`,
  (w) => `Tool that returns ${w}.`,
  (w) => `Get ${w}. Call it when the user asks.`,
  (w) => `Provides ${w} for the given input.`,
  (w) => `Finds ${w}.`,
];

const PARAMETER_NOTES: readonly (string | undefined)[] = [
  undefined,
  "Required.",
  "The value the user gave.",
  "Name or code, as the user wrote it",
];

/** Optional parameters a user's tool may also declare; a call that does not need them leaves them out. */
const EXTRAS: readonly [string, JsonObject][] = [
  ["verbose", { type: "boolean", description: "Include extra detail." }],
  ["limit", { type: "integer", description: "Most results to return" }],
  ["format", { type: "string", enum: ["json", "text"] }],
  ["locale", { type: "string", description: "Locale of the answer, e.g. en-US" }],
  ["detailed", { type: "boolean" }],
  ["timeout_seconds", { type: "integer" }],
];

const drawnOut = (tool: string, param: string, alias: string) =>
  hashOf("spec-held-out", tool, param, alias) % 4 === 0;

/** Every (tool, required parameter) of the pool that has aliases. */
let slots: { tool: string; param: string }[] | undefined;
function aliasSlots(): { tool: string; param: string }[] {
  slots ??= TOOL_SPECS.flatMap((spec) =>
    ((spec.tool.parameters as { required: string[] }).required ?? [])
      .filter((param) => ALIASES[param] !== undefined)
      .map((param) => ({ tool: spec.tool.name, param })),
  );
  return slots;
}

/**
 * Held out: drawn out by the hash, and still trained as a parameter name on some other tool or parameter
 * (`ticker` exists only for get_stock_price: holding it out would leave its token untrained).
 */
function heldOutAlias(tool: string, param: string, alias: string): boolean {
  if (!drawnOut(tool, param, alias)) return false;
  return aliasSlots().some(
    (s) =>
      (s.tool !== tool || s.param !== param) &&
      ALIASES[s.param]?.includes(alias) &&
      !drawnOut(s.tool, s.param, alias),
  );
}
const heldOutDescription = (tool: string, index: number) => hashOf("spec-held-out", tool, index) % 4 === 0;

/** A declaration and how its required parameters are named (canonical name → declared name). */
export interface Restyled {
  tool: ToolDescription;
  names: Readonly<Record<string, string>>;
}

function restyle(
  rng: SeededRandom,
  spec: ToolSpec,
  aliasOk: (param: string, alias: string) => boolean,
  descriptionOk: (index: number) => boolean,
  renameShare: number,
  describeShare: number,
): Restyled {
  const name = spec.tool.name;
  const schema = spec.tool.parameters as { properties: JsonObject; required: string[] };
  const required = new Set(schema.required);
  const names: Record<string, string> = {};
  const properties: JsonObject = {};
  const taken = new Set(Object.keys(schema.properties));
  for (const [param, property] of Object.entries(schema.properties)) {
    const options = (ALIASES[param] ?? []).filter((a) => aliasOk(param, a) && !taken.has(a));
    const alias =
      required.has(param) && options.length > 0 && chance(rng, renameShare) ? pick(rng, options) : param;
    taken.add(alias);
    names[param] = alias;
    const { description: _old, ...rest } = property as JsonObject;
    const note = alias === param ? (property as JsonObject).description : pick(rng, PARAMETER_NOTES);
    properties[alias] = note === undefined ? rest : { ...rest, description: note };
  }
  if (chance(rng, 0.4)) {
    for (const [extra, property] of sample(rng, EXTRAS, intBetween(rng, 1, 2))) properties[extra] = property;
  }
  const indices = DESCRIPTIONS.map((_, i) => i).filter(descriptionOk);
  const description =
    indices.length > 0 && chance(rng, describeShare)
      ? (DESCRIPTIONS[pick(rng, indices)] as (w: string) => string)(WHAT[name] ?? name)
      : spec.tool.description;
  const parameters: JsonObject = {
    type: "object",
    properties,
    required: schema.required.map((p) => names[p] ?? p),
  };
  if (chance(rng, 0.5)) parameters.additionalProperties = false;
  return { tool: { name, description, parameters }, names };
}

/** A restyled declaration for training: no held-out alias or description. */
export function trainRestyle(rng: SeededRandom, spec: ToolSpec): Restyled {
  const name = spec.tool.name;
  return restyle(
    rng,
    spec,
    (p, a) => !heldOutAlias(name, p, a),
    (i) => !heldOutDescription(name, i),
    0.7,
    0.8,
  );
}

/** A declaration made of held-out choices: every required parameter renamed where a held-out alias exists. */
export function heldOutRestyle(rng: SeededRandom, spec: ToolSpec): Restyled {
  const name = spec.tool.name;
  return restyle(
    rng,
    spec,
    (p, a) => heldOutAlias(name, p, a),
    (i) => heldOutDescription(name, i),
    1,
    1,
  );
}

/** The arguments under the declared names. */
export function renamedArguments(args: JsonObject, names: Readonly<Record<string, string>>): JsonObject {
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [names[k] ?? k, v]));
}

export function usesRestyle(split: Split): boolean {
  // The held-out split keeps the canonical declarations: eval:toy's 100 cases stay what they were.
  return split === "train";
}
