/**
 * The import-boundary rule (eslint-rules/layers.js, run by `npm run lint`): planted imports that go
 * up a layer or close a folder cycle fail, the tree as it is passes, and a new feature folder needs
 * no change to the rule. Planted files are written under src/ (the cycle check reads the folder
 * graph from disk) and always removed. That the tree itself passes is `npm run lint`.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { afterEach, describe, expect, it } from 'vitest';
import layers from '../../eslint-rules/layers.js';
import { ROOT } from '../helpers/run-cli.js';

const planted: string[] = [];

function plant(relativePath: string, text: string): string {
  const path = join(ROOT, relativePath);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  planted.push(path);
  return path;
}

afterEach(() => {
  for (const path of planted.splice(0)) rmSync(path, { force: true });
  for (const dir of ['src/lib/zz-planted-a', 'src/lib/zz-planted-b'])
    rmSync(join(ROOT, dir), { recursive: true, force: true });
});

/** ESLint with only the layers rule (no type information: fast, and independent of tsconfig). */
function eslint(): ESLint {
  return new ESLint({
    cwd: ROOT,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.ts'],
        linterOptions: { reportUnusedDisableDirectives: 'off' },
        languageOptions: { parser: tseslint.parser },
        plugins: { layers },
        rules: { 'layers/layers': 'error' },
      },
    ],
  });
}

async function messages(files: string[]): Promise<string[]> {
  const results = await eslint().lintFiles(files);
  return results.flatMap((r) => r.messages.map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`));
}

describe('layers rule', () => {
  it('fails on a back-edge: src/lib/errors importing src/lib/cli', async () => {
    const file = plant('src/lib/errors/zz-planted-back-edge.ts', "export { runCli } from '../cli/run.js';\n");
    const found = await messages([file]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/layers\/layers: errors \(base layer\) may not import cli \(cli layer\)/);
  });

  it('fails when a feature imports the cli layer (type-only imports count)', async () => {
    const file = plant(
      'src/lib/lifecycle/zz-planted.ts',
      "import type { CommandHost } from '../cli/host.js';\nexport type Host = CommandHost;\n",
    );
    expect(await messages([file])).toEqual([expect.stringMatching(/lifecycle \(feature layer\) may not import cli/)]);
  });

  it('fails on a cycle between two folders of one layer; unknown folders are features', async () => {
    const a = plant('src/lib/zz-planted-a/a.ts', "import { b } from '../zz-planted-b/b.js';\nexport const a = b;\n");
    const b = plant(
      'src/lib/zz-planted-b/b.ts',
      "import { a } from '../zz-planted-a/a.js';\nexport const b = () => a;\n",
    );
    const found = await messages([a, b]);
    expect(found).toEqual([
      expect.stringMatching(
        /zz-planted-a -> zz-planted-b closes a folder cycle: zz-planted-a -> zz-planted-b -> zz-planted-a/,
      ),
      expect.stringMatching(/zz-planted-b -> zz-planted-a closes a folder cycle/),
    ]);
  });

  it('allows a new feature folder importing features, io and lower layers', async () => {
    const file = plant(
      'src/lib/zz-planted-a/run.ts',
      [
        "import type { CommandIO } from '../io/command-io.js';",
        "import { runList } from '../lifecycle/list.js';",
        "import { CliError } from '../errors/cli-error.js';",
        'export const run = (io: CommandIO) => (io ? runList({}, io) : Promise.reject(new CliError("x", { code: "X", exitCode: 2 })));',
        '',
      ].join('\n'),
    );
    expect(await messages([file])).toEqual([]);
  });
});
