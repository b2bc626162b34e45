/**
 * The cities the tool questions are about. Facts are rounded real-world values, so tool results look plausible;
 * the list is short on purpose: a tiny model trained for minutes learns a few dozen names, not an atlas.
 */

export interface City {
  name: string;
  /** Offset from UTC in minutes, standard time (the corpus ignores daylight saving). */
  utcOffsetMinutes: number;
  /** Annual mean temperature and half the summer–winter swing, °C. */
  meanTempC: number;
  seasonalSwingC: number;
  /** Degrees; its sign picks the hemisphere (seasons flip) and its size how much day length varies. */
  latitude: number;
  /** Metropolitan population in millions, one decimal, as text (that is how results print it). */
  populationMillions: string;
  /** Typical air-quality index (US AQI scale). */
  typicalAqi: number;
}

const city = (
  name: string,
  utcOffsetHours: number,
  meanTempC: number,
  seasonalSwingC: number,
  latitude: number,
  populationMillions: string,
  typicalAqi: number,
): City => ({
  name,
  utcOffsetMinutes: utcOffsetHours * 60,
  meanTempC,
  seasonalSwingC,
  latitude,
  populationMillions,
  typicalAqi,
});

export const CITIES: readonly City[] = [
  city("Paris", 1, 12, 8, 49, "2.1", 40),
  city("London", 0, 11, 7, 51, "8.9", 35),
  city("Berlin", 1, 10, 9, 52, "3.7", 35),
  city("Madrid", 1, 15, 10, 40, "3.3", 40),
  city("Rome", 1, 16, 8, 42, "2.8", 45),
  city("Lisbon", 0, 17, 6, 39, "0.5", 30),
  city("Dublin", 0, 10, 5, 53, "0.6", 25),
  city("Vienna", 1, 11, 10, 48, "2.0", 35),
  city("Prague", 1, 9, 10, 50, "1.3", 40),
  city("Athens", 2, 19, 9, 38, "0.7", 45),
  city("Oslo", 1, 6, 10, 60, "0.7", 20),
  city("Stockholm", 1, 7, 10, 59, "1.0", 20),
  city("Helsinki", 2, 5, 11, 60, "0.7", 20),
  city("Warsaw", 1, 8, 10, 52, "1.9", 50),
  city("Amsterdam", 1, 10, 7, 52, "0.9", 30),
  city("Istanbul", 3, 15, 9, 41, "15.7", 60),
  city("Cairo", 2, 22, 7, 30, "10.1", 110),
  city("Nairobi", 3, 18, 2, -1, "4.4", 50),
  city("Cape Town", 2, 17, 4, -34, "4.8", 30),
  city("Dubai", 4, 28, 8, 25, "3.6", 80),
  city("Mumbai", 5.5, 27, 3, 19, "12.5", 140),
  city("Delhi", 5.5, 25, 9, 29, "16.8", 170),
  city("Bangkok", 7, 29, 2, 14, "10.5", 90),
  city("Singapore", 8, 27, 1, 1, "5.9", 50),
  city("Beijing", 8, 13, 15, 40, "21.5", 120),
  city("Seoul", 9, 13, 14, 38, "9.4", 70),
  city("Tokyo", 9, 16, 10, 36, "14.0", 40),
  city("Sydney", 10, 18, 5, -34, "5.3", 25),
  city("Toronto", -5, 9, 13, 44, "2.8", 30),
  city("New York", -5, 13, 12, 41, "8.3", 45),
  city("Chicago", -6, 10, 14, 42, "2.7", 45),
  city("Denver", -7, 10, 11, 40, "0.7", 40),
  city("Seattle", -8, 12, 7, 48, "0.7", 30),
  city("San Francisco", -8, 14, 3, 38, "0.8", 30),
  city("Mexico City", -6, 17, 3, 19, "9.2", 90),
  city("Lima", -5, 19, 4, -12, "10.0", 60),
  city("Buenos Aires", -3, 18, 7, -35, "3.1", 40),
];

/** "UTC+5:30", "UTC-8", "UTC+0": how the time-zone tool and the analysis write an offset. */
export function utcOffsetText(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  const hours = Math.floor(abs / 60);
  const rest = abs % 60;
  return `UTC${sign}${hours}${rest === 0 ? "" : `:${String(rest).padStart(2, "0")}`}`;
}
