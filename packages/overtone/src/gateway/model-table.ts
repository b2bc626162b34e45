/**
 * The models a gateway serves, by the public names clients use (and their aliases). A name is looked up as sent and, for Ollama
 * clients, without a `:latest` tag (ollama-js and Open WebUI add it to names that have no tag). An unknown name is
 * a 404 that lists what is served, in each protocol's shape (gateway.md §8 rule 26).
 */
import { GatewayError, type ServedModel } from "./protocol.js";

export interface ModelTable {
  find(name: string): ServedModel | undefined;
  /** Every served model, in the order given (listings). */
  all(): readonly ServedModel[];
}

export function modelTable(models: readonly ServedModel[]): ModelTable {
  const byName = new Map<string, ServedModel>();
  for (const model of models) {
    for (const name of [model.name, ...(model.aliases ?? [])]) {
      if (byName.has(name)) {
        throw new GatewayError(500, `two models are served under the name "${name}"`, {
          code: "duplicate_model",
        });
      }
      byName.set(name, model);
    }
  }
  return {
    find: (name) => byName.get(name) ?? byName.get(name.replace(/:latest$/, "")),
    all: () => models,
  };
}

/** The model a request names, or the 404 every protocol answers for an unknown one. */
export function requireModel(table: ModelTable, name: string): ServedModel {
  const model = table.find(name);
  if (model !== undefined) return model;
  const served = table
    .all()
    .map((m) => m.name)
    .join(", ");
  throw new GatewayError(404, `model '${name}' not found (served: ${served || "none"})`, {
    code: "model_not_found",
    param: "model",
  });
}
