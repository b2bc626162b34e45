/**
 * A gateway on a free local port in front of given backends, for tests that point real clients at it.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type OpenAI from "openai";
import type { Backend } from "../../packages/overtone/src/backends/contract.js";
import {
  type AccessLogEntry,
  createGateway,
  type Gateway,
  type GatewayOptions,
} from "../../packages/overtone/src/gateway/gateway.js";
import type { ReasoningField } from "../../packages/overtone/src/gateway/protocol.js";

export interface RunningGateway {
  /** `http://127.0.0.1:PORT` */
  base: string;
  gateway: Gateway;
  log: AccessLogEntry[];
  close(): Promise<void>;
}

export interface ServedBackend {
  name: string;
  backend: Backend;
  upstreamModel?: string;
  reasoningField?: ReasoningField;
}

/** `options`: the gateway's other settings (time limit, keep-alive interval, body limit, …). */
export async function startGateway(
  models: readonly ServedBackend[],
  options: Omit<GatewayOptions, "models" | "log"> = {},
): Promise<RunningGateway> {
  const log: AccessLogEntry[] = [];
  const gateway = createGateway({
    models: models.map((m) => ({
      name: m.name,
      backend: m.backend,
      ...(m.upstreamModel !== undefined ? { upstreamModel: m.upstreamModel } : {}),
      reasoningField: m.reasoningField ?? "reasoning",
      defaults: {},
      since: new Date(),
    })),
    log: (entry) => log.push(entry),
    ...options,
  });
  const server = createServer(gateway.handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    gateway,
    log,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** get_weather as the toy model learned it (packages/toy/src/corpus/city-tools.ts). */
export const GET_WEATHER = {
  name: "get_weather",
  description: "Gets the current weather in a city.",
  parameters: {
    type: "object",
    properties: {
      location: { type: "string", description: "The city, e.g. Paris" },
      unit: { type: "string", enum: ["celsius", "fahrenheit"] },
    },
    required: ["location"],
  },
};

/** GET_WEATHER as an OpenAI chat tool, and the question the toy model answers with a call to it. */
export const WEATHER_TOOL = { type: "function" as const, function: GET_WEATHER };
export const ASK_WEATHER = "What's the weather in Paris?";

/** The weather round trip's second turn: the model's call, answered with a fixed forecast. */
export function weatherFollowUp(
  openai: OpenAI,
  call: OpenAI.Chat.ChatCompletionMessageToolCall,
): Promise<OpenAI.Chat.ChatCompletion> {
  return openai.chat.completions.create({
    model: "toy",
    temperature: 0,
    tools: [WEATHER_TOOL],
    messages: [
      { role: "user", content: ASK_WEATHER },
      { role: "assistant", content: null, tool_calls: [call] },
      {
        role: "tool",
        tool_call_id: call.id,
        content: '{"temperature": 21, "unit": "celsius", "sky": "sunny"}',
      },
    ],
  });
}
