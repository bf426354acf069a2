// Preloaded by `npm run bench:logs` (node --import) into each CLI command it measures: writes the
// process's peak RSS in KB to BENCH_RSS_FILE when it exits (the CLI exits through process.exit too).
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE) writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
});
