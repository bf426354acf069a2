import { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);

/**
 * Loads a CommonJS package (the AWS SDK, DuckDB's Node API) with require rather than `import()`.
 * Imported, Node first lexes the package's entry and every module it re-exports for named exports
 * (cjs-module-lexer); required, it does not. Measured in the built CLI: `@duckdb/node-api` 110-127
 * ms imported, 62-64 ms required; `@aws-sdk/client-s3` 122-128 and 72-98 ms; `@aws-sdk/client-athena`
 * 95-102 and 49-54 ms. Both ways load the same files (these packages have no `exports` map), so a
 * module is one instance whichever way it was first loaded.
 */
export function requirePackage<T>(name: string): T {
  return requireHere(name) as T;
}
