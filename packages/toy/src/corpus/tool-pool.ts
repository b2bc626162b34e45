/**
 * The pool of ten function tools the corpus declares in developer messages, and lookups by name. A developer
 * message gets a random subset, so the toy model learns to call a tool only when the fitting one is listed.
 */
import { InputError } from "@overtone/errors";
import type { ToolDescription } from "@overtone/harmony";
import {
  getAirQuality,
  getSunrise,
  getTime,
  getTimezone,
  getWeather,
  lookupPopulation,
} from "./city-tools.js";
import type { ToolSpec } from "./tool-spec.js";
import { convertCurrency, getStockPrice, searchFlights, translateWord } from "./trade-tools.js";

export const TOOL_SPECS: readonly ToolSpec[] = [
  getWeather,
  getTime,
  getTimezone,
  lookupPopulation,
  getAirQuality,
  getSunrise,
  convertCurrency,
  getStockPrice,
  translateWord,
  searchFlights,
];

/** The tools as a developer message declares them (e.g. for a `--tools` file the toy model understands). */
export const CORPUS_TOOLS: readonly ToolDescription[] = TOOL_SPECS.map((spec) => spec.tool);

export function toolSpec(name: string): ToolSpec {
  const spec = TOOL_SPECS.find((s) => s.tool.name === name);
  if (spec === undefined) {
    throw new InputError(`unknown corpus tool ${JSON.stringify(name)}`, {
      where: "tool name",
      hint: `one of: ${TOOL_SPECS.map((s) => s.tool.name).join(", ")}`,
    });
  }
  return spec;
}

export function corpusTool(name: string): ToolDescription {
  return toolSpec(name).tool;
}
