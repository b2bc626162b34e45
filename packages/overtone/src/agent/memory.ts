/**
 * What an agent remembers of a conversation: each question and its final answer, nothing else. Field report 002's
 * memory filled with error turns (a failed query, the error text, the retry), which the model then imitated;
 * PandasAI stores only the query and the answer after success, and gpt-oss's templates drop earlier reasoning
 * anyway (reference/bench-and-agent.md B1, B7). So a turn is remembered only when it succeeded: an empty answer
 * or one that is an error is refused, and reasoning has no place to go.
 *
 * Memory is pruned to a token budget, oldest turns first, counted with the o200k_harmony tokenizer on the turn as
 * it is rendered (a user message and an assistant `final` message, their Harmony headers included).
 */
import { InputError } from "@overtone/errors";
import { message, renderMessage } from "@overtone/harmony";

export interface MemoryTurn {
  question: string;
  answer: string;
}

export interface AgentMemoryOptions {
  /** Most tokens the remembered turns may take in a prompt; default 2048. */
  budgetTokens?: number;
}

const DEFAULT_BUDGET = 2048;

export class AgentMemory {
  private readonly remembered: { turn: MemoryTurn; tokens: number }[] = [];
  private readonly budget: number;

  constructor(options: AgentMemoryOptions = {}) {
    this.budget = options.budgetTokens ?? DEFAULT_BUDGET;
    if (!Number.isSafeInteger(this.budget) || this.budget < 0) {
      throw new InputError(`budgetTokens: ${this.budget} is not an integer ≥ 0`, {
        where: "AgentMemory",
        hint: "pass the most tokens the memory may take in a prompt, e.g. 2048",
      });
    }
  }

  /** Remembers a question and the final answer it got; a turn that failed is not remembered (see above). */
  remember(question: string, answer: string): void {
    if (answer.trim() === "") {
      throw new InputError("an empty answer is not remembered: only turns that succeeded go into memory", {
        where: "AgentMemory.remember",
        hint: "remember a turn after it produced its final answer, never its errors or retries",
      });
    }
    const tokens = turnTokens({ question, answer });
    this.remembered.push({ turn: { question, answer }, tokens });
    this.prune();
  }

  /** The remembered turns, oldest first, within the budget. */
  turns(): MemoryTurn[] {
    return this.remembered.map((entry) => ({ ...entry.turn }));
  }

  /** Tokens the remembered turns take in a prompt. */
  get tokens(): number {
    return this.remembered.reduce((sum, entry) => sum + entry.tokens, 0);
  }

  clear(): void {
    this.remembered.length = 0;
  }

  private prune(): void {
    let total = this.tokens;
    while (total > this.budget && this.remembered.length > 0) total -= this.remembered.shift()?.tokens ?? 0;
  }
}

/** Tokens a turn takes when rendered: the user message and the assistant's final message. */
export function turnTokens(turn: MemoryTurn): number {
  return (
    renderMessage(message("user", turn.question)).length +
    renderMessage(message("assistant", turn.answer, { channel: "final" })).length
  );
}
