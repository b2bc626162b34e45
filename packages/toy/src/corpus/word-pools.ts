/**
 * Words, currencies and companies the corpus draws from. Kept small and plain (no accents, lower-case words) so
 * the whole corpus stays within a modest set of token ids the tiny model can learn.
 */

export const LANGUAGES = ["Spanish", "French", "German", "Italian"] as const;
export type Language = (typeof LANGUAGES)[number];

export interface TranslatableWord {
  word: string;
  translations: Readonly<Record<Language, string>>;
}

const entry = (word: string, es: string, fr: string, de: string, it: string): TranslatableWord => ({
  word,
  translations: { Spanish: es, French: fr, German: de, Italian: it },
});

export const TRANSLATABLE_WORDS: readonly TranslatableWord[] = [
  entry("water", "agua", "eau", "Wasser", "acqua"),
  entry("bread", "pan", "pain", "Brot", "pane"),
  entry("cat", "gato", "chat", "Katze", "gatto"),
  entry("dog", "perro", "chien", "Hund", "cane"),
  entry("house", "casa", "maison", "Haus", "casa"),
  entry("book", "libro", "livre", "Buch", "libro"),
  entry("sun", "sol", "soleil", "Sonne", "sole"),
  entry("moon", "luna", "lune", "Mond", "luna"),
  entry("milk", "leche", "lait", "Milch", "latte"),
  entry("apple", "manzana", "pomme", "Apfel", "mela"),
  entry("friend", "amigo", "ami", "Freund", "amico"),
  entry("night", "noche", "nuit", "Nacht", "notte"),
  entry("flower", "flor", "fleur", "Blume", "fiore"),
  entry("fish", "pez", "poisson", "Fisch", "pesce"),
  entry("rain", "lluvia", "pluie", "Regen", "pioggia"),
  entry("snow", "nieve", "neige", "Schnee", "neve"),
  entry("wine", "vino", "vin", "Wein", "vino"),
  entry("sea", "mar", "mer", "Meer", "mare"),
  entry("horse", "caballo", "cheval", "Pferd", "cavallo"),
  entry("red", "rojo", "rouge", "rot", "rosso"),
];

/** Words for the string tasks (reverse, capitals, counting): short, common, lower-case. */
export const STRING_WORDS: readonly string[] = [
  "garden",
  "planet",
  "window",
  "orange",
  "yellow",
  "silver",
  "pencil",
  "rocket",
  "banana",
  "tomato",
  "guitar",
  "dragon",
  "castle",
  "forest",
  "summer",
  "winter",
  "coffee",
  "butter",
  "jungle",
  "button",
  "river",
  "apple",
  "lemon",
  "tiger",
  "candle",
  "mirror",
  "pepper",
  "cookie",
  "cat",
  "book",
];

export interface Currency {
  code: string;
  name: string;
  /** Units of this currency per US dollar, in hundredths (EUR 0.92 → 92), so conversions stay in integers. */
  perDollarHundredths: number;
}

export const CURRENCIES: readonly Currency[] = [
  { code: "USD", name: "US dollars", perDollarHundredths: 100 },
  { code: "EUR", name: "euros", perDollarHundredths: 92 },
  { code: "GBP", name: "British pounds", perDollarHundredths: 79 },
  { code: "CHF", name: "Swiss francs", perDollarHundredths: 88 },
  { code: "CAD", name: "Canadian dollars", perDollarHundredths: 136 },
  { code: "AUD", name: "Australian dollars", perDollarHundredths: 152 },
];

/** Small amounts: results stay under 200, numbers the rest of the corpus uses often too. */
export const CURRENCY_AMOUNTS: readonly number[] = [5, 10, 15, 20, 25, 30, 40, 50, 60, 75, 80, 100];

export interface Company {
  symbol: string;
  name: string;
  /** A typical share price in whole US dollars; quotes vary a little around it. */
  typicalPrice: number;
}

export const COMPANIES: readonly Company[] = [
  { symbol: "AAPL", name: "Apple", typicalPrice: 190 },
  { symbol: "MSFT", name: "Microsoft", typicalPrice: 410 },
  { symbol: "GOOGL", name: "Google", typicalPrice: 170 },
  { symbol: "AMZN", name: "Amazon", typicalPrice: 180 },
  { symbol: "TSLA", name: "Tesla", typicalPrice: 240 },
  { symbol: "NVDA", name: "Nvidia", typicalPrice: 120 },
  { symbol: "META", name: "Meta", typicalPrice: 500 },
  { symbol: "NFLX", name: "Netflix", typicalPrice: 650 },
];

export const DEVELOPER_INSTRUCTIONS: readonly string[] = [
  "Answer briefly.",
  "Keep answers short.",
  "You are a helpful assistant. Be concise.",
  "Use the tools when they help.",
  "Be friendly and brief.",
];
