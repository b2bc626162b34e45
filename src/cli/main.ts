import { Command } from "commander";

const program = new Command("overtone").description("Make gpt-oss work right on your own machine.");
await program.parseAsync(process.argv);
