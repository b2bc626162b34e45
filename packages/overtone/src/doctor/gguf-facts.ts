/** What the doctor reads from a GGUF's metadata: architecture, name, and the chat template with its class. */
import { type ChatTemplateKind, chatTemplateOf, classifyChatTemplate } from "@overtone/gguf";
import { openGguf } from "@overtone/gguf/node";

export interface GgufFacts {
  path: string;
  architecture?: string;
  name?: string;
  template?: string;
  templateKind: ChatTemplateKind;
}

export async function readGgufFacts(path: string): Promise<GgufFacts> {
  const gguf = await openGguf(path);
  try {
    const text = (key: string) => {
      const value = gguf.metadata.get(key);
      return value?.type === "str" ? value.value : undefined;
    };
    const template = chatTemplateOf(gguf.metadata);
    const architecture = text("general.architecture");
    const name = text("general.name");
    return {
      path,
      ...(architecture !== undefined ? { architecture } : {}),
      ...(name !== undefined ? { name } : {}),
      ...(template !== undefined ? { template } : {}),
      templateKind: classifyChatTemplate(template),
    };
  } finally {
    await gguf.close();
  }
}
