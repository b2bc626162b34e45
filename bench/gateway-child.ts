/**
 * Child process of `bench:gateway`: the gateway (createGateway on node:http, as `overtone serve` runs it) in
 * front of the synthetic upstream, through the real openai-compatible backend (flavor llama-server, as the
 * upstream's chunks are). Tells the parent its port, and answers its messages: `cpu` with its CPU time so far
 * (the parent charges the gateway's own CPU per chunk), `profile-start` / `profile-stop <file>` with a V8 CPU
 * profile of just the measured phases (the bench's `--profile`), `exit`.
 * `tsx bench/gateway-child.ts <upstream url>`, with IPC.
 */
import { writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { Session } from "node:inspector/promises";
import type { AddressInfo } from "node:net";
import { createOpenAICompatible } from "../packages/overtone/src/backends/index.js";
import { createGateway } from "../packages/overtone/src/gateway/gateway.js";

const upstream = process.argv[2];
if (upstream === undefined || process.send === undefined) {
  throw new Error("run by bench/gateway.bench.ts: tsx bench/gateway-child.ts <upstream url>, with IPC");
}

const gateway = createGateway({
  models: [
    {
      name: "gpt-oss-20b",
      backend: createOpenAICompatible({ baseURL: upstream, flavor: "llama-server" }),
      upstreamModel: "openai/gpt-oss-20b",
      reasoningField: "reasoning",
      defaults: {},
      since: new Date(),
    },
  ],
});
const server = createServer(gateway.handle);
server.keepAliveTimeout = 60_000;
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
process.send({ port: (server.address() as AddressInfo).port });

const inspector = new Session();
process.on("message", async (message: string | { profileStop: string }) => {
  if (message === "cpu") process.send?.({ cpu: process.cpuUsage() });
  if (message === "profile-start") {
    inspector.connect();
    await inspector.post("Profiler.enable");
    await inspector.post("Profiler.setSamplingInterval", { interval: 100 });
    await inspector.post("Profiler.start");
    process.send?.({ profiling: true });
  }
  if (typeof message === "object" && "profileStop" in message) {
    const { profile } = await inspector.post("Profiler.stop");
    await writeFile(message.profileStop, JSON.stringify(profile));
    inspector.disconnect();
    process.send?.({ profiled: message.profileStop });
  }
  if (message === "exit") {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  }
});
