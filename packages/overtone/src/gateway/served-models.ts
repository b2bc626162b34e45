/**
 * The served models a config describes, with their backends made: each upstream through `createBackend` (an
 * embedded model is resolved, downloaded if needed, and loaded), and a model with several upstreams behind a
 * replica set (replica-set.ts). On a reload, a model whose upstreams did not change keeps its backends — an
 * embedded model stays loaded and a conversation's replica keeps its cache — and only what changed is made anew.
 */
import type { Backend } from "../backends/contract.js";
import { createBackend } from "../backends/create-backend.js";
import type { DownloadProgress } from "../engine/models/progress.js";
import type { ModelConfig, UpstreamConfig } from "./config.js";
import type { ServedModel } from "./protocol.js";
import { createReplicaSet, type ReplicaSet, type ReplicaSetOptions } from "./replica-set.js";

export interface ServedModels {
  models: ServedModel[];
  /** The backends of the previous set that the new one no longer uses (`retire` closes them once idle). */
  retired: Backend[];
}

/** Closes backends once no generation runs on them (a reload's leftovers), checking every `everyMs`. */
export async function retire(backends: readonly Backend[], everyMs = 1000): Promise<void> {
  const busy = (backend: Backend) =>
    "state" in backend && (backend as ReplicaSet).state().some((replica) => replica.inFlight > 0);
  await Promise.all(
    backends.map(async (backend) => {
      while (busy(backend)) await new Promise((resolve) => setTimeout(resolve, everyMs));
      await backend.close();
    }),
  );
}

export interface ServedModelOptions {
  replicas?: ReplicaSetOptions;
  /** Progress of an embedded model's download, per model name. */
  onProgress?: (name: string, progress: DownloadProgress) => void;
}

/** Makes the backends `configs` need, reusing those of `previous` (the models served until now) that still fit. */
export async function servedModels(
  configs: readonly ModelConfig[],
  previous: readonly ServedModel[] = [],
  options: ServedModelOptions = {},
): Promise<ServedModels> {
  const reusable = new Map(previous.map((model) => [model.upstreamKey, model.backend]));
  const kept = new Set<Backend>();
  const made: Backend[] = [];
  const models: ServedModel[] = [];
  try {
    for (const config of configs) {
      const key = JSON.stringify(config.upstreams);
      let backend = reusable.get(key);
      if (backend === undefined || kept.has(backend)) {
        backend = await backendFor(config, options);
        made.push(backend);
      }
      kept.add(backend);
      models.push({
        name: config.name,
        aliases: config.aliases,
        backend,
        upstreamKey: key,
        ...upstreamModel(config.upstreams),
        reasoningField: config.reasoningField,
        defaults: config.defaults,
        since: new Date(),
      });
    }
  } catch (error) {
    // Nothing half-made stays open: the caller keeps serving the previous set.
    await Promise.all(made.map((backend) => backend.close()));
    throw error;
  }
  return { models, retired: previous.map((m) => m.backend).filter((b) => !kept.has(b)) };
}

/** One upstream's model name, when every upstream names the same (the request then carries it). */
function upstreamModel(upstreams: readonly UpstreamConfig[]): { upstreamModel?: string } {
  const names = new Set(upstreams.map((u) => (u.backend === "embedded" ? undefined : u.model)));
  const [only] = names;
  return names.size === 1 && only !== undefined ? { upstreamModel: only } : {};
}

async function backendFor(config: ModelConfig, options: ServedModelOptions): Promise<Backend> {
  const backends: Backend[] = [];
  try {
    for (const upstream of config.upstreams)
      backends.push(await upstreamBackend(upstream, config.name, options));
  } catch (error) {
    await Promise.all(backends.map((backend) => backend.close()));
    throw error;
  }
  // Even one upstream goes behind a replica set: it counts the generations in flight, which a reload waits
  // for before closing a backend it no longer uses. One replica has no one to fail over to: no health polls.
  return createReplicaSet(
    backends,
    backends.length > 1 ? options.replicas : { ...options.replicas, healthIntervalMs: 0 },
  );
}

async function upstreamBackend(
  upstream: UpstreamConfig,
  name: string,
  options: ServedModelOptions,
): Promise<Backend> {
  if (upstream.backend === "embedded") {
    const backend = await createBackend({
      kind: "embedded",
      model: upstream.model as string,
      ...(upstream.threads !== undefined ? { threads: upstream.threads } : {}),
      ...(upstream.parallel !== undefined ? { parallel: upstream.parallel } : {}),
      ...(options.onProgress !== undefined ? { onProgress: (p) => options.onProgress?.(name, p) } : {}),
    });
    await backend.ready();
    return backend;
  }
  return createBackend({
    kind: upstream.backend,
    baseURL: upstream.url as string,
    ...(upstream.model !== undefined ? { model: upstream.model } : {}),
    ...(upstream.apiKey !== undefined ? { apiKey: upstream.apiKey } : {}),
  });
}
