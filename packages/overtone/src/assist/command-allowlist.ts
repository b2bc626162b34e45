/**
 * The allowlist of safe execute: read-only diagnostic commands, each with the options it may take and a check of
 * its arguments. Everything not listed is refused, and so is every option not listed for its command: the many
 * tools here that can also *change* the system (`ip route add`, `date -s`, `hostname NAME`, `ss -K`,
 * `nmcli dev wifi connect`, `dig -f FILE`) are allowed only in their showing forms. A command is named, never a
 * path: `/bin/rm` or `./ping` would run some other binary than the one checked here.
 */
import {
  type Check,
  checkOptions,
  countBetween,
  isHostName,
  isInterfaceName,
  type OptionSpec,
} from "./command-options.js";

export interface AllowedCommand {
  /** What the command shows, given as the reason a request ran. */
  description: string;
  /** The accepted forms, for refusals and the docs. */
  usage: string;
  /** Why `args` are refused, or undefined when they pass. */
  check: Check;
}

/** Files `cat` may show: network and system facts, nothing secret (no /etc/shadow, no keys, no process environments under /proc). */
export const READABLE_FILES: readonly string[] = [
  "/etc/resolv.conf",
  "/etc/hosts",
  "/etc/hostname",
  "/etc/os-release",
  "/etc/nsswitch.conf",
  "/proc/net/dev",
  "/proc/net/route",
  "/proc/net/wireless",
  "/proc/net/arp",
  "/proc/meminfo",
  "/proc/loadavg",
  "/proc/cpuinfo",
  "/proc/uptime",
  "/proc/version",
];

const DNS_TYPES = ["A", "AAAA", "MX", "NS", "TXT", "CNAME", "SOA", "PTR", "SRV", "CAA"];

/** Options and operands in one go: the options by `spec`, then `operands` on what remains. */
function command(
  name: string,
  spec: OptionSpec,
  operands: (rest: readonly string[]) => string | undefined = none(name),
): Check {
  return (args) => {
    const checked = checkOptions(name, args, spec);
    return typeof checked === "string" ? checked : operands(checked);
  };
}

function none(name: string): (rest: readonly string[]) => string | undefined {
  return (rest) => (rest.length === 0 ? undefined : `${name} takes no arguments here, found "${rest[0]}"`);
}

function oneHost(name: string, most = 1): (rest: readonly string[]) => string | undefined {
  return (rest) => {
    if (rest.length < 1 || rest.length > most) {
      return `${name} needs ${most === 1 ? "one host name or address" : `1 to ${most} host names or addresses`}, found ${rest.length}`;
    }
    const bad = rest.find((word) => !isHostName(word));
    return bad === undefined ? undefined : `"${bad}" is not a host name or IP address`;
  };
}

/** `ip` may show addresses, routes, links and neighbours (optionally of one device), never change them. */
function ipShows(rest: readonly string[]): string | undefined {
  const [object, ...more] = rest;
  const objects = ["addr", "address", "a", "route", "r", "link", "l", "neigh", "neighbour", "n"];
  if (object === undefined || !objects.includes(object)) {
    return `ip may show addr, route, link or neigh only, found ${object === undefined ? "nothing" : `"${object}"`}`;
  }
  if (more[0] === "show" || more[0] === "list") more.shift();
  if (more.length === 0) return undefined;
  if (more.length === 2 && more[0] === "dev" && isInterfaceName(more[1] as string)) return undefined;
  return `ip ${object} may be followed by show and dev IFNAME only, found "${more.join(" ")}" (ip never changes settings here)`;
}

function dig(rest: readonly string[]): string | undefined {
  const words = [...rest];
  const server = words[0]?.startsWith("@") === true ? words.shift()?.slice(1) : undefined;
  if (server !== undefined && !isHostName(server)) return `"@${server}" is not a DNS server name or address`;
  const plus = words.filter((word) => word.startsWith("+"));
  const allowedPlus = ["+short", "+noall", "+answer", "+trace", "+tcp"];
  const badPlus = plus.find((word) => !allowedPlus.includes(word));
  if (badPlus !== undefined)
    return `dig option "${badPlus}" is not allowed (allowed: ${allowedPlus.join(" ")})`;
  const names = words.filter((word) => !word.startsWith("+"));
  const type = names.length === 2 ? (names[1] as string) : undefined;
  if (type !== undefined && !DNS_TYPES.includes(type.toUpperCase())) {
    return `"${type}" is not a DNS record type dig may ask for (${DNS_TYPES.join(", ")})`;
  }
  return names.length === 0 || names.length > 2
    ? "dig needs a name and at most a record type"
    : oneHost("dig")([names[0] as string]);
}

function catFiles(rest: readonly string[]): string | undefined {
  if (rest.length === 0 || rest.length > 3) return "cat needs 1 to 3 of the files it may show";
  const bad = rest.find((file) => !READABLE_FILES.includes(file));
  return bad === undefined ? undefined : `cat may show only ${READABLE_FILES.join(", ")}; not "${bad}"`;
}

/** `nmcli` in its listing forms only: `nmcli dev wifi connect …` or `nmcli con up …` change the network. */
function nmcliShows(rest: readonly string[]): string | undefined {
  const shown = rest.join(" ");
  const forms = [
    "dev",
    "dev status",
    "device",
    "device status",
    "general",
    "general status",
    "con show",
    "connection show",
    "radio",
  ];
  return forms.includes(shown)
    ? undefined
    : `nmcli may only list: ${forms.map((form) => `nmcli ${form}`).join(", ")}`;
}

function resolvectlShows(rest: readonly string[]): string | undefined {
  const [verb, ...more] = rest;
  if (verb === "status" && more.length <= 1 && more.every(isInterfaceName)) return undefined;
  if (verb === "query" && more.length === 1) return oneHost("resolvectl query")(more);
  return "resolvectl may run status [IFNAME] or query NAME only (its other verbs change DNS settings)";
}

function iwShows(rest: readonly string[]): string | undefined {
  if (rest.length === 1 && rest[0] === "dev") return undefined;
  if (
    rest.length === 3 &&
    rest[0] === "dev" &&
    isInterfaceName(rest[1] as string) &&
    ["link", "info"].includes(rest[2] as string)
  )
    return undefined;
  return "iw may run `iw dev` or `iw dev IFNAME link|info` only";
}

export const ALLOWLIST: Readonly<Record<string, AllowedCommand>> = {
  ping: {
    description: "checks that a host answers (a few packets, then stops)",
    usage: "ping -c N [-W SECONDS] [-4|-6] [-n] [-q] HOST   (N from 1 to 10)",
    check: command(
      "ping",
      {
        flags: ["-4", "-6", "-n", "-q"],
        valued: { "-c": countBetween(1, 10), "-W": countBetween(1, 10) },
        required: ["-c"],
      },
      oneHost("ping"),
    ),
  },
  ip: {
    description: "shows network addresses, routes, links or neighbours",
    usage: "ip [-4|-6] [-br] [-s] addr|route|link|neigh [show] [dev IFNAME]",
    check: command("ip", { flags: ["-4", "-6", "-br", "-brief", "-s", "-d"] }, ipShows),
  },
  nslookup: {
    description: "looks a name up in DNS",
    usage: "nslookup NAME [SERVER]",
    check: command("nslookup", {}, oneHost("nslookup", 2)),
  },
  dig: {
    description: "looks a name up in DNS",
    usage: "dig [@SERVER] NAME [TYPE] [+short] [+noall] [+answer] [+trace] [+tcp]",
    check: command("dig", { flags: ["-4", "-6"] }, dig),
  },
  host: {
    description: "looks a name up in DNS",
    usage: "host [-4|-6] [-t TYPE] NAME [SERVER]",
    check: command(
      "host",
      {
        flags: ["-4", "-6"],
        valued: {
          "-t": (v) => (DNS_TYPES.includes(v.toUpperCase()) ? undefined : `"${v}" is not a DNS record type`),
        },
      },
      oneHost("host", 2),
    ),
  },
  resolvectl: {
    description: "shows the DNS resolver's state",
    usage: "resolvectl status [IFNAME] | resolvectl query NAME",
    check: command("resolvectl", {}, resolvectlShows),
  },
  uname: {
    description: "shows the kernel and machine",
    usage: "uname [-arsmnvopi]  (letters combined, e.g. uname -sr)",
    check: command("uname", { bundle: "arsmnvopi" }),
  },
  uptime: {
    description: "shows how long the system has run and its load",
    usage: "uptime [-p|-s]",
    check: command("uptime", { flags: ["-p", "-s"] }),
  },
  df: {
    description: "shows disk space",
    usage: "df [-h] [-T] [-i] [-l] [-P]",
    check: command("df", { bundle: "hHTilP" }),
  },
  free: {
    description: "shows memory use",
    usage: "free [-h|-m|-g|-k|-b] [-w] [-t]",
    check: command("free", { bundle: "hmgkbwt" }),
  },
  lsusb: {
    description: "lists USB devices (a tethered phone among them)",
    usage: "lsusb [-t]",
    check: command("lsusb", { flags: ["-t"] }),
  },
  lsblk: {
    description: "lists block devices",
    usage: "lsblk [-f] [-a] [-l]",
    check: command("lsblk", { bundle: "fal" }),
  },
  nmcli: {
    description: "shows NetworkManager's devices and connections",
    usage: "nmcli [-t] dev [status] | general [status] | con show | radio",
    check: command("nmcli", { flags: ["-t", "-p"] }, nmcliShows),
  },
  iw: {
    description: "shows wireless devices and their link",
    usage: "iw dev | iw dev IFNAME link|info",
    check: command("iw", {}, iwShows),
  },
  ss: {
    description: "lists network sockets",
    usage: "ss [-tulnap46s]  (letters combined, e.g. ss -tuln)",
    check: command("ss", { bundle: "tulnaps46" }),
  },
  cat: {
    description: "shows a network or system file",
    usage: `cat FILE…   (FILE one of ${READABLE_FILES.join(" ")})`,
    check: command("cat", {}, catFiles),
  },
  whoami: {
    description: "shows the user the service runs as",
    usage: "whoami",
    check: command("whoami", {}),
  },
  hostname: {
    description: "shows the host's name or addresses (never sets it)",
    usage: "hostname [-I|-f|-i|-s|-d]",
    check: command("hostname", { flags: ["-I", "-f", "-i", "-s", "-d"] }),
  },
  date: {
    description: "shows the date and time (never sets it)",
    usage: "date [-u] [-R] [-I]",
    check: command("date", { flags: ["-u", "-R", "-I"] }),
  },
};
