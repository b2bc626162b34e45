/**
 * Capitals of countries: a fact the assistant answers from what it knows, no tool needed. Held out are unseen
 * (country, phrasing) pairs, never unseen facts: a model cannot be expected to know a capital it never saw.
 */
import type { SeededRandom } from "@overtone/makers";
import { pick } from "./random-choice.js";
import type { AnswerTask } from "./task.js";

export interface Country {
  name: string;
  capital: string;
  continent: string;
}

const country = (name: string, capital: string, continent: string): Country => ({ name, capital, continent });

export const COUNTRIES: readonly Country[] = [
  country("France", "Paris", "Europe"),
  country("Germany", "Berlin", "Europe"),
  country("Spain", "Madrid", "Europe"),
  country("Italy", "Rome", "Europe"),
  country("Portugal", "Lisbon", "Europe"),
  country("Ireland", "Dublin", "Europe"),
  country("Austria", "Vienna", "Europe"),
  country("Greece", "Athens", "Europe"),
  country("Norway", "Oslo", "Europe"),
  country("Sweden", "Stockholm", "Europe"),
  country("Finland", "Helsinki", "Europe"),
  country("Poland", "Warsaw", "Europe"),
  country("Belgium", "Brussels", "Europe"),
  country("Denmark", "Copenhagen", "Europe"),
  country("Hungary", "Budapest", "Europe"),
  country("Switzerland", "Bern", "Europe"),
  country("Egypt", "Cairo", "Africa"),
  country("Kenya", "Nairobi", "Africa"),
  country("Morocco", "Rabat", "Africa"),
  country("Nigeria", "Abuja", "Africa"),
  country("Japan", "Tokyo", "Asia"),
  country("China", "Beijing", "Asia"),
  country("South Korea", "Seoul", "Asia"),
  country("Thailand", "Bangkok", "Asia"),
  country("Vietnam", "Hanoi", "Asia"),
  country("India", "New Delhi", "Asia"),
  country("Canada", "Ottawa", "North America"),
  country("Mexico", "Mexico City", "North America"),
  country("Cuba", "Havana", "North America"),
  country("Peru", "Lima", "South America"),
  country("Argentina", "Buenos Aires", "South America"),
  country("Chile", "Santiago", "South America"),
  country("Colombia", "Bogota", "South America"),
  country("Australia", "Canberra", "Oceania"),
  country("New Zealand", "Wellington", "Oceania"),
];

const CAPITAL_QUESTIONS: readonly ((country: string) => string)[] = [
  (c) => `What is the capital of ${c}?`,
  (c) => `Which city is the capital of ${c}?`,
  (c) => `Name the capital of ${c}.`,
  (c) => `What's the capital city of ${c}?`,
];

export function drawCapital(rng: SeededRandom): AnswerTask {
  const { name, capital, continent } = pick(rng, COUNTRIES);
  const phrasing = rng.nextU32() % CAPITAL_QUESTIONS.length;
  const restate = `The user asks for the capital of ${name}.`;
  return {
    kind: "answer",
    category: "capital",
    fill: `capital|${name}|${phrasing}`,
    question: (CAPITAL_QUESTIONS[phrasing] as (country: string) => string)(name),
    analysis: {
      low: `The capital of ${name} is ${capital}.`,
      medium: `${restate} ${name} is a country in ${continent}. Its capital is ${capital}.`,
      high: `${restate} This is a geography fact. No tool is needed for it. ${name} is a country in ${continent}. Its capital city is ${capital}. So the answer is ${capital}.`,
    },
    final: `The capital of ${name} is ${capital}.`,
    answerContains: capital,
  };
}
