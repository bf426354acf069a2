#!/usr/bin/env node
// Production build: esbuild bundles src/ into dist/ with the same layout tsc would produce
// (dist/lib/cli/run.js, dist/commands/**), one ESM entry per command plus shared chunks.
// Why: @oclif/core is ~100 CommonJS files; loading them one by one costs ~50 ms of every start.
// Bundled (with the light libraries a command needs at start-up) they load as a few files.
// Heavy libraries stay external and are imported lazily by the code paths that need them.
// Type checking is `tsc --noEmit` (npm run lint); this script only transpiles and bundles.
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');

function commandFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return commandFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/**
 * `@oclif/core` (the index) resolves to scripts/oclif-core-entry.mjs, which re-exports only what the
 * commands import (Command, Args, Flags) from oclif's own subpath entries. Subpaths are untouched.
 * If a source file imports another name from '@oclif/core', the build fails on the missing export.
 */
const oclifCoreEntry = {
  name: 'oclif-core-entry',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@oclif\/core$/ }, () => ({
      path: join(root, 'scripts', 'oclif-core-entry.mjs'),
    }));
  },
};

const entryPoints = [join(src, 'lib/cli/run.ts'), ...commandFiles(join(src, 'commands'))];

rmSync(join(root, 'dist'), { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints,
  outbase: 'src',
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  // Prefer packages' ESM builds: jsonc-parser's CommonJS build is UMD with dynamic require()s that a bundle cannot follow.
  mainFields: ['module', 'main'],
  target: 'node20',
  // Whitespace and syntax only: identifiers stay readable in DEBUG stack traces (full minification
  // measured no faster).
  minifySyntax: true,
  minifyWhitespace: true,
  chunkNames: 'chunks/[name]-[hash]',
  metafile: true,
  plugins: [oclifCoreEntry],
  logLevel: 'warning',
  // Loaded lazily, only by the commands that use them (and large): never part of start-up.
  external: [
    '@aws-sdk/*',
    '@smithy/*',
    'graphql',
    'graphql-yoga',
    'undici',
    // Only for profile files the simple reader does not accept, and for writes (src/lib/config/profile-store.ts).
    'yaml',
    'ora',
    '@inquirer/*',
    // DuckDB: a native binding (68 MB), loaded only by the `audit logs` commands.
    '@duckdb/*',
    // Azure Storage and identity (ADLS Gen2 log sources): ~45 MB with MSAL, loaded only for abfss:// sources.
    '@azure/*',
    // oclif only touches these when running TypeScript sources in development.
    'typescript',
    'ts-node',
    'tsx',
  ],
  // Bundled CommonJS (oclif) calls require() for Node built-ins.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});
if (process.env.BUILD_METAFILE)
  (await import('node:fs')).writeFileSync(process.env.BUILD_METAFILE, JSON.stringify(result.metafile));
const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
console.log(
  `bundled ${entryPoints.length} entries from ${relative(root, src)}/ into dist/ (${(bytes / 1024).toFixed(0)} KiB)`,
);

// The manifest lets oclif list commands and render help without importing any command file.
// Generated from the fresh bundle on every build, so it is never stale.
const manifest = spawnSync(process.execPath, [join(root, 'node_modules/oclif/bin/run.js'), 'manifest'], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, OCLIF_SKIP_NEW_VERSION_CHECK: 'true' },
});
if (manifest.status !== 0) process.exit(manifest.status ?? 1);
