/**
 * What a route is (routes.ts lists them): its path, the protocol its errors are written in, and its handler.
 */
import type { GatewayMetrics } from "./metrics.js";
import type { ModelTable } from "./model-table.js";
import type { RequestContext } from "./request-context.js";

export type Protocol = "openai" | "ollama";

export interface GatewayState {
  models: ModelTable;
  metrics: GatewayMetrics;
}

export interface Route {
  /** For metrics: a fixed name, never the raw path. */
  name: string;
  method: "GET" | "POST";
  /** Exact path, or a prefix ending in `/` with `prefix: true`. */
  path: string;
  prefix?: boolean;
  protocol: Protocol;
  /** Served without an API key. */
  open?: boolean;
  handle(context: RequestContext, state: GatewayState): Promise<void>;
}
