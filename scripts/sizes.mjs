// Size report for the built kit (run after `npm run build`): `npm run size [-- --json]`.
//
// 1. The CDN build (dist/cdn): raw and gzip -9 size of every file, their sum, and the entry "as
//    loaded": the entry plus the chunks it imports statically (what a page fetches before any tag
//    upgrades). Lazy chunks (`import()`) and workers are listed but not counted in that figure.
// 2. The npm build (dist): every `dist/define/*.js` and `dist/index.js` bundled by esbuild the way
//    an app bundler would (minified, ES2022, dependencies included), gzipped, minus Lit alone.
// 3. Where the CDN bytes come from, by package and by kit folder, measured on the shipped files
//    through their source maps (see `attribute()` for the method).
//
// With `--json`, the last line of the output is one JSON object with every number above.
import { build } from 'esbuild';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const cdn = path.join(dist, 'cdn');
const CDN_ENTRY = 'realtime-elements.js';
const asJson = process.argv.includes('--json');

const gzip = (data) => gzipSync(data, { level: 9 }).length;
const kb = (bytes) => (bytes / 1024).toFixed(1);
const rel = (file) => path.relative(root, file).split(path.sep).join('/');

if (!existsSync(path.join(cdn, CDN_ENTRY)) || !existsSync(path.join(dist, 'index.js'))) {
  console.error('No build found: run `npm run build` first.');
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------
// 1. CDN files and the entry as loaded

function jsFiles(dir) {
  return existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.js')).sort().map((name) => path.join(dir, name)) : [];
}

/** Static and dynamic relative imports of every module reachable from `entry`, read from esbuild's metafile. */
async function importGraph(entry) {
  const { metafile } = await build({ entryPoints: [entry], bundle: true, write: false, format: 'esm', outdir: path.join(root, '.sizes-out'), metafile: true, logLevel: 'silent', absWorkingDir: root });
  const graph = new Map();
  for (const [input, { imports }] of Object.entries(metafile.inputs)) {
    graph.set(path.resolve(root, input), imports.map(({ path: to, kind }) => ({ to: path.resolve(root, to), kind })));
  }
  return graph;
}

function staticClosure(graph, entry) {
  const seen = new Set([entry]);
  const queue = [entry];
  while (queue.length) {
    for (const { to, kind } of graph.get(queue.shift()) ?? []) {
      if (kind !== 'import-statement' || seen.has(to)) continue;
      seen.add(to);
      queue.push(to);
    }
  }
  return [...seen];
}

const entryPath = path.join(cdn, CDN_ENTRY);
const graph = await importGraph(entryPath);
const loaded = staticClosure(graph, entryPath);
const cdnFiles = [...jsFiles(cdn), ...jsFiles(path.join(cdn, 'assets'))].map((file) => {
  const code = readFileSync(file);
  const role = file === entryPath ? 'entry' : loaded.includes(file) ? 'static chunk' : graph.has(file) ? 'lazy chunk' : path.dirname(file) !== cdn ? 'worker/asset' : 'unreachable';
  return { file: rel(file), role, raw: code.length, gzip: gzip(code) };
});
const topLevel = cdnFiles.filter((f) => path.dirname(path.join(root, f.file)) === cdn);
const sum = (list, key) => list.reduce((total, item) => total + item[key], 0);
const entryLoaded = cdnFiles.filter((f) => loaded.includes(path.join(root, f.file)));
const cdnReport = {
  files: cdnFiles,
  sumGzip: sum(topLevel, 'gzip'),
  sumRaw: sum(topLevel, 'raw'),
  sumGzipWithAssets: sum(cdnFiles, 'gzip'),
  entryAsLoaded: { files: entryLoaded.map((f) => f.file), raw: sum(entryLoaded, 'raw'), gzip: sum(entryLoaded, 'gzip') },
};

// ---------------------------------------------------------------------------------------------
// 2. npm entries over Lit

async function bundled(options) {
  const result = await build({
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    outdir: path.join(root, '.sizes-out'),
    legalComments: 'none',
    logLevel: 'silent',
    absWorkingDir: root,
    ...options,
  });
  const code = result.outputFiles.find((file) => file.path.endsWith('.js')).contents;
  return { raw: code.length, gzip: gzip(code) };
}

const lit = await bundled({ stdin: { contents: "export * from 'lit';", resolveDir: root, loader: 'js' } });
const npmEntries = [...jsFiles(path.join(dist, 'define')), path.join(dist, 'index.js')];
const npmReport = { lit, entries: [] };
for (const file of npmEntries) {
  const size = await bundled({ entryPoints: [file] });
  npmReport.entries.push({ entry: rel(file), ...size, overLitGzip: size.gzip - lit.gzip });
}

// ---------------------------------------------------------------------------------------------
// 3. Where the CDN bytes come from

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Source map `mappings` as, per generated line, a list of [column, source index or -1]. */
function decodeMappings(mappings) {
  const lines = [];
  let source = 0;
  const state = [0, 0, 0, 0, 0];
  for (const line of mappings.split(';')) {
    const segments = [];
    state[0] = 0;
    for (const segment of line.split(',')) {
      if (!segment) continue;
      const fields = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = BASE64.indexOf(char);
        value += (digit & 31) << shift;
        if (digit & 32) {
          shift += 5;
        } else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      for (let i = 0; i < fields.length; i++) state[i] += fields[i];
      if (fields.length > 1) source = state[1];
      segments.push([state[0], fields.length > 1 ? source : -1]);
    }
    segments.sort((a, b) => a[0] - b[0]);
    lines.push(segments);
  }
  return lines;
}

const LIT_PACKAGES = new Set(['lit', 'lit-html', 'lit-element', '@lit/reactive-element']);

/** The origin of a source path: an npm package, a kit folder (`src/services`), or the bundler. */
function originOf(source) {
  const parts = source.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at >= 0) {
    const name = parts[at + 1].startsWith('@') ? `${parts[at + 1]}/${parts[at + 2]}` : parts[at + 1];
    return LIT_PACKAGES.has(name) ? 'lit' : name;
  }
  if (source.startsWith('src/')) return parts.length > 2 ? `src/${parts[1]}` : 'src/*.ts';
  return '(bundler glue)';
}

function moduleOf(source) {
  const parts = source.split('/');
  const at = parts.lastIndexOf('node_modules');
  return at >= 0 ? parts.slice(at + 1).join('/') : source;
}

/**
 * Splits one shipped file by source map: each mapped segment's bytes (up to the next segment) go
 * to its source; unmapped bytes go to the bundler. Each group's bytes are concatenated in file
 * order and gzipped alone; the file's real gzip size is then shared out in proportion to those
 * standalone sizes, so the shares add up to the file's gzip size exactly.
 */
function attribute(file) {
  const code = readFileSync(file, 'utf8');
  const mapFile = `${file}.map`;
  const byOrigin = new Map();
  const byModule = new Map();
  const add = (map, key, text) => {
    const list = map.get(key) ?? [];
    list.push(text);
    map.set(key, list);
  };
  if (!existsSync(mapFile)) {
    add(byOrigin, `(no map) ${path.basename(file)}`, code);
    add(byModule, `(no map) ${path.basename(file)}`, code);
  } else {
    const map = JSON.parse(readFileSync(mapFile, 'utf8'));
    const sources = map.sources.map((source) => (/^[a-z]+:|\0/.test(source) ? source : rel(path.resolve(path.dirname(file), map.sourceRoot ?? '', source))));
    const mapped = decodeMappings(map.mappings);
    const lines = code.split('\n');
    // A line that starts unmapped continues the previous segment (the rest of a multi-line
    // template literal, for example), so the last source seen carries over line breaks.
    let current = -1;
    const take = (text, sourceIndex) => {
      if (!text) return;
      const source = sourceIndex >= 0 ? sources[sourceIndex] : '(bundler glue)';
      add(byOrigin, sourceIndex >= 0 ? originOf(source) : source, text);
      add(byModule, sourceIndex >= 0 ? moduleOf(source) : source, text);
    };
    lines.forEach((line, index) => {
      const segments = mapped[index] ?? [];
      take(line.slice(0, segments[0]?.[0] ?? line.length), current);
      segments.forEach(([column, sourceIndex], i) => {
        current = sourceIndex;
        take(line.slice(column, segments[i + 1]?.[0] ?? line.length), sourceIndex);
      });
      if (index < lines.length - 1) take('\n', current);
    });
  }
  const total = gzip(code);
  const share = (groups) => {
    const sized = [...groups].map(([key, texts]) => {
      const text = Buffer.from(texts.join(''));
      return { key, raw: text.length, alone: gzip(text) };
    });
    const aloneSum = sum(sized, 'alone');
    return new Map(sized.map(({ key, raw, alone }) => [key, { raw, gzip: (alone / aloneSum) * total }]));
  };
  return { origins: share(byOrigin), modules: share(byModule) };
}

function breakdown(files) {
  const origins = new Map();
  const modules = new Map();
  for (const file of files) {
    const parts = attribute(path.join(root, file));
    for (const [target, source] of [[origins, parts.origins], [modules, parts.modules]]) {
      for (const [key, { raw, gzip: gz }] of source) {
        const was = target.get(key) ?? { raw: 0, gzip: 0 };
        target.set(key, { raw: was.raw + raw, gzip: was.gzip + gz });
      }
    }
  }
  const sorted = (map) => [...map].map(([name, { raw, gzip: gz }]) => ({ name, raw, gzip: Math.round(gz) })).sort((a, b) => b.gzip - a.gzip);
  return { origins: sorted(origins), modules: sorted(modules) };
}

const breakdownReport = {
  method:
    'shipped dist/cdn files split by their source maps (each mapped segment up to the next belongs to its source; ' +
    'unmapped bytes belong to the segment before them, across line breaks); ' +
    'each group gzipped alone, and the file\'s real gzip -9 size shared out in proportion to those standalone sizes, per file, then summed',
  entry: breakdown(cdnReport.entryAsLoaded.files),
  total: breakdown(topLevel.map((f) => f.file)),
};

// ---------------------------------------------------------------------------------------------
// Output

function table(rows, columns) {
  const cells = rows.map((row) => columns.map(([, get]) => String(get(row))));
  const widths = columns.map(([title], i) => Math.max(title.length, ...cells.map((row) => row[i].length)));
  const pad = (text, i) => (i === 0 ? text.padEnd(widths[i]) : text.padStart(widths[i]));
  console.log(columns.map(([title], i) => pad(title, i)).join('  '));
  for (const row of cells) console.log(row.map(pad).join('  '));
}

console.log('CDN build (dist/cdn), KB = 1024 bytes, gzip level 9');
table(cdnFiles, [['file', (f) => f.file], ['role', (f) => f.role], ['raw KB', (f) => kb(f.raw)], ['gzip KB', (f) => kb(f.gzip)]]);
console.log(`sum of dist/cdn/*.js gzip:     ${kb(cdnReport.sumGzip)} KB (with workers in assets/: ${kb(cdnReport.sumGzipWithAssets)} KB)`);
console.log(`entry as loaded (entry + static chunks): ${kb(cdnReport.entryAsLoaded.gzip)} KB gzip, ${kb(cdnReport.entryAsLoaded.raw)} KB raw`);
console.log('');
console.log(`npm build bundled by esbuild (minify, es2022, deps included); Lit alone (export * from 'lit'): ${kb(lit.gzip)} KB gzip`);
table(npmReport.entries, [['entry', (e) => e.entry], ['min KB', (e) => kb(e.raw)], ['gzip KB', (e) => kb(e.gzip)], ['over Lit KB', (e) => kb(e.overLitGzip)]]);
for (const [title, part] of [['entry as loaded', breakdownReport.entry], ['whole CDN (dist/cdn/*.js)', breakdownReport.total]]) {
  console.log('');
  console.log(`By origin, ${title}: raw KB as shipped, gzip KB share`);
  table(part.origins, [['origin', (o) => o.name], ['raw KB', (o) => kb(o.raw)], ['gzip KB', (o) => kb(o.gzip)]]);
  console.log('');
  console.log(`Biggest kit modules, ${title}`);
  table(part.modules.filter((m) => m.name.startsWith('src/')).slice(0, 15), [['module', (m) => m.name], ['raw KB', (m) => kb(m.raw)], ['gzip KB', (m) => kb(m.gzip)]]);
}
console.log('');
console.log(`Method: ${breakdownReport.method}.`);
if (asJson) console.log(JSON.stringify({ cdn: cdnReport, npm: npmReport, breakdown: breakdownReport }));
