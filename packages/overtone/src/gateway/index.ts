/**
 * `@overtone/overtone/gateway`: the OpenAI- and Ollama-compatible gateway as a library — a node:http request
 * handler (`createGateway(options).handle`) to mount in any Node server, the models it serves, replica sets, and
 * the config file with its hot reload. `overtone serve` is this, on a port. The protocol modules are internal.
 */

// The errors this layer throws (all of them: @overtone/overtone/errors).
export { BackendError, ConfigError, InputError, isOvertoneError, OvertoneError } from "@overtone/errors";
export {
  type GatewayConfig,
  type ModelConfig,
  parseGatewayConfig,
  type UpstreamConfig,
  type UpstreamKind,
} from "./config.js";
export {
  type ConfigWatch,
  type ReloadEvent,
  readGatewayConfig,
  watchGatewayConfig,
} from "./config-reload.js";
export { type AccessLogEntry, createGateway, type Gateway, type GatewayOptions } from "./gateway.js";
export type { GatewayMetrics, PartWatch } from "./metrics.js";
export type { ModelTable } from "./model-table.js";
export { GatewayError, type ReasoningField, type ServedModel } from "./protocol.js";
export {
  affinityKey,
  createReplicaSet,
  type ReplicaSet,
  type ReplicaSetOptions,
  type ReplicaState,
} from "./replica-set.js";
export {
  retire,
  type ServedModelOptions,
  type ServedModels,
  servedModels,
} from "./served-models.js";
