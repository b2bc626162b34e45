/**
 * The data agent's correction loop on the real sandbox (DuckDB) with replayed model output. The SQL here is
 * SCRIPTED by us — a protocol test of our loop's logic, not of a model. Recorded gpt-oss-120b SQL that fails and
 * is corrected (a text-to-SQL pipeline's, test/fixtures/data-agent/README.md) is replayed in
 * recorded-correction.test.ts; the MindsDB recording (its SQL agent on gpt-oss-20b) is replayed at the end here.
 *
 * Checked: each error kind reaches an isolated correction prompt (no memory, DuckDB's text, the kind's
 * instructions; the table/column list for catalog errors), efforts follow the task (generate high, correct
 * medium, explain low), memory keeps the question and the final answer only, a refused query writes nothing,
 * and a question that keeps failing ends in one InputError line.
 */
import { renderConversationText } from "@overtone/harmony";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentMemory } from "../../packages/overtone/src/agent/index.js";
import { openSandbox, type Sandbox } from "../../packages/overtone/src/data/index.js";
import { DataAgent } from "../../packages/overtone/src/data-agent/index.js";
import { type DataDir, makeDataDir, snapshot } from "../data/data-files.js";
import { finalAnswer, queryCall, ReplayBackend, recordedOutput } from "./replay-backend.js";

let data: DataDir;
let sandbox: Sandbox;

beforeAll(async () => {
  data = await makeDataDir();
  sandbox = await openSandbox([data.sales, data.customers], { timeoutMs: 60_000 });
});
afterAll(() => {
  sandbox?.close();
  data?.remove();
});

function agentOn(outputs: string[], options: { maxRetries?: number; memory?: AgentMemory } = {}) {
  const backend = new ReplayBackend(outputs);
  const agent = new DataAgent({
    backend,
    sandbox,
    memory: options.memory ?? new AgentMemory(),
    date: false,
    ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
  });
  return { backend, agent };
}

const text = (backend: ReplayBackend, i: number) =>
  renderConversationText(backend.requests[i]?.conversation ?? { messages: [] });

describe("data agent: isolated correction (scripted SQL, real DuckDB)", () => {
  it("corrects a wrong column with the catalog, then answers; memory keeps question and answer only", async () => {
    const memory = new AgentMemory();
    const { backend, agent } = agentOn(
      [
        queryCall("SELECT count(*) FROM sales WHERE nation = 'France'"), // scripted: a column that is not there
        queryCall("SELECT count(*) AS orders FROM sales WHERE country = 'France'"), // scripted fix
        finalAnswer("3 orders came from France."),
      ],
      { memory },
    );
    const answer = await agent.ask("How many orders came from France?");
    expect(answer).toMatchObject({
      answer: "3 orders came from France.",
      kind: "number",
      value: 3,
      corrections: 1,
    });
    expect(answer.sql).toBe("SELECT count(*) AS orders FROM sales WHERE country = 'France'");
    expect(answer.steps.map((s) => [s.task, s.tool, s.error?.kind])).toEqual([
      ["generate", "query", "catalog"],
      ["correct", "query", undefined],
    ]);
    expect(backend.requests.map((r) => r.effort)).toEqual(["high", "medium", "low"]);
    const first = backend.requests[0]?.conversation.messages.map((m) => m.author.role);
    expect(first).toEqual(["system", "developer", "user"]);
    const correction = text(backend, 1);
    expect(correction).toContain('Referenced column "nation" not found');
    expect(correction).toContain("sales(order_id BIGINT, country VARCHAR");
    expect(correction).toContain("customers(country VARCHAR, region VARCHAR, vip BOOLEAN)");
    expect(backend.left).toBe(0);
    expect(memory.turns()).toEqual([
      { question: "How many orders came from France?", answer: "3 orders came from France." },
    ]);

    // The next question sees the remembered turn, and nothing of the failure.
    const next = agentOn(
      [queryCall("SELECT sum(amount) AS total FROM sales"), finalAnswer("The total is 34.5.")],
      {
        memory,
      },
    );
    expect((await next.agent.ask("And the total amount?")).value).toBe(34.5);
    const prompt = text(next.backend, 0);
    expect(prompt).toContain("3 orders came from France.");
    expect(prompt).not.toContain("nation");
    expect(prompt).not.toContain("Binder Error");
  });

  it("a correction prompt carries no memory", async () => {
    const memory = new AgentMemory();
    memory.remember("Which countries are there?", "France, Spain and Germany.");
    const { backend, agent } = agentOn(
      [
        queryCall("SELEC count(*) FROM sales"),
        queryCall("SELECT count(*) FROM sales"),
        finalAnswer("5 orders."),
      ],
      { memory },
    );
    await agent.ask("How many orders?");
    expect(text(backend, 0)).toContain("France, Spain and Germany.");
    expect(text(backend, 1)).not.toContain("France, Spain and Germany.");
    expect(text(backend, 1)).toContain("The error (invalid):");
    expect(text(backend, 1)).toContain("DuckDB could not parse the query");
  });

  it("refuses a write, corrects it, and writes nothing", async () => {
    const before = snapshot(data.dir);
    const { backend, agent } = agentOn([
      queryCall(`COPY sales TO '${data.dir}/out.csv'`), // scripted: a write the gate must refuse
      queryCall("SELECT country, sum(amount) AS total FROM sales GROUP BY country ORDER BY total DESC"),
      finalAnswer("Germany leads with 12."),
    ]);
    const answer = await agent.ask("Which country has the highest total?");
    expect(answer.steps[0]?.error?.kind).toBe("refused");
    expect(text(backend, 1)).toContain("only one read-only SELECT");
    expect(answer.kind).toBe("table");
    expect(answer.result?.rows[0]).toEqual(["France", 19.5]);
    expect(snapshot(data.dir)).toEqual(before);
  });

  it("asks once more on an empty result, then accepts an empty answer", async () => {
    const { backend, agent } = agentOn([
      queryCall("SELECT order_id FROM sales WHERE country = 'france'"), // scripted: wrong case
      queryCall("SELECT order_id FROM sales WHERE country = 'Atlantis'"),
      finalAnswer("No orders came from Atlantis."),
    ]);
    const answer = await agent.ask("Which orders came from Atlantis?");
    expect(answer.steps.map((s) => s.error?.kind)).toEqual(["empty", undefined]);
    expect(text(backend, 1)).toContain("Check the filter values against the sample rows");
    expect(answer.result?.rows).toEqual([]);
    expect(answer.answer).toBe("No orders came from Atlantis.");
  });

  it("gives up after the retry limit with one line, and remembers nothing", async () => {
    const memory = new AgentMemory();
    const { agent } = agentOn([queryCall("SELECT amout FROM sales"), queryCall("SELECT amout FROM sales")], {
      maxRetries: 1,
      memory,
    });
    const error = await agent.ask("Total amount?").catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^still failing after 1 correction: catalog: Binder Error/);
    expect((error as Error).message).not.toContain("\n");
    expect(memory.turns()).toEqual([]);
  });
});

describe("data agent: stopping", () => {
  it("a stopped question is not corrected, and not remembered", async () => {
    const memory = new AgentMemory();
    const { backend, agent } = agentOn([queryCall("SELECT count(*) FROM sales"), finalAnswer("5.")], {
      memory,
    });
    const controller = new AbortController();
    controller.abort();
    await expect(agent.ask("How many orders?", { signal: controller.signal })).rejects.toThrow(
      /^the question was stopped before its answer$/,
    );
    expect(backend.requests).toHaveLength(1);
    expect(memory.turns()).toEqual([]);
  });
});

describe("data agent: recorded gpt-oss-20b output (mindsdb/mindshub#11407)", () => {
  const recorded = recordedOutput("mindsdb-11407-gpt-oss-20b.txt");

  it("a call to a tool it does not have is corrected, nothing runs for it", async () => {
    const { backend, agent } = agentOn([
      `${recorded}<|call|>`, // the recording, with the <|call|> the server stripped restored
      queryCall("SELECT count(*) AS n FROM customers"),
      finalAnswer("There are 3 customers."),
    ]);
    const answer = await agent.ask("How many customers are there?");
    expect(answer.steps[0]).toMatchObject({ tool: "sql_db_list_tables", error: { kind: "arguments" } });
    expect(text(backend, 1)).toContain('there is no tool "sql_db_list_tables"');
    expect(answer.value).toBe(3);
  });

  it("verbatim (cut before <|call|>): the turn counts as cut short and is corrected", async () => {
    const { agent } = agentOn([
      recorded,
      queryCall("SELECT count(*) AS n FROM customers"),
      finalAnswer("There are 3 customers."),
    ]);
    const answer = await agent.ask("How many customers are there?");
    expect(answer.steps.map((s) => s.tool)).toEqual(["query"]);
    expect(answer.corrections).toBe(1);
    expect(answer.answer).toBe("There are 3 customers.");
  });
});
