/**
 * ESLint rule `layers/layers`: imports between folders of src/ only go downward, and folders of one
 * layer never import each other in a cycle (README "Development": layers).
 *
 *   commands   src/commands/            thin oclif files
 *   cli        src/lib/cli/             base command, process IO, argv
 *   feature    src/lib/<anything else>/ lifecycle, export-config, doctor, sandbox, logs, ...
 *   io         src/lib/io/              the CommandIO interface
 *   domain     src/lib/tenant/ aws/ policy/ policy-templates/
 *   base       src/lib/output/ config/ errors/ util/
 *
 * A folder that is not listed is a feature: new feature folders need no change here. Type-only
 * imports count too (a type import still couples the folders). Cycles are checked against the
 * folder graph read from disk, so a cycle is reported at every import edge that closes it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const LAYERS = ['base', 'domain', 'io', 'feature', 'cli', 'commands'];
const FOLDER_LAYER = {
  cli: 'cli',
  io: 'io',
  tenant: 'domain',
  aws: 'domain',
  policy: 'domain',
  'policy-templates': 'domain',
  output: 'base',
  config: 'base',
  errors: 'base',
  util: 'base',
};

/** The folder ("unit") a path of src/ belongs to: `commands`, or the first folder under src/lib. */
function unitOf(srcRoot, file) {
  const parts = relative(srcRoot, file).split(sep);
  if (parts[0] === 'commands') return 'commands';
  if (parts[0] === 'lib' && parts.length > 2) return parts[1];
  return undefined;
}

function layerOf(unit) {
  if (unit === 'commands') return 'commands';
  return FOLDER_LAYER[unit] ?? 'feature';
}

const IMPORT_PATTERN = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

function sourceFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(name) ? [path] : [];
  });
}

/** unit -> units it imports, read from every file under src/. */
function folderGraph(srcRoot) {
  const graph = new Map();
  for (const file of sourceFiles(srcRoot)) {
    const from = unitOf(srcRoot, file);
    if (!from) continue;
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT_PATTERN)) {
      const to = unitOf(srcRoot, resolve(dirname(file), match[1]));
      if (!to || to === from) continue;
      if (!graph.has(from)) graph.set(from, new Set());
      graph.get(from).add(to);
    }
  }
  return graph;
}

/** A path of units from `start` to `goal` in the graph, or undefined. */
function findPath(graph, start, goal) {
  const previous = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length > 0) {
    const unit = queue.shift();
    if (unit === goal) {
      const path = [];
      for (let u = goal; u !== undefined; u = previous.get(u)) path.unshift(u);
      return path;
    }
    for (const next of graph.get(unit) ?? []) {
      if (!previous.has(next)) {
        previous.set(next, unit);
        queue.push(next);
      }
    }
  }
  return undefined;
}

// One lint run reads the graph once; a later run in the same process (a test, an editor) re-reads it.
let cached;
function cachedGraph(srcRoot) {
  const now = Date.now();
  if (!cached || cached.srcRoot !== srcRoot || now - cached.at > 2000) {
    cached = { srcRoot, at: now, graph: folderGraph(srcRoot) };
  }
  return cached.graph;
}

export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports between folders of src/ go down the layers, without folder cycles.' },
    schema: [],
    messages: {
      backEdge:
        "{{from}} ({{fromLayer}} layer) may not import {{to}} ({{toLayer}} layer): imports only go downward (README 'Development': layers). Move the shared code down.",
      cycle: '{{from}} -> {{to}} closes a folder cycle: {{cycle}}. Move the shared code into a lower folder.',
    },
  },
  create(context) {
    const filename = context.filename;
    const srcRoot = resolve(context.cwd, 'src');
    const from = unitOf(srcRoot, filename);
    if (!from) return {};
    const fromLayer = layerOf(from);
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const to = unitOf(srcRoot, resolve(dirname(filename), source));
      if (!to || to === from) return;
      const toLayer = layerOf(to);
      const rankFrom = LAYERS.indexOf(fromLayer);
      const rankTo = LAYERS.indexOf(toLayer);
      if (rankTo > rankFrom) {
        context.report({ node, messageId: 'backEdge', data: { from, fromLayer, to, toLayer } });
        return;
      }
      if (rankTo === rankFrom) {
        const back = findPath(cachedGraph(srcRoot), to, from);
        if (back) context.report({ node, messageId: 'cycle', data: { from, to, cycle: [from, ...back].join(' -> ') } });
      }
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

export default { meta: { name: 'layers' }, rules: { layers: layersRule } };
