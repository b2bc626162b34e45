/**
 * A server backend's failure to start, said in the CLI's terms. The library speaks of `baseURL` and
 * `createOllama({ … })` and reports what the network said (`ECONNREFUSED`); someone who typed
 * `overtone run --backend ollama` needs to hear which server was not there, at which address, and the next step
 * (start it, fix `--url`). The library's error stays as the `cause`, so `--debug` still shows every detail.
 */
import { BackendError, ConfigError, InputError, isOvertoneError } from "@overtone/errors";
import type { Backend } from "../backends/contract.js";
import { type BackendKind, DEFAULT_URLS } from "../backends/create-backend.js";
import { isHtmlBody, isUnreachable, rootMessage } from "../net/http.js";

/** What each server kind is called and how one is started, for the hints. */
const SERVERS: Record<Exclude<BackendKind, "embedded">, { name: string; start: string }> = {
  ollama: { name: "Ollama", start: "start it with `ollama serve`" },
  "openai-compatible": {
    name: "an OpenAI-compatible server",
    start: "start vLLM or llama-server there, e.g. `llama-server -m model.gguf --port 8080`",
  },
};

/** Where the server was looked for: the origin of the URL the request went to. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** `error` as the CLI reports it when opening a `kind` server backend failed (unchanged when it needs nothing). */
export function cliBackendError(error: unknown, kind: BackendKind, url: string | undefined): unknown {
  if (kind === "embedded" || !isOvertoneError(error)) return error;
  const server = SERVERS[kind];
  const where = url === undefined ? "" : ", or fix --url";
  if (error instanceof BackendError && isUnreachable(error)) {
    const at = originOf(error.url);
    if (error.network === "ECONNREFUSED") {
      return new BackendError(`nothing is listening at ${at}: ${server.name} is not running there`, {
        url: error.url,
        retryable: true,
        network: error.network,
        hint: `${server.start}${url === undefined ? ", or pass --url where it runs" : where}`,
        cause: error,
      });
    }
    return new BackendError(`cannot reach ${server.name} at ${at} (${error.network})`, {
      url: error.url,
      retryable: error.retryable,
      network: error.network,
      hint: "check the host name in --url and the network",
      cause: error,
    });
  }
  if (error instanceof BackendError && error.network === "ERR_INVALID_URL") {
    return new InputError(`--url ${url ?? originOf(error.url)} cannot be used: ${rootMessage(error.cause)}`, {
      where: "--url",
      hint: error.hint ?? "check the host and the port",
      cause: error,
    });
  }
  if (error instanceof BackendError && isHtmlBody(error.body)) {
    return new BackendError(error.message, {
      url: error.url,
      retryable: false,
      ...(error.status !== undefined ? { status: error.status } : {}),
      body: error.body,
      hint: `a web server answered, not ${server.name}: check --url; the default is ${DEFAULT_URLS[kind]}`,
      cause: error,
    });
  }
  // The library names its option (`baseURL`, `createOllama({ baseURL })`); here it is --url.
  if (error instanceof ConfigError && /baseURL|base URL/.test(`${error.message} ${error.where}`)) {
    return new InputError(`--url: ${error.message.replace(/^(Ollama )?base ?URL/i, "the URL")}`, {
      where: "--url",
      hint: error.hint ?? "pass the server's address, e.g. http://127.0.0.1:11434",
      cause: error,
    });
  }
  return error;
}

/**
 * The backend with its failures said as `cliBackendError` says them. A server is first contacted by the first
 * request, so a refused connection arrives as the stream's `error` part, not from `createBackend`.
 */
export function withCliErrors(backend: Backend, kind: BackendKind, url: string | undefined): Backend {
  if (kind === "embedded") return backend;
  return {
    kind: backend.kind,
    location: backend.location,
    capabilities: backend.capabilities,
    async *stream(request) {
      for await (const part of backend.stream(request)) {
        yield part.type === "error"
          ? { ...part, error: cliBackendError(part.error, kind, url) as Error }
          : part;
      }
    },
    listModels: (signal) =>
      backend.listModels(signal).catch((error: unknown) => {
        throw cliBackendError(error, kind, url);
      }),
    close: () => backend.close(),
  };
}
