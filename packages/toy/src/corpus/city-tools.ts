/**
 * The tools that look something up about one city: weather, local time, time zone, population, air quality and
 * sunrise. `get_weather` has the shape of a typical weather.json (`location`, optional `unit`) so the toy model
 * calls a user's weather tool the way it learned to.
 */
import { InputError } from "@overtone/errors";
import { CITIES, type City, utcOffsetText } from "./places.js";
import { hashOf, pick } from "./random-choice.js";
import {
  clockText,
  dayOfYear,
  enumProperty,
  type JsonObject,
  json,
  objectSchema,
  seasonFactor,
  stringProperty,
  type ToolSpec,
} from "./tool-spec.js";

function cityNamed(name: string, tool: string): City {
  const city = CITIES.find((c) => c.name === name);
  if (city !== undefined) return city;
  throw new InputError(`${tool}: no data for city ${JSON.stringify(name)}`, {
    where: `${tool} arguments`,
    hint: `the toy corpus knows ${CITIES.length} cities, e.g. ${CITIES[0]?.name}`,
  });
}

/** A small, stable wobble in [-spread, spread] for a value that changes from day to day. */
function wobble(spread: number, ...key: (string | number)[]): number {
  return (hashOf(...key) % (2 * spread + 1)) - spread;
}

const SKIES = ["sunny", "cloudy", "rainy", "clear", "windy"] as const;

export const getWeather: ToolSpec = {
  tool: {
    name: "get_weather",
    description: "Gets the current weather in a city.",
    parameters: objectSchema(
      { location: stringProperty("The city, e.g. Paris"), unit: enumProperty(["celsius", "fahrenheit"]) },
      ["location"],
    ),
  },
  variants: [
    {
      name: "get_weather",
      description: "Get the current weather for a location.",
      parameters: objectSchema(
        {
          location: stringProperty("City name, e.g. London"),
          unit: { ...enumProperty(["celsius", "fahrenheit"]), default: "celsius" },
        },
        ["location"],
      ),
    },
    {
      name: "get_weather",
      description: "Gets the current weather in a given location.",
      parameters: objectSchema(
        {
          location: stringProperty("The city and state, e.g. San Francisco, CA"),
          unit: enumProperty(["celsius", "fahrenheit"]),
        },
        ["location"],
      ),
    },
  ],
  topic: "weather",
  ask(rng) {
    const city = pick(rng, CITIES).name;
    const unit = pick(rng, [undefined, undefined, undefined, "celsius", "fahrenheit"] as const);
    const question =
      unit === undefined
        ? pick(rng, [
            // The phrasing of `overtone run "What's the weather in Paris?"`, twice as likely as the others.
            `What's the weather in ${city}?`,
            `What's the weather in ${city}?`,
            `What is the weather like in ${city} today?`,
            `How warm is it in ${city} right now?`,
            `Is it raining in ${city}?`,
          ])
        : pick(rng, [
            `What's the weather in ${city} in ${unit}?`,
            `What's the temperature in ${city} in ${unit}?`,
          ]);
    const args: JsonObject = unit === undefined ? { location: city } : { location: city, unit };
    return { fill: `get_weather|${city}`, question, arguments: args, need: `the weather in ${city}` };
  },
  argumentNote: (args) =>
    args.unit === undefined
      ? "No unit was asked for, so leave unit out."
      : `The user asked for ${String(args.unit)}, so set unit too.`,
  result(args, date) {
    const location = String(args.location);
    const city = cityNamed(location, "get_weather");
    const day = dayOfYear(date);
    const celsius =
      city.meanTempC +
      Math.round(city.seasonalSwingC * seasonFactor(day, city.latitude)) +
      wobble(3, "temp", location, day);
    const unit = args.unit === "fahrenheit" ? "fahrenheit" : "celsius";
    const temperature = unit === "celsius" ? celsius : Math.round((celsius * 9) / 5 + 32);
    const sky = SKIES[hashOf("sky", location, day) % SKIES.length] as string;
    const summary = `${temperature} degrees ${unit} and ${sky}`;
    return {
      text: json({ location, temperature, unit, sky }),
      mention: String(temperature),
      summary,
      final: `It is ${summary} in ${location}.`,
    };
  },
};

/** The spec of a tool whose only argument is `city`. */
function cityTool(
  name: string,
  description: string,
  topic: string,
  questions: readonly ((city: string) => string)[],
  need: (city: string) => string,
  result: (city: City, day: number) => { value: JsonObject; mention: string; summary: string; final: string },
): ToolSpec {
  return {
    tool: { name, description, parameters: objectSchema({ city: stringProperty() }, ["city"]) },
    topic,
    ask(rng) {
      const city = pick(rng, CITIES).name;
      const question = pick(rng, questions)(city);
      return { fill: `${name}|${city}`, question, arguments: { city }, need: need(city) };
    },
    argumentNote: () => "It takes nothing else.",
    result(args, date) {
      const { value, mention, summary, final } = result(cityNamed(String(args.city), name), dayOfYear(date));
      return { text: json(value), mention, summary, final };
    },
  };
}

export const getTime = cityTool(
  "get_time",
  "Gets the current local time in a city.",
  "clock",
  [
    (c) => `What time is it in ${c}?`,
    (c) => `What's the local time in ${c}?`,
    (c) => `Tell me the time in ${c}.`,
  ],
  (c) => `the time in ${c}`,
  (city, day) => {
    const utcMinute = hashOf("clock", day, city.name) % 1440;
    const time = clockText(utcMinute + city.utcOffsetMinutes);
    return {
      value: { city: city.name, time },
      mention: time,
      summary: time,
      final: `It is ${time} in ${city.name}.`,
    };
  },
);

export const getTimezone = cityTool(
  "get_timezone",
  "Gets the time zone of a city.",
  "time zones",
  [(c) => `What time zone is ${c} in?`, (c) => `Which time zone does ${c} use?`],
  (c) => `the time zone of ${c}`,
  (city) => {
    const zone = utcOffsetText(city.utcOffsetMinutes);
    return {
      value: { city: city.name, timezone: zone },
      mention: zone,
      summary: zone,
      final: `${city.name} is in ${zone}.`,
    };
  },
);

export const lookupPopulation = cityTool(
  "lookup_population",
  "Looks up how many people live in a city.",
  "population",
  [(c) => `What is the population of ${c}?`, (c) => `How many people live in ${c}?`],
  (c) => `the population of ${c}`,
  (city) => {
    const population = `${city.populationMillions} million`;
    return {
      value: { city: city.name, population },
      mention: population,
      summary: `${population} people`,
      final: `About ${population} people live in ${city.name}.`,
    };
  },
);

export const getAirQuality = cityTool(
  "get_air_quality",
  "Gets the current air quality index of a city.",
  "air quality",
  [(c) => `What is the air quality in ${c}?`, (c) => `How clean is the air in ${c} today?`],
  (c) => `the air quality in ${c}`,
  (city, day) => {
    // Capped under 200: larger numbers would come only from a few cities, too rare to learn.
    const aqi = Math.min(
      199,
      city.typicalAqi + wobble(Math.ceil(city.typicalAqi / 4), "aqi", city.name, day),
    );
    const level = aqi <= 50 ? "good" : aqi <= 100 ? "moderate" : "poor";
    return {
      value: { city: city.name, aqi, level },
      mention: String(aqi),
      summary: `an index of ${aqi}, which is ${level}`,
      final: `The air quality index in ${city.name} is ${aqi}, which is ${level}.`,
    };
  },
);

export const getSunrise = cityTool(
  "get_sunrise",
  "Gets today's sunrise time in a city.",
  "sunrise times",
  [(c) => `When is sunrise in ${c}?`, (c) => `What time does the sun rise in ${c}?`],
  (c) => `the sunrise time in ${c}`,
  (city, day) => {
    // Near the equator the sun rises about 06:05 all year; towards the poles summer mornings start earlier.
    const minute = 365 - Math.round(Math.abs(city.latitude) * 2 * seasonFactor(day, city.latitude));
    const sunrise = clockText(minute + wobble(4, "sunrise", city.name, day));
    return {
      value: { city: city.name, sunrise },
      mention: sunrise,
      summary: sunrise,
      final: `The sun rises at ${sunrise} in ${city.name}.`,
    };
  },
);
