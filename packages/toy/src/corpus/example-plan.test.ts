import { SeededRandom } from "@overtone/makers";
import { describe, expect, it } from "vitest";
import { drawPlan, promptMessages } from "./example-plan.js";

describe("promptMessages", () => {
  const rng = new SeededRandom(21);
  const plans = Array.from({ length: 2_000 }, (_, i) => drawPlan(rng, i % 2 === 0 ? "train" : "heldout"));

  it("declares exactly the plan's tools, effort, date and instructions, even when messages are shared", () => {
    for (const plan of plans) {
      const [system, second] = promptMessages(plan);
      const systemContent = system?.content[0];
      expect(systemContent?.type).toBe("system_content");
      if (systemContent?.type !== "system_content") continue;
      expect(systemContent.reasoning_effort?.toLowerCase()).toBe(plan.effort);
      expect(systemContent.conversation_start_date).toBe(plan.date);
      const developer = second?.author.role === "developer" ? second.content[0] : undefined;
      if (plan.tools.length === 0 && plan.instructions === undefined) {
        expect(developer).toBeUndefined();
        continue;
      }
      expect(developer?.type).toBe("developer_content");
      if (developer?.type !== "developer_content") continue;
      expect(developer.instructions).toBe(plan.instructions);
      expect(developer.tools?.functions?.tools ?? []).toEqual(plan.tools);
    }
  });

  it("varies what the prompt holds: tools or not, fitting tool or not, history, dates", () => {
    const toolTasks = plans.filter((p) => p.task.kind === "tool");
    const fitting = toolTasks.filter((p) => p.tools.some((t) => t.name === p.task.fill.split("|")[0]));
    expect(fitting.length / toolTasks.length).toBeGreaterThan(0.6);
    expect(fitting.length / toolTasks.length).toBeLessThan(0.9);
    expect(plans.filter((p) => p.tools.length === 0).length).toBeGreaterThan(200);
    expect(plans.filter((p) => p.history !== undefined).length).toBeGreaterThan(200);
    expect(plans.filter((p) => p.date === undefined).length).toBeGreaterThan(50);
    // Several declarations of get_weather, as users' tool files differ.
    const weather = new Set(
      plans.flatMap((p) => p.tools.filter((t) => t.name === "get_weather")).map((t) => t.description),
    );
    expect(weather.size).toBe(3);
  });

  it("restyles training declarations as others write them when asked (tool-restyle.ts), never held-out ones", () => {
    const random = new SeededRandom(22);
    const drawn = Array.from({ length: 2_000 }, (_, i) =>
      drawPlan(random, i % 2 === 0 ? "train" : "heldout", 0.35),
    );
    const weather = (split: string) =>
      drawn
        .filter((_, i) => (i % 2 === 0 ? "train" : "heldout") === split)
        .flatMap((p) => p.tools.filter((t) => t.name === "get_weather"));
    expect(new Set(weather("train").map((t) => t.description)).size).toBeGreaterThan(5);
    const names = new Set(weather("train").flatMap((t) => (t.parameters as { required: string[] }).required));
    expect([...names]).toEqual(expect.arrayContaining(["location", "city"]));
    expect(new Set(weather("heldout").map((t) => t.description)).size).toBe(3);
    // A renamed fitting tool declares the names its call will use.
    for (const plan of drawn) {
      if (plan.names === undefined) continue;
      const declared = plan.tools.find((t) => t.name === plan.task.fill.split("|")[0]);
      const required = (declared?.parameters as { required?: string[] } | undefined)?.required ?? [];
      expect(Object.values(plan.names).filter((n) => required.includes(n)).length).toBe(required.length);
    }
  });
});
