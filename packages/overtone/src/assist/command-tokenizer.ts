/**
 * The strict tokenizer of safe execute: a command line as the user typed it becomes argv, or a refusal that says
 * which character or construct was refused and where. It is deliberately much narrower than a shell: no shell
 * ever runs, so everything a shell would give meaning to (substitution, redirection, pipes, chaining, globbing,
 * brace and tilde expansion, history, escapes) is refused outright rather than passed on as a literal — a
 * command that *looks* like it chains or redirects must not look like it ran. Quotes ('…' and "…", no escapes
 * inside) only group words. Plain printable ASCII only: look-alike characters (a fullwidth `ｒｍ`, an en dash
 * for `-`) cannot slip past the allowlist's checks by resembling what they are not.
 */

/** Longest command line accepted: a diagnostic command is short; a long one is hiding something or a mistake. */
export const MAX_COMMAND_LENGTH = 256;
/** Most words accepted (the command itself included). */
export const MAX_WORDS = 16;

/** Characters a shell gives meaning to; refused anywhere, even inside quotes (a user may paste into a shell). */
const FORBIDDEN: Record<string, string> = {
  ";": "command chaining",
  "|": "a pipe",
  "&": "chaining or a background job",
  $: "variable or command substitution",
  "`": "command substitution",
  "<": "redirection",
  ">": "redirection",
  "(": "a subshell or substitution",
  ")": "a subshell or substitution",
  "{": "brace expansion",
  "}": "brace expansion",
  "*": "globbing",
  "?": "globbing",
  "[": "globbing",
  "]": "globbing",
  "~": "home-directory expansion",
  "!": "history expansion",
  "\\": "an escape",
  "#": "a comment",
};

export type Tokenized = { ok: true; argv: string[] } | { ok: false; reason: string };

/** `command` split into words, or why it was refused. */
export function tokenizeCommand(command: string): Tokenized {
  if (command.trim() === "") return refuse("the command is empty");
  if (command.length > MAX_COMMAND_LENGTH) {
    return refuse(
      `the command is ${command.length} characters long; at most ${MAX_COMMAND_LENGTH} are accepted`,
    );
  }
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  let quoteAt = 0;
  for (let at = 0; at < command.length; at++) {
    const char = command[at] as string;
    const code = char.charCodeAt(0);
    if (char === "\n" || char === "\r")
      return refuse(`a line break at character ${at + 1}: send one command`);
    if (code > 0x7e) {
      const hex = (command.codePointAt(at) ?? code).toString(16).toUpperCase().padStart(4, "0");
      return refuse(
        `a non-ASCII character U+${hex} at character ${at + 1}: only plain ASCII is accepted (look-alike characters are refused)`,
      );
    }
    if (code < 0x20 && char !== "\t") {
      return refuse(`a control character (0x${code.toString(16)}) at character ${at + 1}`);
    }
    const meaning = FORBIDDEN[char];
    if (meaning !== undefined) {
      return refuse(`"${char}" at character ${at + 1} (${meaning}) is not allowed: no shell runs here`);
    }
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
      else word = (word ?? "") + char;
    } else if (char === '"' || char === "'") {
      quote = char;
      quoteAt = at;
      word ??= "";
    } else if (char === " " || char === "\t") {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? "") + char;
  }
  if (quote !== undefined) return refuse(`the quote at character ${quoteAt + 1} is never closed`);
  if (word !== undefined) words.push(word);
  if (words.length > MAX_WORDS) return refuse(`${words.length} words; at most ${MAX_WORDS} are accepted`);
  const empty = words.indexOf("");
  if (empty >= 0) return refuse(`word ${empty + 1} is an empty string`);
  const first = words[0] as string;
  if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(first)) {
    return refuse(`"${first}" sets an environment variable: commands run in a fixed, minimal environment`);
  }
  return { ok: true, argv: words };
}

function refuse(reason: string): Tokenized {
  return { ok: false, reason };
}
