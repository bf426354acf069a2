import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CompletionCommand, completionScript, runCompletion } from '../../../src/lib/completion/completion.js';
import { fakeIO } from '../../helpers/fake-io.js';

const globals = [
  { name: 'json', takesValue: false, global: true },
  { name: 'profile', char: 'p', takesValue: true, summary: 'The profile.', global: true },
];
const commands: CompletionCommand[] = [
  { id: 'configure', flags: [...globals, { name: 'api-key-stdin', takesValue: false }] },
  { id: 'audit:exportConfig:list', summary: 'List them.', flags: globals },
  { id: 'audit:exportConfig:get', flags: globals },
  {
    id: 'audit:exportConfig:create:s3:accessKey',
    flags: [...globals, { name: 'dry-run', takesValue: false }, { name: 'secret', takesValue: true, hidden: true }],
  },
  { id: 'sandbox:start', flags: [...globals, { name: 'interval-scale', takesValue: true }] },
  { id: 'hidden:thing', hidden: true, flags: [] },
  // oclif's own help command has none of the global flags.
  { id: 'help', flags: [{ name: 'nested-commands', char: 'n', takesValue: false }] },
];

/** zsh is not everywhere the suite runs (bash is): its real run is skipped without it. */
const hasZsh = (() => {
  try {
    execFileSync('zsh', ['-f', '-c', 'true']);
    return true;
  } catch {
    return false;
  }
})();

const hasFish = (() => {
  try {
    execFileSync('fish', ['--no-config', '-c', 'true']);
    return true;
  } catch {
    return false;
  }
})();

const dir = mkdtempSync(join(tmpdir(), 'immuta-completion-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const config = join(dir, 'c.yaml');
writeFileSync(config, 'default:\n  host: https://a\n  api_key: k\nsandbox:\n  host: http://127.0.0.1:4466\n');

/** Runs the generated bash function for a command line, as bash's completion would, and returns COMPREPLY. */
function bashComplete(words: string[]): string[] {
  const script = join(dir, 'immuta.bash');
  writeFileSync(script, completionScript('bash', commands));
  const quoted = words.map((w) => `'${w}'`).join(' ');
  const out = execFileSync(
    'bash',
    [
      '-c',
      `source '${script}'; COMP_WORDS=(immuta ${quoted}); COMP_CWORD=${words.length}; _immuta; printf '%s\\n' "\${COMPREPLY[@]}"`,
    ],
    { env: { PATH: process.env.PATH, HOME: dir, IMMUTA_CONFIG: config }, encoding: 'utf8' },
  );
  return out.split('\n').filter(Boolean).sort();
}

describe('completion bash (run in bash)', () => {
  it('completes topics and commands at each level, in the spaced form', () => {
    expect(bashComplete([''])).toEqual(['audit', 'configure', 'help', 'sandbox']);
    expect(bashComplete(['audit', 'exportConfig', ''])).toEqual(['create', 'get', 'list']);
    expect(bashComplete(['audit', 'exportConfig', 'create', 's3', 'a'])).toEqual(['accessKey']);
  });

  it("completes a command's flags, without hidden ones", () => {
    expect(bashComplete(['audit', 'exportConfig', 'create', 's3', 'accessKey', 'f.json', '--'])).toEqual([
      '--dry-run',
      '--json',
      '--profile',
    ]);
    expect(bashComplete(['sandbox', 'start', '--int'])).toEqual(['--interval-scale']);
  });

  it('finds the command after leading global flags and their values (`immuta -p prod audit ...`)', () => {
    expect(bashComplete(['-p', 'prod', 'audit', ''])).toEqual(['exportConfig']);
    expect(bashComplete(['--profile', 'prod', '--json', 'audit', 'exportConfig', ''])).toEqual([
      'create',
      'get',
      'list',
    ]);
    expect(bashComplete(['-p', 'prod', 'sandbox', 'start', '--int'])).toEqual(['--interval-scale']);
    expect(bashComplete(['--'])).toEqual(['--json', '--profile']);
  });

  it('completes profile names from the config file after -p', () => {
    expect(bashComplete(['audit', 'exportConfig', 'list', '-p', ''])).toEqual(['default', 'sandbox']);
    expect(bashComplete(['-p', 's'])).toEqual(['sandbox']);
  });
});

describe('completion zsh and fish', () => {
  it('zsh: the bash function through bashcompinit', () => {
    const script = completionScript('zsh', commands);
    expect(script).toContain('bashcompinit');
    expect(script).toContain('complete -o default -F _immuta immuta');
  });

  // The README installs it in $fpath as _immuta, or sources it: both must bind `immuta`.
  it.skipIf(!hasZsh)('zsh (run in zsh): compinit binds the file saved in $fpath, and sourcing binds it too', () => {
    const fpathDir = join(dir, 'zfunc');
    mkdirSync(fpathDir, { recursive: true });
    writeFileSync(join(fpathDir, '_immuta'), completionScript('zsh', commands));
    const zsh = (code: string) =>
      execFileSync('zsh', ['-f', '-c', code], { env: { PATH: process.env.PATH, HOME: dir }, encoding: 'utf8' }).trim();
    // Without `#compdef immuta` as its first line, compinit bound nothing: TAB did nothing.
    expect(
      zsh(
        `fpath=('${fpathDir}' $fpath); autoload -U compinit && compinit -u -d '${dir}/zcd'; print -r -- $_comps[immuta]`,
      ),
    ).toBe('_immuta');
    expect(zsh(`source '${fpathDir}/_immuta'; print -r -- $_comps[immuta]`)).toBe(
      '_bash_complete -o default -F _immuta',
    );
  });

  it('fish: subcommands per path, flags per command, profiles for -p', () => {
    const script = completionScript('fish', commands);
    expect(script).toContain(`complete -c immuta -n '__immuta_at "audit exportConfig"' -f -a 'list' -d 'List them.'`);
    expect(script).toContain(
      `complete -c immuta -n '__immuta_at "audit exportConfig list"' -l profile -s p -x -a '(__immuta_profiles)'`,
    );
    expect(script).not.toContain('hidden');
    expect(script).not.toContain('-l secret');
    // Bash's `${VAR:-default}` is a parse error in fish: the whole file was refused.
    expect(script).not.toContain('${');
  });

  it.skipIf(!hasFish)('fish (run in fish): the file parses, and completes commands and profiles', () => {
    const script = join(dir, 'immuta.fish');
    writeFileSync(script, completionScript('fish', commands));
    const fish = (line: string, env: Record<string, string> = {}) => {
      const run = spawnSync('fish', ['--no-config', '-c', `source '${script}'; and complete -C '${line}'`], {
        env: { PATH: process.env.PATH, HOME: dir, ...env },
        encoding: 'utf8',
      });
      // A condition that fails in fish prints its error on the terminal at every TAB.
      expect(run.stderr).toBe('');
      return run.stdout
        .split('\n')
        .map((entry) => entry.split('\t')[0])
        .filter(Boolean)
        .sort();
    };
    expect(fish('immuta ')).toEqual(['audit', 'configure', 'help', 'sandbox']);
    expect(fish('immuta audit exportConfig ')).toEqual(['create', 'get', 'list']);
    expect(fish('immuta audit exportConfig list -p ', { IMMUTA_CONFIG: config })).toEqual(['default', 'sandbox']);
    // Leading global flags: their values are not taken for a command word, and -p completes there too.
    expect(fish('immuta -p prod audit exportConfig ')).toEqual(['create', 'get', 'list']);
    expect(fish('immuta -p ', { IMMUTA_CONFIG: config })).toEqual(['default', 'sandbox']);
    writeFileSync(join(dir, '.immutacfg.yaml'), 'home-profile:\n  host: https://h\n');
    expect(fish('immuta audit exportConfig list -p ')).toEqual(['home-profile']);
  });
});

describe('runCompletion', () => {
  it('prints the script on stdout and how to install it on stderr; --json returns it', async () => {
    const io = fakeIO();
    const result = await runCompletion({ shell: 'Bash', commands }, io);
    expect(result.shell).toBe('bash');
    expect(io.stdout()).toBe(result.script);
    expect(io.stderr()).toContain('~/.local/share/bash-completion/completions/immuta');
  });

  it('an unknown shell: exit 2 naming the supported ones', async () => {
    await expect(runCompletion({ shell: 'tcsh', commands }, fakeIO())).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('bash, zsh and fish') as unknown,
    });
  });
});
