/**
 * The YAML every config file of Overtone's is written in (gateway config, ladder files, user suites, ablation
 * configs), parsed with one error for a file that is not YAML: the file, the parser's own words (which name the
 * line), and where to look. What the document must hold is each reader's own check.
 */
import { ConfigError } from "@overtone/errors";
import { parse } from "yaml";

export function parseYamlText(text: string, file: string): unknown {
  try {
    return parse(text);
  } catch (error) {
    throw new ConfigError(`${file}: not valid YAML: ${(error as Error).message}`, {
      where: file,
      hint: "check the indentation and quoting at the line named",
      cause: error,
    });
  }
}
