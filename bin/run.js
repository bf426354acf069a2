#!/usr/bin/env node
// Production entry: compiled code in dist/, oclif.manifest.json for fast start-up.
import { runCli } from '../dist/lib/cli/run.js';

await runCli(process.argv.slice(2), import.meta.url);
