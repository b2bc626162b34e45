/**
 * The gateway's Prometheus series (`GET /metrics`), named like vLLM's with our own `gateway:` prefix so dashboards
 * built for vLLM read them (gateway.md §7.4): requests and errors, tokens by channel, time to the first token and
 * to the first answer token (for gpt-oss the answer comes after the reasoning), end-to-end latency, requests in
 * flight, the repairs applied to malformed model output (each repair a generation's finish part lists,
 * by kind: @overtone/harmony's REPAIR_KINDS), and the structured answers that failed their format's check. Labels are the public model name and the route, never a request or
 * user id. One registry per gateway, so two gateways in one process keep their own counts.
 */
import type { FinishPart, Part } from "@overtone/harmony";
import { Counter, Gauge, Histogram, Registry } from "prom-client";

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160];

/** A generation's parts shown to the metrics one by one (Metrics.watch); `close` once, when it ends. */
export interface PartWatch {
  see(part: Part): void;
  close(): void;
}

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests = this.counter("gateway:requests_total", "HTTP requests by route and status.", [
    "route",
    "status",
  ]);
  private readonly success = this.counter(
    "gateway:request_success_total",
    "Generations that finished, by finish reason.",
    ["model_name", "finished_reason"],
  );
  private readonly upstreamErrors = this.counter(
    "gateway:upstream_errors_total",
    "Generations the backend failed (before or during streaming).",
    ["model_name", "backend"],
  );
  private readonly promptTokens = this.counter("gateway:prompt_tokens_total", "Prompt tokens.", [
    "model_name",
  ]);
  private readonly generationTokens = this.counter(
    "gateway:generation_tokens_total",
    "Generated tokens (reasoning included).",
    ["model_name"],
  );
  private readonly reasoningTokens = this.counter(
    "gateway:reasoning_tokens_total",
    "Generated tokens in the analysis channel.",
    ["model_name"],
  );
  private readonly repairs = this.counter(
    "gateway:repairs_total",
    "Repairs applied to malformed model output, by kind.",
    ["model_name", "kind"],
  );
  private readonly structuredInvalid = this.counter(
    "gateway:structured_output_invalid_total",
    "Answers that do not match the requested response format (not JSON, or not the schema).",
    ["model_name"],
  );
  private readonly running = new Gauge({
    name: "gateway:requests_running",
    help: "Generations in flight.",
    labelNames: ["model_name", "backend"],
    registers: [this.registry],
  });
  private readonly firstToken = this.histogram(
    "gateway:time_to_first_token_seconds",
    "From the request to the first generated part.",
  );
  private readonly firstOutput = this.histogram(
    "gateway:time_to_first_output_token_seconds",
    "From the request to the first answer (final channel) text.",
  );
  private readonly endToEnd = this.histogram(
    "gateway:e2e_request_latency_seconds",
    "From the request to the end of its generation.",
  );

  countRequest(route: string, status: number): void {
    this.requests.inc({ route, status: String(status) });
  }

  countRepair(model: string, kind: string): void {
    this.repairs.inc({ model_name: model, kind });
  }

  /** An answer that does not match its request's response format (structured-output.ts). */
  countStructuredOutputInvalid(model: string): void {
    this.structuredInvalid.inc({ model_name: model });
  }

  /**
   * Watches a generation's parts as they pass (guarded-parts.ts shows it each part the backend made, in its own
   * loop: a generator layer of its own cost a few percent of the gateway's throughput): times, tokens, the finish
   * reason or the error, the repairs, and the in-flight gauge until `close` (also when the consumer stops early).
   * `note` gets what the access log line should say: the repairs, as `kind: detail`.
   */
  watch(model: string, backend: string, note?: (fields: Record<string, unknown>) => void): PartWatch {
    const labels = { model_name: model, backend };
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    let sawPart = false;
    let sawAnswer = false;
    let open = true;
    this.running.inc(labels);
    return {
      see: (part) => {
        if (!sawPart) {
          sawPart = true;
          this.firstToken.observe({ model_name: model }, seconds());
        }
        if (!sawAnswer && part.type === "final-delta") {
          sawAnswer = true;
          this.firstOutput.observe({ model_name: model }, seconds());
        }
        if (part.type === "finish") {
          this.finished(part, model, seconds());
          if (part.repairs !== undefined && part.repairs.length > 0) {
            for (const made of part.repairs) this.countRepair(model, made.kind);
            note?.({
              repairs: part.repairs.map((made) =>
                made.detail === undefined ? made.kind : `${made.kind}: ${made.detail}`,
              ),
            });
          }
        }
        if (part.type === "error") this.upstreamErrors.inc(labels);
      },
      close: () => {
        if (open) this.running.dec(labels);
        open = false;
      },
    };
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private finished(part: FinishPart, model: string, elapsed: number): void {
    const labels = { model_name: model };
    this.success.inc({ model_name: model, finished_reason: part.reason });
    this.endToEnd.observe(labels, elapsed);
    if (part.usage === undefined) return;
    this.promptTokens.inc(labels, part.usage.inputTokens);
    this.generationTokens.inc(labels, part.usage.outputTokens);
    if (part.usage.reasoningTokens !== undefined)
      this.reasoningTokens.inc(labels, part.usage.reasoningTokens);
  }

  private counter<L extends string>(name: string, help: string, labelNames: L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private histogram(name: string, help: string): Histogram<"model_name"> {
    return new Histogram({
      name,
      help,
      labelNames: ["model_name"],
      buckets: LATENCY_BUCKETS,
      registers: [this.registry],
    });
  }
}
