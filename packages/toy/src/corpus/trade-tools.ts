/**
 * The tools that are not about one city: currency conversion, share prices, word translation and flight search.
 * Their arguments come straight from the question (codes, symbols, words, two cities).
 */
import { InputError } from "@overtone/errors";
import { CITIES } from "./places.js";
import { hashOf, pick, pickIndexed, sample } from "./random-choice.js";
import { enumProperty, json, objectSchema, stringProperty, type ToolSpec } from "./tool-spec.js";
import {
  COMPANIES,
  CURRENCIES,
  CURRENCY_AMOUNTS,
  type Currency,
  LANGUAGES,
  type Language,
  TRANSLATABLE_WORDS,
} from "./word-pools.js";

function unknown(tool: string, what: string, value: unknown): InputError {
  return new InputError(`${tool}: no data for ${what} ${JSON.stringify(value)}`, {
    where: `${tool} arguments`,
    hint: "the toy corpus only knows the values its own questions use",
  });
}

function currency(code: unknown): Currency {
  const found = CURRENCIES.find((c) => c.code === code);
  if (found === undefined) throw unknown("convert_currency", "currency", code);
  return found;
}

export const convertCurrency: ToolSpec = {
  tool: {
    name: "convert_currency",
    description: "Converts an amount of money from one currency to another.",
    parameters: objectSchema(
      {
        amount: { type: "number" },
        from: enumProperty(CURRENCIES.map((c) => c.code)),
        to: enumProperty(CURRENCIES.map((c) => c.code)),
      },
      ["amount", "from", "to"],
    ),
  },
  topic: "currency conversion",
  ask(rng) {
    const amount = pick(rng, CURRENCY_AMOUNTS);
    const [from, to] = sample(rng, CURRENCIES, 2) as [Currency, Currency];
    const question = pick(rng, [
      `Convert ${amount} ${from.code} to ${to.code}.`,
      `How much is ${amount} ${from.code} in ${to.code}?`,
      `How much is ${amount} ${from.name} in ${to.name}?`,
    ]);
    return {
      fill: `convert_currency|${amount}|${from.code}|${to.code}`,
      question,
      arguments: { amount, from: from.code, to: to.code },
      need: `${amount} ${from.code} in ${to.code}`,
    };
  },
  argumentNote: () => "The names of the currencies become their codes.",
  result(args) {
    const from = currency(args.from);
    const to = currency(args.to);
    const amount = Number(args.amount);
    // Cents, rounded once: the printed number is exactly what the JSON holds.
    const result = Math.round((amount * 100 * to.perDollarHundredths) / from.perDollarHundredths) / 100;
    return {
      text: json({ amount, from: from.code, to: to.code, result }),
      mention: String(result),
      summary: `${result} ${to.code}`,
      final: `${amount} ${from.code} is about ${result} ${to.code}.`,
    };
  },
};

export const getStockPrice: ToolSpec = {
  tool: {
    name: "get_stock_price",
    description: "Gets the latest share price for a stock symbol.",
    parameters: objectSchema({ symbol: stringProperty("The ticker symbol, e.g. AAPL") }, ["symbol"]),
  },
  topic: "stock prices",
  ask(rng) {
    const company = pick(rng, COMPANIES);
    const [question, phrasing] = pickIndexed(rng, [
      `What is the stock price of ${company.symbol}?`,
      `How much is one share of ${company.name}?`,
      `What is ${company.name} stock trading at?`,
    ]);
    return {
      // Eight companies only: held out are unseen (company, phrasing) pairs, so every name is also trained on.
      fill: `get_stock_price|${company.symbol}|${phrasing}`,
      question,
      arguments: { symbol: company.symbol },
      need: `the share price of ${company.name}`,
    };
  },
  argumentNote: (args) => `The ticker symbol is ${String(args.symbol)}.`,
  result(args, date) {
    const company = COMPANIES.find((c) => c.symbol === args.symbol);
    if (company === undefined) throw unknown("get_stock_price", "symbol", args.symbol);
    const h = hashOf("stock", company.symbol, date ?? "");
    const price = (company.typicalPrice * 100 + ((h % 1900) - 950)) / 100;
    return {
      text: json({ symbol: company.symbol, price, currency: "USD" }),
      mention: String(price),
      summary: `${price} US dollars`,
      final: `${company.name} is at ${price} US dollars per share.`,
    };
  },
};

export const translateWord: ToolSpec = {
  tool: {
    name: "translate_word",
    description: "Translates one English word into another language.",
    parameters: objectSchema({ word: stringProperty(), language: enumProperty(LANGUAGES) }, [
      "word",
      "language",
    ]),
  },
  topic: "translation",
  ask(rng) {
    const { word } = pick(rng, TRANSLATABLE_WORDS);
    const language = pick(rng, LANGUAGES);
    const [question, phrasing] = pickIndexed(rng, [
      `How do you say ${word} in ${language}?`,
      `Translate ${word} into ${language}.`,
      `What is the ${language} word for ${word}?`,
    ]);
    return {
      // With the phrasing: each translation is its own token sequence, so it must also occur in training.
      fill: `translate_word|${word}|${language}|${phrasing}`,
      question,
      arguments: { word, language },
      need: `the ${language} word for ${word}`,
    };
  },
  argumentNote: () => "The word is already in English.",
  result(args) {
    const entry = TRANSLATABLE_WORDS.find((w) => w.word === args.word);
    if (entry === undefined) throw unknown("translate_word", "word", args.word);
    if (!(LANGUAGES as readonly unknown[]).includes(args.language))
      throw unknown("translate_word", "language", args.language);
    const language = args.language as Language;
    const translation = entry.translations[language];
    return {
      text: json({ word: entry.word, language, translation }),
      mention: translation,
      summary: translation,
      final: `The ${language} word for ${entry.word} is ${translation}.`,
    };
  },
};

export const searchFlights: ToolSpec = {
  tool: {
    name: "search_flights",
    description: "Finds the cheapest flight between two cities.",
    parameters: objectSchema({ origin: stringProperty(), destination: stringProperty() }, [
      "origin",
      "destination",
    ]),
  },
  topic: "flight search",
  ask(rng) {
    const [origin, destination] = sample(rng, CITIES, 2).map((c) => c.name) as [string, string];
    const question = pick(rng, [
      `Find flights from ${origin} to ${destination}.`,
      `How much is a flight from ${origin} to ${destination}?`,
      `Search for cheap flights from ${origin} to ${destination}.`,
    ]);
    return {
      fill: `search_flights|${origin}|${destination}`,
      question,
      arguments: { origin, destination },
      need: `flights from ${origin} to ${destination}`,
    };
  },
  argumentNote: (args) => `The trip starts in ${String(args.origin)}.`,
  result(args, date) {
    const origin = CITIES.find((c) => c.name === args.origin);
    const destination = CITIES.find((c) => c.name === args.destination);
    if (origin === undefined) throw unknown("search_flights", "origin", args.origin);
    if (destination === undefined) throw unknown("search_flights", "destination", args.destination);
    // Round tens of dollars, dearer the more time zones apart; under 200, numbers the arithmetic teaches too.
    const zones = Math.abs(origin.utcOffsetMinutes - destination.utcOffsetMinutes) / 60;
    const fare = hashOf("fare", origin.name, destination.name, date ?? "") % 7;
    const price = 40 + 10 * (Math.round(zones / 2) + fare);
    return {
      text: json({ origin: origin.name, destination: destination.name, price, currency: "USD" }),
      mention: String(price),
      summary: `${price} US dollars`,
      final: `The cheapest flight from ${origin.name} to ${destination.name} costs ${price} US dollars.`,
    };
  },
};
