/**
 * Every route the gateway answers, with the protocol its errors are written in. The OpenAI routes live under
 * `/v1/`, Ollama's under `/api/` plus its `GET /` probe; `/health` and `/metrics` are the gateway's own and need
 * no API key (a load balancer or Prometheus polls them). HEAD is answered like GET (Node sends no body), as Open
 * WebUI's connection check expects of `/` and `/api/version` (gateway.md §8 rule 43).
 */
import type { Route } from "./route-types.js";
import { OLLAMA_ROUTES } from "./routes-ollama.js";
import { OPENAI_ROUTES } from "./routes-openai.js";

export type { Protocol, Route } from "./route-types.js";

const OWN_ROUTES: readonly Route[] = [
  {
    name: "health",
    method: "GET",
    path: "/health",
    protocol: "openai",
    open: true,
    async handle(context, state) {
      context.sendJson(200, { status: "ok", models: state.models.all().map((model) => model.name) });
    },
  },
  {
    name: "metrics",
    method: "GET",
    path: "/metrics",
    protocol: "openai",
    open: true,
    async handle(context, state) {
      const text = await state.metrics.text();
      context.response.writeHead(200, { "content-type": state.metrics.contentType });
      context.response.end(text);
    },
  },
];

const ROUTES: readonly Route[] = [...OWN_ROUTES, ...OPENAI_ROUTES, ...OLLAMA_ROUTES];

export function findRoute(method: string, path: string): Route | undefined {
  const asked = method === "HEAD" ? "GET" : method;
  return ROUTES.find(
    (route) =>
      route.method === asked &&
      (route.prefix ? path.startsWith(route.path) && path.length > route.path.length : route.path === path),
  );
}
