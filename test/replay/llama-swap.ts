/**
 * llama-server behind llama-swap, as 037 was recorded. The backend's `auto` asks `/v1/models` and `/props` first;
 * llama-swap lists model names only (its listModelsHandler: id, object, created, owned_by), without llama.cpp's
 * `meta.n_vocab`, and does not pass `/props` on, so the backend keeps the chat route these recordings show (a
 * bare llama-server with a gpt-oss vocabulary gets `/completion`: clients-llama-server.test.ts). Neither answer
 * is recorded; both are written here in llama-swap's shape. Shared by the gateway's replay matrix and proofread's.
 */
import type { ReplayRoute } from "./replay-server.js";

export const LLAMA_SWAP: ReplayRoute[] = [
  {
    method: "GET",
    path: "/v1/models",
    response: {
      status: 200,
      headers: { "content-type": "application/json" },
      chunks: [
        JSON.stringify({
          object: "list",
          data: [{ id: "openai/gpt-oss-20b", object: "model", created: 1767411340, owned_by: "llama-swap" }],
        }),
      ],
    },
  },
  { method: "GET", path: "/props", response: { status: 404, chunks: ["404 page not found\n"] } },
];
