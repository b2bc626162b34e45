import { once } from "node:events";
import { type AddressInfo, connect, createServer, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { StartGate } from "./start-gate.js";

describe("StartGate", () => {
  it("lets requests arriving together start one per event-loop turn, in order, with I/O handled between", async () => {
    // A loopback connection: what a start writes arrives as the peer's data in the loop's next poll, which must
    // come before the next start (as a flowing stream's chunks do in the gateway).
    const server = createServer();
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const writer = connect((server.address() as AddressInfo).port, "127.0.0.1");
    const [reader] = (await once(server, "connection")) as [Socket];
    const order: string[] = [];
    reader.on("data", (data: Buffer) => order.push(`data ${data.toString()}`));
    await once(writer, "ready");
    try {
      const gate = new StartGate();
      const starts = [1, 2, 3].map((i) =>
        gate.turn().then(() => {
          order.push(`start ${i}`);
          writer.write(String(i));
        }),
      );
      await Promise.all(starts);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(order).toEqual(["start 1", "data 1", "start 2", "data 2", "start 3", "data 3"]);
    } finally {
      writer.destroy();
      reader.destroy();
      server.close();
    }
  });

  it("starts a request that arrives alone at the next turn, and again after the gate went idle", async () => {
    const gate = new StartGate();
    await gate.turn();
    await new Promise((resolve) => setTimeout(resolve, 1));
    await expect(gate.turn()).resolves.toBeUndefined();
  });
});
