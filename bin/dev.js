#!/usr/bin/env -S node --import tsx --no-warnings
// Development entry: runs the TypeScript sources directly (no build, no manifest).
import { runCli } from '../src/lib/cli/run.ts';

await runCli(process.argv.slice(2), import.meta.url, true);
