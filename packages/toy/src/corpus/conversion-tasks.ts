/**
 * Unit conversions: lengths, weights and volumes by a two-decimal factor (integer arithmetic in hundredths, so
 * `37 * 0.62 = 22.94` is exact), and temperatures by 9/5 and 32 on values that come out whole.
 */
import type { SeededRandom } from "@overtone/makers";
import { intBetween, pick } from "./random-choice.js";
import type { AnswerTask } from "./task.js";

interface UnitPair {
  from: string;
  /** "1 mile is about…": the from-unit in the singular. */
  one: string;
  to: string;
  /** The factor in hundredths: km → miles 0.62 is 62. */
  factor: number;
}

const PAIRS: readonly UnitPair[] = [
  { from: "km", one: "km", to: "miles", factor: 62 },
  { from: "miles", one: "mile", to: "km", factor: 161 },
  { from: "kg", one: "kg", to: "pounds", factor: 220 },
  { from: "pounds", one: "pound", to: "kg", factor: 45 },
  { from: "meters", one: "meter", to: "feet", factor: 328 },
  { from: "feet", one: "foot", to: "meters", factor: 30 },
  { from: "liters", one: "liter", to: "gallons", factor: 26 },
  { from: "gallons", one: "gallon", to: "liters", factor: 379 },
];

/** A count of hundredths as the shortest decimal: 2294 → "22.94", 620 → "6.2", 300 → "3". */
export function hundredthsText(hundredths: number): string {
  const sign = hundredths < 0 ? "-" : "";
  const abs = Math.abs(hundredths);
  const whole = Math.floor(abs / 100);
  const rest = abs % 100;
  if (rest === 0) return `${sign}${whole}`;
  const decimals = String(rest).padStart(2, "0").replace(/0$/, "");
  return `${sign}${whole}.${decimals}`;
}

function drawFactorConversion(rng: SeededRandom): AnswerTask {
  const pair = pick(rng, PAIRS);
  // Results stay under 200, so every number in them is one the arithmetic teaches too.
  const value = intBetween(rng, 2, Math.min(100, Math.floor(19_999 / pair.factor)));
  const f = hundredthsText(pair.factor);
  const r = hundredthsText(value * pair.factor);
  const equation = `${value} * ${f} = ${r}`;
  const restate = `The user wants ${value} ${pair.from} in ${pair.to}.`;
  const rule = `1 ${pair.one} is about ${f} ${pair.to}.`;
  return {
    kind: "answer",
    category: "conversion",
    fill: `${pair.from}>${pair.to}|${value}`,
    question: pick(rng, [
      `Convert ${value} ${pair.from} to ${pair.to}.`,
      `What is ${value} ${pair.from} in ${pair.to}?`,
      `How many ${pair.to} is ${value} ${pair.from}?`,
    ]),
    analysis: {
      low: `${equation}.`,
      medium: `${restate} ${rule} ${equation}.`,
      high: `${restate} This is a unit conversion. ${rule} So multiply ${value} by ${f}. ${equation}. The answer is about ${r} ${pair.to}.`,
    },
    final: `${value} ${pair.from} is about ${r} ${pair.to}.`,
    answerContains: r,
  };
}

function drawTemperature(rng: SeededRandom): AnswerTask {
  const toFahrenheit = rng.nextU32() % 2 === 0;
  // Celsius in steps of 5 is Fahrenheit in steps of 9: both sides whole numbers.
  const steps = intBetween(rng, -4, 8);
  const celsius = 5 * steps;
  const fahrenheit = 32 + 9 * steps;
  const [value, from, result, to] = toFahrenheit
    ? [celsius, "celsius", fahrenheit, "fahrenheit"]
    : [fahrenheit, "fahrenheit", celsius, "celsius"];
  const restate = `The user wants ${value} degrees ${from} in ${to}.`;
  const rule = toFahrenheit
    ? "The rule is to multiply by 9 / 5 and add 32."
    : "The rule is to subtract 32 and multiply by 5 / 9.";
  const formula = toFahrenheit ? `${value} * 9 / 5 + 32 = ${result}` : `(${value} - 32) * 5 / 9 = ${result}`;
  const steps3 = toFahrenheit
    ? `First ${value} * 9 = ${value * 9}. Then ${value * 9} / 5 = ${(value * 9) / 5}. Then ${(value * 9) / 5} + 32 = ${result}.`
    : `First ${value} - 32 = ${value - 32}. Then ${value - 32} * 5 = ${(value - 32) * 5}. Then ${(value - 32) * 5} / 9 = ${result}.`;
  return {
    kind: "answer",
    category: "conversion",
    fill: `${from}>${to}|${value}`,
    question: pick(rng, [
      `Convert ${value} degrees ${from} to ${to}.`,
      `What is ${value} degrees ${from} in ${to}?`,
    ]),
    analysis: {
      low: `${formula}.`,
      medium: `${restate} ${rule} ${formula}.`,
      high: `${restate} ${rule} ${steps3} So it is ${result} degrees ${to}.`,
    },
    final: `${value} degrees ${from} is ${result} degrees ${to}.`,
    answerContains: String(result),
  };
}

export function drawConversion(rng: SeededRandom): AnswerTask {
  return rng.nextU32() % 4 === 0 ? drawTemperature(rng) : drawFactorConversion(rng);
}
