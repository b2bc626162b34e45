/**
 * The assistant's prompts (report 004's service): diagnose a network problem, brainstorm n ideas, judge ideas.
 * Each is an identity and sections that the agent kit's prompt builder puts into gpt-oss's one developer
 * message (reference/bench-and-agent.md B7: later system messages are dropped by the chat templates); the
 * user's own text is always the user message, never spliced into the instructions. The diagnose prompts carry a
 * checklist per known problem and the allowlist of safe execute, so the steps the model suggests are ones the
 * service can run for the user.
 */
import type { PromptSection } from "../agent/prompt-builder.js";
import type { AssistPrompt } from "./assist-model.js";
import { ALLOWLIST } from "./command-allowlist.js";

export type ProblemCategory = "wifi" | "dns" | "usb-tethering" | "general";
export const PROBLEM_CATEGORIES: readonly ProblemCategory[] = ["wifi", "dns", "usb-tethering", "general"];

const CHECKLISTS: Record<ProblemCategory, string> = {
  wifi: [
    "The user's WiFi is not working. Go from the radio up:",
    "- is the wireless device there and up (`nmcli dev status`, `iw dev`, `ip link`)?",
    "- is it associated with the access point, at what signal (`iw dev IFNAME link`, /proc/net/wireless)?",
    "- did it get an address and a default route (`ip addr`, `ip route`)?",
    "- does the gateway answer (`ping -c 3 GATEWAY`), then an outside address (`ping -c 3 1.1.1.1`), then a name?",
  ].join("\n"),
  dns: [
    "The user's DNS is failing. Separate name resolution from connectivity first:",
    "- does an outside address answer by number (`ping -c 3 1.1.1.1`)?",
    "- which resolvers are configured (`cat /etc/resolv.conf`, `resolvectl status`)?",
    "- does the configured resolver answer (`dig example.com`, `nslookup example.com`), and does a public one (`dig @1.1.1.1 example.com`)?",
    "- is the name itself wrong or overridden (`cat /etc/hosts`)?",
  ].join("\n"),
  "usb-tethering": [
    "The user's USB tethering (a phone sharing its connection over USB) is unstable. Check:",
    "- is the phone seen on the bus, and does it stay (`lsusb`, repeated)?",
    "- which network interface it makes (usb0, enx…: `ip link`, `nmcli dev status`) and whether it keeps its address (`ip addr`)?",
    "- whether the default route goes through it (`ip route`) and the gateway answers (`ping -c 5 GATEWAY`)?",
    "- the usual causes: a charge-only cable or port, USB power saving (autosuspend), the phone's tethering mode switching off.",
  ].join("\n"),
  general: "The user describes a computer or network problem. Find its cause one observation at a time.",
};

const IDENTITY = "You are a careful diagnostic assistant for computers and home networks.";

/** The allowlist as the model should see it: the forms the service runs. */
function allowlistText(): string {
  return Object.values(ALLOWLIST)
    .map((command) => `- ${command.usage}`)
    .join("\n");
}

/** The problem's category: the caller's, else guessed from its words. */
export function problemCategory(problem: string): ProblemCategory {
  const text = problem.toLowerCase();
  if (/\busb\b|tether/.test(text)) return "usb-tethering";
  if (/\bdns\b|resolv|name resolution|nslookup|\bdig\b|domain name/.test(text)) return "dns";
  if (/wi-?fi|wlan|wireless|hotspot|access point|\bssid\b/.test(text)) return "wifi";
  return "general";
}

export function diagnosePrompt(problem: string, category: ProblemCategory): AssistPrompt {
  const sections: PromptSection[] = [
    { title: "Task", text: CHECKLISTS[category] },
    {
      title: "Safety",
      text: `Suggest read-only checks first. The service can run these commands for the user, exactly in these forms:\n${allowlistText()}\nA step that changes the system (restarting a service, editing a file, changing a setting) starts with "RISK:" and says what it changes.`,
    },
    {
      title: "Output format",
      text: "A numbered list of 3 to 8 steps, most telling first, one step per line starting with its number. Put a command to run in backticks. Nothing before or after the list.",
    },
  ];
  return { identity: IDENTITY, sections, question: problem };
}

/** Creativity 1 asks for practical ideas, 2 for bold ones; sampling stays gpt-oss's own either way. */
export function brainstormPrompt(
  topic: string,
  n: number,
  creativity: 1 | 2,
  already: readonly string[] = [],
): AssistPrompt {
  const style =
    creativity === 1
      ? "Practical, proven ideas that work with what most people already have."
      : "Bold, unconventional ideas: surprising is welcome, impossible is not.";
  const sections: PromptSection[] = [
    { title: "Task", text: `Give exactly ${n} distinct ideas for the topic in the user's message.` },
    { title: "Creativity", text: style },
    ...(already.length > 0
      ? [
          {
            title: "Already given",
            text: `Do not repeat these ideas:\n${already.map((idea) => `- ${idea}`).join("\n")}`,
          },
        ]
      : []),
    {
      title: "Output format",
      text: `A numbered list of exactly ${n} items, "1." to "${n}.", one idea per line in one or two sentences. Nothing before or after the list.`,
    },
  ];
  return { identity: "You are a creative, practical assistant.", sections, question: topic };
}

export function judgePrompt(ideas: readonly string[], criteria: string): AssistPrompt {
  const sections: PromptSection[] = [
    { title: "Task", text: "Rank the numbered ideas in the user's message from best to worst." },
    { title: "Criteria", text: criteria },
    {
      title: "Output format",
      text: `First line: "Ranking:" and the idea numbers, best first, separated by commas, each of 1 to ${ideas.length} exactly once (for example "Ranking: ${exampleRanking(ideas.length)}"). Then one line per idea: its number, a colon, and the reason for its place.`,
    },
  ];
  const question = `Ideas:\n${ideas.map((idea, i) => `${i + 1}. ${idea.replace(/\s+/g, " ")}`).join("\n")}`;
  return { identity: "You are a fair, concise judge of ideas.", sections, question };
}

export const DEFAULT_CRITERIA =
  "Usefulness to the person asking, how feasible it is, and how little risk it carries.";

function exampleRanking(count: number): string {
  return Array.from({ length: count }, (_, i) => count - i).join(", ");
}
