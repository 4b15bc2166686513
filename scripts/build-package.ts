/**
 * Builds what `npm pack` ships, into dist/:
 * - dist/cdn/: the script-tag build (`vite build`, see vite.config.ts),
 * - dist/{element,worker,client,server,frameworks}/ and dist/protocol.*: src/ compiled 1:1 by
 *   tsc (tsconfig.build.json) with .d.ts beside each file,
 * - dist/custom-elements.json: the element's manifest, from its JSDoc.
 *
 *   tsx scripts/build-package.ts [--no-typecheck]
 *
 * Type errors fail the build (never publish a package whose types lie); `--no-typecheck` emits
 * anyway, for tests that only need the files while the typecheck step reports errors itself.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatReport, type SizeReport } from './bundle-size.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

function files(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files(path, out);
    else out.push(path);
  }
  return out;
}

// Relative specifiers keep their `.ts` in declarations (tsc rewrites only JS imports), and a
// worker's `new URL('./worker.ts', import.meta.url)` is a string tsc never touches.
const TS_IMPORT = /((?:from|import)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]+?)\.ts\2/g;
const TS_URL = /(new URL\(\s*)(['"])(\.{1,2}\/[^'"]+?)\.ts\2(\s*,\s*import\.meta\.url)/g;

/** Rewrites `.ts` specifiers to `.js` in emitted files; returns the files still naming a `.ts`. */
export function rewriteSpecifiers(dir: string): string[] {
  const leftovers: string[] = [];
  for (const file of files(dir)) {
    if (!file.endsWith('.js') && !file.endsWith('.d.ts')) continue;
    const text = readFileSync(file, 'utf8');
    const next = text.replace(TS_IMPORT, '$1$2$3.js$2').replace(TS_URL, '$1$2$3.js$2$4');
    if (next !== text) writeFileSync(file, next);
    if (/['"]\.{1,2}\/[^'"]+\.ts['"]/.test(next)) leftovers.push(relative(root, file));
  }
  return leftovers;
}

type Json = Record<string, unknown>;

/**
 * The analyzer reads the TypeScript sources; the manifest must name the published files, list
 * only documented events (not a helper's generic `dispatchEvent(name)`) and no private state.
 */
function finishManifest(path: string): void {
  const toDist = (p: string) => p.replace(/^\/?(?:\.\/)?src\//, 'dist/').replace(/\.ts$/, '.js');
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as { modules: Json[] };
  for (const mod of manifest.modules) {
    const modulePath = String(mod.path);
    mod.path = toDist(modulePath);
    const dir = modulePath.slice(0, modulePath.lastIndexOf('/') + 1);
    const refTo = (ref: Json | undefined) => {
      if (!ref || typeof ref.module !== 'string') return;
      ref.module = toDist(ref.module.startsWith('./') ? dir + ref.module.slice(2) : ref.module);
    };
    for (const exp of (mod.exports as Json[] | undefined) ?? []) refTo(exp.declaration as Json | undefined);
    for (const dec of (mod.declarations as Json[] | undefined) ?? []) {
      refTo(dec.superclass as Json | undefined);
      if (Array.isArray(dec.events))
        dec.events = (dec.events as Json[]).filter((e) => typeof e.description === 'string' && e.description !== '');
      const isPublic = (m: Json) =>
        !String(m.name ?? m.fieldName ?? '').startsWith('_') && m.privacy !== 'private' && m.privacy !== 'protected';
      if (Array.isArray(dec.attributes))
        dec.attributes = (dec.attributes as Json[]).filter((a) => isPublic(a) && !String(a.fieldName ?? '').startsWith('_'));
      if (Array.isArray(dec.members)) dec.members = (dec.members as Json[]).filter(isPublic);
    }
  }
  writeFileSync(path, JSON.stringify(manifest, null, 2) + '\n');
}

function main(): void {
  const typecheck = !process.argv.includes('--no-typecheck');
  rmSync(dist, { recursive: true, force: true });

  // A test runner's NODE_ENV=test would make Vite pick Lit's development build.
  execFileSync(bin('vite'), ['build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  // The size report goes to Vite's info log, which --logLevel warn leaves out: print it from its JSON.
  console.log(formatReport(JSON.parse(readFileSync(join(dist, 'bundle-size.json'), 'utf8')) as SizeReport));

  const tsc = spawnSync(bin('tsc'), ['-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
  if (tsc.status !== 0) {
    process.stderr.write(tsc.stdout + tsc.stderr);
    if (typecheck || !existsSync(join(dist, 'element', 'define.js'))) {
      throw new Error('tsc reported errors; the package was not built (see above).');
    }
    console.warn('build-package: type errors above; emitted anyway (--no-typecheck).');
  }
  const leftovers = rewriteSpecifiers(dist);
  if (leftovers.length) throw new Error(`These built files still import .ts files: ${leftovers.join(', ')}`);
  // npm marks bins executable on install; this keeps `node dist/server/runtimes/bin.js` and ./bin.js alike.
  chmodSync(join(dist, 'server', 'runtimes', 'bin.js'), 0o755);

  execFileSync(
    bin('cem'),
    [
      'analyze',
      '--litelement',
      '--globs',
      'src/element/try-on-button.ts',
      'src/element/reactive-host.ts',
      'src/element/define.ts',
      '--outdir',
      'dist',
      '--quiet',
    ],
    { cwd: root, stdio: 'inherit' },
  );
  finishManifest(join(dist, 'custom-elements.json'));
  console.log('build-package: dist/ ready (cdn, ESM + .d.ts, custom-elements.json).');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
