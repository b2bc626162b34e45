/**
 * Several upstreams serving one model (llama-servers or Ollamas on several machines, or one vLLM per node) as one
 * Backend, the way the gateway routes among them (gateway.md §7):
 *
 * - least busy: the request goes to the healthy replica with the fewest generations in flight (ties: the one
 *   picked longest ago), so a slow replica gets less work without anyone measuring speeds;
 * - affinity: a conversation's next turn goes back to the replica that served its earlier turns while that one
 *   is healthy, so its KV cache (prompt prefix) is reused — keyed by the request's session key when the client
 *   sent one, else by the conversation's stable start (§7.3);
 * - retry only before the first byte: a replica that fails before producing anything (refused, 5xx, 429) is
 *   cooled down and the request moves to the next; once a part has gone to the client there is no retry;
 * - health: every replica's cheap listing endpoint (`listModels`: `/api/tags`, `/v1/models`) is polled; a failed
 *   poll takes it out of rotation, a passing one brings it back.
 */
import { createHash } from "node:crypto";
import { BackendError } from "@overtone/errors";
import type { Part } from "@overtone/harmony";
import type { Backend, GenerateRequest, ModelInfo } from "../backends/contract.js";

export interface ReplicaSetOptions {
  /** How long a replica that failed a request stays out of rotation (default 5 s, LiteLLM's default). */
  cooldownMs?: number;
  /** How often each replica's health is polled (default 10 s; 0: never). */
  healthIntervalMs?: number;
  /** How long a health poll may take (default 3 s). */
  healthTimeoutMs?: number;
  /** Conversations remembered for affinity (default 10,000; the oldest is forgotten first). */
  affinityLimit?: number;
  /**
   * How many more requests in flight than the least busy replica a conversation's own replica may have and still
   * get its next turn (default 2): a reused prefix saves its prefill, but not a wait behind a queue.
   */
  affinitySlack?: number;
}

interface Replica {
  backend: Backend;
  inFlight: number;
  /** Epoch ms until which it takes no new requests. */
  coolUntil: number;
  healthy: boolean;
  lastPicked: number;
}

export interface ReplicaState {
  location: string;
  inFlight: number;
  healthy: boolean;
  coolingDown: boolean;
}

export interface ReplicaSet extends Backend {
  /** Each replica's state, for `/metrics`, `/health` and tests. */
  state(): ReplicaState[];
  /** Polls every replica's health now (also what the interval does). */
  checkHealth(): Promise<void>;
}

export function createReplicaSet(backends: readonly Backend[], options: ReplicaSetOptions = {}): ReplicaSet {
  if (backends.length === 0) throw new Error("a replica set needs at least one backend");
  const cooldownMs = options.cooldownMs ?? 5000;
  const affinityLimit = options.affinityLimit ?? 10_000;
  const affinitySlack = options.affinitySlack ?? 2;
  const replicas: Replica[] = backends.map((backend) => ({
    backend,
    inFlight: 0,
    coolUntil: 0,
    healthy: true,
    lastPicked: 0,
  }));
  const affinity = new Map<string, Replica>();
  let picks = 0;

  const usable = (replica: Replica, now: number) => replica.healthy && replica.coolUntil <= now;

  function pick(key: string | undefined, tried: ReadonlySet<Replica>): Replica | undefined {
    const now = Date.now();
    const best = leastBusy(tried, now);
    const remembered = key === undefined ? undefined : affinity.get(key);
    if (
      remembered !== undefined &&
      !tried.has(remembered) &&
      usable(remembered, now) &&
      remembered.inFlight <= (best?.inFlight ?? 0) + affinitySlack
    )
      return remembered;
    // Every replica cooling down or unhealthy: try the least busy untried one anyway rather than fail outright.
    return best ?? replicas.filter((r) => !tried.has(r)).sort((a, b) => a.inFlight - b.inFlight)[0];
  }

  function leastBusy(tried: ReadonlySet<Replica>, now: number): Replica | undefined {
    let best: Replica | undefined;
    for (const replica of replicas) {
      if (tried.has(replica) || !usable(replica, now)) continue;
      if (
        best === undefined ||
        replica.inFlight < best.inFlight ||
        (replica.inFlight === best.inFlight && replica.lastPicked < best.lastPicked)
      )
        best = replica;
    }
    return best;
  }

  function remember(key: string, replica: Replica): void {
    affinity.delete(key);
    affinity.set(key, replica);
    if (affinity.size > affinityLimit) affinity.delete(affinity.keys().next().value as string);
  }

  async function* stream(request: GenerateRequest): AsyncGenerator<Part, void, undefined> {
    // One upstream has no choice to make: no conversation key to hash (its tool schemas included) or remember.
    const key =
      replicas.length < 2
        ? undefined
        : request.sessionKey !== undefined
          ? `session:${request.sessionKey}`
          : affinityKey(request);
    const tried = new Set<Replica>();
    let lastError: Part | undefined;
    for (let attempt = 0; attempt < replicas.length; attempt++) {
      const replica = pick(key, tried);
      if (replica === undefined) break;
      tried.add(replica);
      replica.inFlight++;
      replica.lastPicked = ++picks;
      const parts = replica.backend.stream(request)[Symbol.asyncIterator]();
      try {
        const first = await parts.next();
        if (!first.done && first.value.type === "error" && worthRetrying(first.value.error)) {
          replica.coolUntil = Date.now() + cooldownMs;
          lastError = first.value;
          if (request.signal?.aborted) break;
          continue;
        }
        if (key !== undefined) remember(key, replica);
        if (first.done) return;
        yield first.value;
        for (let next = await parts.next(); !next.done; next = await parts.next()) yield next.value;
        return;
      } finally {
        replica.inFlight--;
        await parts.return?.();
      }
    }
    yield lastError ?? { type: "error", error: new Error("no replica could take the request") };
  }

  async function checkHealth(): Promise<void> {
    const timeoutMs = options.healthTimeoutMs ?? 3000;
    await Promise.all(
      replicas.map(async (replica) => {
        try {
          await replica.backend.listModels(AbortSignal.timeout(timeoutMs));
          replica.healthy = true;
        } catch {
          replica.healthy = false;
        }
      }),
    );
  }

  const interval = options.healthIntervalMs ?? 10_000;
  const timer = interval > 0 ? setInterval(() => void checkHealth(), interval) : undefined;
  timer?.unref();

  const first = replicas[0] as Replica;
  return {
    kind: first.backend.kind,
    location: replicas.map((r) => r.backend.location).join(", "),
    capabilities: first.backend.capabilities,
    stream,
    async listModels(signal?: AbortSignal): Promise<ModelInfo[]> {
      const healthy = replicas.find((r) => r.healthy) ?? first;
      return healthy.backend.listModels(signal);
    },
    state: () =>
      replicas.map((r) => ({
        location: r.backend.location,
        inFlight: r.inFlight,
        healthy: r.healthy,
        coolingDown: r.coolUntil > Date.now(),
      })),
    checkHealth,
    async close(): Promise<void> {
      if (timer !== undefined) clearInterval(timer);
      await Promise.all(replicas.map((r) => r.backend.close()));
    },
  };
}

/** A failure another replica may not have: unreachable, overloaded, a server error. Not a bad request. */
function worthRetrying(error: Error): boolean {
  if (error instanceof BackendError)
    return error.retryable || (error.status ?? 500) >= 500 || error.status === 429;
  return false;
}

/**
 * What identifies a conversation across its turns (§7.3): the developer message (instructions and tools) and the
 * first user message — both fixed as the conversation grows, unlike the system message's date or effort.
 */
export function affinityKey(request: GenerateRequest): string {
  const messages = request.conversation.messages;
  const developer = messages.find((m) => m.author.role === "developer");
  const user = messages.find((m) => m.author.role === "user");
  return createHash("sha256")
    .update(JSON.stringify([developer?.content ?? null, user?.content ?? null, request.tools ?? null]))
    .digest("hex")
    .slice(0, 32);
}
