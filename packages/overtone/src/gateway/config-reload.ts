/**
 * Loading the config file, and loading it again when it changes (hot reload): the new models are made first
 * (reusing the backends of every model whose upstreams did not change), then swapped in for the next request;
 * the backends no longer used are closed once their running generations end. A file that does not parse or a
 * backend that cannot be made leaves the gateway serving what it served, and says why.
 */
import { type FSWatcher, watch } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { type GatewayConfig, parseGatewayConfig } from "./config.js";
import type { Gateway } from "./gateway.js";
import type { ServedModel } from "./protocol.js";
import { retire, type ServedModelOptions, servedModels } from "./served-models.js";

export async function readGatewayConfig(file: string): Promise<GatewayConfig> {
  return parseGatewayConfig(await readFile(file, "utf8"), file);
}

export type ReloadEvent = { ok: true; models: string[] } | { ok: false; error: Error };

export interface ConfigWatch {
  /** Reloads now (what a change to the file triggers); resolves when the new models are served or refused. */
  reload(): Promise<ReloadEvent>;
  close(): void;
}

/** Watches `file` and reloads the gateway's models on every change (changes within `debounceMs` count once). */
export function watchGatewayConfig(
  file: string,
  gateway: Gateway,
  onReload: (event: ReloadEvent) => void,
  options: ServedModelOptions & { debounceMs?: number } = {},
): ConfigWatch {
  let chain: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  async function load(): Promise<ReloadEvent> {
    try {
      const config = await readGatewayConfig(file);
      const current = gateway.models.all() as ServedModel[];
      const next = await servedModels(config.models, current, options);
      gateway.setModels(next.models);
      void retire(next.retired);
      return { ok: true, models: next.models.map((model) => model.name) };
    } catch (error) {
      return { ok: false, error: error as Error };
    }
  }

  // Reloads run one after another: two quick edits must not make the same backends twice.
  const reload = (): Promise<ReloadEvent> => {
    const run = chain.then(load);
    chain = run;
    return run.then((event) => {
      onReload(event);
      return event;
    });
  };

  let watcher: FSWatcher | undefined;
  try {
    // The folder, not the file: editors save by writing a new file and renaming it over the old one, after
    // which a watch on the old file sees nothing more.
    watcher = watch(dirname(file), (_event, name) => {
      if (name !== null && name !== basename(file)) return;
      clearTimeout(timer);
      timer = setTimeout(() => void reload(), options.debounceMs ?? 200);
    });
    watcher.unref();
  } catch (error) {
    onReload({ ok: false, error: error as Error });
  }
  return {
    reload,
    close() {
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
