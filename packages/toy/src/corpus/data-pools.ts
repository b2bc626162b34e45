/**
 * The pools the corpus's data-agent tables are drawn from: kinds of table (orders, trips, readings, shipments,
 * tickets), several names for the table and each column, the values a category takes and the range a number
 * falls in. They name the same things as the data agent's evaluation pools (bench/data-agent-pools.ts) on
 * purpose: the toy can only ever write tokens it was trained on (docs/toy-model.md, "Vocabulary"), so every
 * table, column and value name a question may use must occur here. What the corpus draws from them is its own:
 * other subsets of values, other rows, and tables that borrow a column from another kind (data-tables.ts), so a
 * held-out evaluation table is a combination the toy never saw.
 *
 * Within one category no value contains another as a whole word, so a final answer that names one is unambiguous.
 */

export interface CategoryPool {
  names: readonly string[];
  values: readonly string[];
}

export interface NumberPool {
  names: readonly string[];
  min: number;
  max: number;
  /** Decimals written to the CSV: 0 makes DuckDB read BIGINT, more make it DOUBLE. */
  decimals: number;
}

export interface TableKind {
  names: readonly string[];
  /** The plural noun questions use for the rows. */
  noun: string;
  singular: string;
  categories: readonly CategoryPool[];
  numbers: readonly NumberPool[];
  date: string;
}

const COUNTRIES = [
  "France",
  "Spain",
  "Germany",
  "Italy",
  "Japan",
  "Brazil",
  "Canada",
  "Kenya",
  "Norway",
  "Chile",
];
const CITIES = ["Paris", "Lisbon", "Oslo", "Denver", "Osaka", "Nairobi", "Lima", "Dublin", "Austin", "Perth"];

export const DATA_TABLE_KINDS: readonly TableKind[] = [
  {
    names: ["orders", "purchases", "sales"],
    noun: "orders",
    singular: "order",
    categories: [
      { names: ["country", "market"], values: COUNTRIES },
      {
        names: ["status", "order_status"],
        values: ["shipped", "pending", "cancelled", "returned", "delivered"],
      },
      { names: ["product", "item"], values: ["laptop", "phone", "monitor", "keyboard", "headset", "tablet"] },
    ],
    numbers: [
      { names: ["amount", "total_price"], min: 5, max: 900, decimals: 2 },
      { names: ["quantity", "units"], min: 1, max: 20, decimals: 0 },
    ],
    date: "ordered_on",
  },
  {
    names: ["trips", "rides", "journeys"],
    noun: "trips",
    singular: "trip",
    categories: [
      { names: ["city", "pickup_city"], values: CITIES },
      { names: ["vendor", "operator"], values: ["Acme", "Zoom", "Swift", "Metro", "Orbit"] },
      { names: ["payment", "payment_type"], values: ["card", "cash", "voucher", "wallet"] },
    ],
    numbers: [
      { names: ["distance", "distance_km"], min: 0.5, max: 60, decimals: 1 },
      { names: ["fare", "price"], min: 3, max: 150, decimals: 2 },
      { names: ["passengers", "riders"], min: 1, max: 6, decimals: 0 },
    ],
    date: "trip_date",
  },
  {
    names: ["readings", "measurements", "sensor_data"],
    noun: "readings",
    singular: "reading",
    categories: [
      { names: ["site", "station"], values: ["Alpha", "Bravo", "Delta", "Echo", "Kilo", "Sierra"] },
      { names: ["sensor", "sensor_type"], values: ["thermal", "optical", "acoustic", "magnetic"] },
    ],
    numbers: [
      { names: ["temperature", "temp_c"], min: -15, max: 40, decimals: 1 },
      { names: ["humidity", "humidity_pct"], min: 10, max: 99, decimals: 0 },
    ],
    date: "measured_on",
  },
  {
    names: ["shipments", "deliveries", "parcels"],
    noun: "shipments",
    singular: "shipment",
    categories: [
      { names: ["carrier", "courier"], values: ["FastShip", "Parcelo", "Hermes", "Nordic", "Kite", "Atlas"] },
      { names: ["region", "destination"], values: ["north", "south", "east", "west", "central"] },
      { names: ["priority", "service"], values: ["express", "standard", "economy"] },
    ],
    numbers: [
      { names: ["weight", "weight_kg"], min: 0.2, max: 45, decimals: 2 },
      { names: ["cost", "shipping_cost"], min: 2, max: 300, decimals: 2 },
    ],
    date: "shipped_on",
  },
  {
    names: ["tickets", "support_requests", "cases"],
    noun: "tickets",
    singular: "ticket",
    categories: [
      {
        names: ["team", "queue"],
        values: ["billing", "network", "accounts", "hardware", "mobile", "security"],
      },
      { names: ["channel", "source"], values: ["email", "phone", "chat", "web"] },
    ],
    numbers: [
      { names: ["response_minutes", "wait_minutes"], min: 1, max: 600, decimals: 0 },
      { names: ["satisfaction", "rating"], min: 1, max: 5, decimals: 1 },
    ],
    date: "opened_on",
  },
];
