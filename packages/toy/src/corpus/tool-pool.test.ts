import { InputError } from "@overtone/errors";
import { SeededRandom } from "@overtone/makers";
import { describe, expect, it } from "vitest";
import { checkToolArguments } from "./json-schema.js";
import { CITIES } from "./places.js";
import { CORPUS_TOOLS, corpusTool, TOOL_SPECS, toolSpec } from "./tool-pool.js";

const DATES = ["2025-01-15", "2025-07-15", "2026-11-22", undefined];

describe("the tool pool", () => {
  it("has ten tools with distinct names, each declared as an object schema", () => {
    const names = CORPUS_TOOLS.map((t) => t.name);
    expect(names).toHaveLength(10);
    expect(new Set(names).size).toBe(10);
    for (const tool of CORPUS_TOOLS) expect(tool.parameters).toMatchObject({ type: "object" });
    expect(corpusTool("get_weather").parameters).toMatchObject({
      properties: { location: { type: "string" }, unit: { enum: ["celsius", "fahrenheit"] } },
      required: ["location"],
    });
    expect(() => toolSpec("get_horoscope")).toThrow(InputError);
  });

  it("asks questions whose arguments fit the schema of the tool and of every variant of it", () => {
    const rng = new SeededRandom(11);
    for (const spec of TOOL_SPECS) {
      for (const declaration of [spec.tool, ...(spec.variants ?? [])]) {
        expect(declaration.name).toBe(spec.tool.name);
        for (let i = 0; i < 50; i++) {
          const asked = spec.ask(rng);
          const check = checkToolArguments(declaration, JSON.stringify(asked.arguments));
          expect(check, `${asked.question} → ${JSON.stringify(asked.arguments)}`).toMatchObject({ ok: true });
        }
      }
    }
  });

  it("takes every string argument from the question's own words", () => {
    const rng = new SeededRandom(12);
    for (const spec of TOOL_SPECS) {
      for (let i = 0; i < 50; i++) {
        const asked = spec.ask(rng);
        for (const value of Object.values(asked.arguments)) {
          // Currency codes may come from names ("euros" → EUR) and units only when asked for.
          if (spec.tool.name === "convert_currency" || typeof value !== "string") continue;
          if (spec.tool.name === "get_stock_price") continue; // company name → ticker
          expect(asked.question).toContain(value);
        }
      }
    }
  });

  it("returns JSON results whose key value the final answer repeats, the same for the same inputs", () => {
    const rng = new SeededRandom(13);
    for (const spec of TOOL_SPECS) {
      for (let i = 0; i < 40; i++) {
        const { arguments: args } = spec.ask(rng);
        const date = DATES[i % DATES.length];
        const result = spec.result(args, date);
        const parsed = JSON.parse(result.text) as Record<string, unknown>;
        expect(Object.values(parsed).map(String)).toContain(result.mention);
        expect(result.final).toContain(result.mention);
        expect(result.summary).toContain(result.mention);
        expect(spec.result(args, date)).toEqual(result);
      }
    }
  });

  it("gives plausible values: weather by season and hemisphere, clock times, prices", () => {
    const weather = toolSpec("get_weather");
    const temp = (city: string, date: string, unit?: string) =>
      (
        JSON.parse(weather.result(unit ? { location: city, unit } : { location: city }, date).text) as {
          temperature: number;
        }
      ).temperature;
    // Midsummer vs midwinter: the seasonal swing (8 °C in Paris) dominates the ±3 °C daily wobble.
    expect(temp("Paris", "2025-07-20")).toBeGreaterThan(temp("Paris", "2025-01-20"));
    expect(temp("Sydney", "2025-07-20")).toBeLessThan(temp("Sydney", "2025-01-20"));
    for (const city of CITIES) {
      const c = temp(city.name, "2025-04-01");
      expect(c).toBeGreaterThan(-30);
      expect(c).toBeLessThan(50);
      expect(temp(city.name, "2025-04-01", "fahrenheit")).toBe(Math.round((c * 9) / 5 + 32));
    }
    const clock = /^([01]\d|2[0-3]):[0-5]\d$/;
    for (const city of CITIES) {
      const time = JSON.parse(toolSpec("get_time").result({ city: city.name }, "2025-03-03").text).time;
      const sunrise = JSON.parse(
        toolSpec("get_sunrise").result({ city: city.name }, "2025-03-03").text,
      ).sunrise;
      expect(time).toMatch(clock);
      expect(sunrise).toMatch(/^0[3-9]:[0-5]\d$/);
    }
    const converted = JSON.parse(
      toolSpec("convert_currency").result({ amount: 100, from: "USD", to: "EUR" }, undefined).text,
    );
    expect(converted.result).toBe(92);
  });

  it("refuses arguments it has no data for, naming the tool and the value", () => {
    expect(() => toolSpec("get_weather").result({ location: "Atlantis" }, undefined)).toThrow(
      /get_weather: no data for city "Atlantis"/,
    );
    expect(() =>
      toolSpec("translate_word").result({ word: "water", language: "Klingon" }, undefined),
    ).toThrow(InputError);
  });
});
