/**
 * Option and argument checks the allowlist (command-allowlist.ts) builds its commands from. Every word that
 * starts with `-` must be an option the command's spec lists, in exactly that spelling: long options, `--`
 * (which would make later words operands a check never saw as options, or options it saw as operands) and
 * values glued to their option (`-c3`) are refused, so each word has one meaning to check.
 */

/** Why the arguments are refused, or undefined when they pass. */
export type Check = (args: readonly string[]) => string | undefined;

export interface OptionSpec {
  /** Options that take no value (`-4`, `-a`). */
  flags?: readonly string[];
  /** Options whose value is the next word, each with its check (`-c N`). */
  valued?: Readonly<Record<string, (value: string) => string | undefined>>;
  /** Letters that may be given alone or combined after one dash (`-h`, `-hT`, `-tuln`). */
  bundle?: string;
  /** Valued options that must be present (`ping -c N`: a ping without a count never ends). */
  required?: readonly string[];
}

/** The operands left once every option passed its check, or why an option was refused. */
export function checkOptions(name: string, args: readonly string[], spec: OptionSpec): string[] | string {
  const operands: string[] = [];
  const seen = new Set<string>();
  for (let at = 0; at < args.length; at++) {
    const word = args[at] as string;
    if (word === "--") return `"--" is not accepted: every word must be checked as what it is`;
    if (!word.startsWith("-") || word === "-") {
      operands.push(word);
      continue;
    }
    const valueCheck = spec.valued?.[word];
    if (valueCheck !== undefined) {
      const value = args[at + 1];
      if (value === undefined) return `${name} ${word} needs a value`;
      const problem = valueCheck(value);
      if (problem !== undefined) return `${name} ${word}: ${problem}`;
      seen.add(word);
      at++;
      continue;
    }
    if (spec.flags?.includes(word) === true || isBundle(word, spec.bundle)) continue;
    return `"${word}" is not an option ${name} may take here (allowed: ${allowedOptions(spec)})`;
  }
  const missing = (spec.required ?? []).find((option) => !seen.has(option));
  if (missing !== undefined) return `${name} needs ${missing}`;
  return operands;
}

function isBundle(word: string, bundle: string | undefined): boolean {
  if (bundle === undefined || !/^-[A-Za-z0-9]+$/.test(word)) return false;
  return [...word.slice(1)].every((letter) => bundle.includes(letter));
}

function allowedOptions(spec: OptionSpec): string {
  const all = [
    ...(spec.flags ?? []),
    ...Object.keys(spec.valued ?? {}).map((option) => `${option} VALUE`),
    ...(spec.bundle === undefined ? [] : [`-[${spec.bundle}]`]),
  ];
  return all.length === 0 ? "none" : all.join(", ");
}

/** A whole number from `min` to `max`, written plainly (no sign, no leading zeros, no exponent). */
export function countBetween(min: number, max: number): (value: string) => string | undefined {
  return (value) => {
    const n = /^[1-9][0-9]{0,3}$/.test(value) ? Number(value) : Number.NaN;
    return n >= min && n <= max
      ? undefined
      : `expected a whole number from ${min} to ${max}, found "${value}"`;
  };
}

const LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
const HOST_NAME = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})*\\.?$`);
const IPV4 =
  /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$/;
const IPV6 = /^[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}$/;

/** A DNS name, an IPv4 address or an IPv6 address; never something that starts with `-` or holds a `/`. */
export function isHostName(word: string): boolean {
  return HOST_NAME.test(word) || IPV4.test(word) || IPV6.test(word);
}

/** A network interface name as Linux allows it (up to 15 characters, no `/`, not starting with `-`). */
export function isInterfaceName(word: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,14}$/.test(word);
}
