/**
 * NDJSON from a response body: one JSON value per line, whatever the byte chunking (a line, or a UTF-8
 * sequence, may be split across chunks). Ollama writes `json + "\n"` per streamed object and one object without
 * a newline for a non-streamed answer, so a last line without "\n" counts too. A line that is not JSON is a
 * `BackendError` carrying the line: it means a proxy or a different server answered, never something to skip.
 */
import { BackendError } from "@overtone/errors";

export async function* ndjsonLines(
  body: AsyncIterable<Uint8Array>,
  url: string,
): AsyncGenerator<unknown, void, undefined> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline = buffer.indexOf("\n");
    while (newline >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (line.trim() !== "") yield parseLine(line, url);
      newline = buffer.indexOf("\n");
    }
  }
  buffer += decoder.decode();
  if (buffer.trim() !== "") yield parseLine(buffer, url);
}

function parseLine(line: string, url: string): unknown {
  try {
    return JSON.parse(line);
  } catch (error) {
    const shown = line.length > 200 ? `${line.slice(0, 200)}…` : line;
    throw new BackendError(`${url} sent a line that is not JSON: ${shown}`, {
      url,
      status: 200,
      body: shown,
      retryable: false,
      hint: "check that the base URL points at Ollama itself (not a proxy page or another server)",
      cause: error,
    });
  }
}
