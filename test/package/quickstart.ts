/**
 * The README's quick start, run as a merchant's developer would follow it: every step comes from
 * a fenced block the README marks with `<!-- quickstart: name -->`, in an empty folder, against
 * the packed tarball. The only liberties taken are the ones a reader takes too: the published
 * name is installed from the tarball (offline), the server listens on a free port (`PORT`, which
 * the README names), and a garment picture is put where step 2 says. A README block that breaks
 * fails this.
 */
import { expect } from 'vitest';
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Browser } from 'playwright-core';
import { ROOT, run } from './helpers.ts';
import { choosePhoto, openPanel, openWidget, waitForResultImage, waitForStatus, watchProblems } from '../e2e/helpers.ts';
import { makeShopperPhoto } from '../e2e/shopper-photo.ts';

/** The blocks the quick start consists of, by the name in their marker comment. */
export const QUICKSTART_BLOCKS = ['install', 'public/index.html', 'server.mjs', 'start', 'health'] as const;
type BlockName = (typeof QUICKSTART_BLOCKS)[number];

/**
 * The marked blocks of `readme`, their list indentation removed (as Markdown renders them and a
 * reader copies them).
 */
export function quickstartBlocks(readme: string): Map<string, string> {
  const blocks = new Map<string, string>();
  const pattern = /^([ \t]*)<!-- quickstart: ([\w./-]+) -->\n\1```\w*\n([\s\S]*?)\n\1```$/gm;
  for (const [, indent, name, body] of readme.matchAll(pattern)) {
    const lines = body!.split('\n').map((line) => (line.startsWith(indent!) ? line.slice(indent!.length) : line.trimStart()));
    blocks.set(name!, `${lines.join('\n')}\n`);
  }
  return blocks;
}

/** A shell block's command lines and the output it shows (`# ` lines after the command). */
function commandAndOutput(block: string): { command: string; shown: string[] } {
  const lines = block.trim().split('\n');
  return {
    command: lines.filter((l) => !l.startsWith('#')).join('\n'),
    shown: lines.filter((l) => l.startsWith('# ')).map((l) => l.slice(2)),
  };
}

/** Runs the quick start from `readme` against `tarball`; fails the calling test with what went wrong. */
export async function readmeQuickStart(browser: Browser, tarball: string): Promise<void> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const blocks = quickstartBlocks(readme);
  expect([...blocks.keys()]).toEqual([...QUICKSTART_BLOCKS]);
  const block = (name: BlockName) => blocks.get(name)!;
  const shop = await mkdtemp(join(tmpdir(), 'try-on-quickstart-'));
  let server: ReturnType<typeof spawn> | undefined;
  try {
    // 1. Install: the published name comes from the tarball, from the npm cache our install filled.
    const install = commandAndOutput(block('install')).command;
    expect(install).toMatch(/\bnpm install try-on-button$/);
    const offline = install.replace(/npm install try-on-button$/, `npm install ${tarball} --no-audit --no-fund`);
    let installed = await run('sh', ['-c', `${offline} --offline`], { cwd: shop, timeoutMs: 180_000 });
    if (installed.code !== 0) installed = await run('sh', ['-c', `${offline} --prefer-offline`], { cwd: shop, timeoutMs: 180_000 });
    expect(installed.code, installed.stderr).toBe(0);

    // 2 and 3. The garment picture step 2 asks for, then the files exactly as the README shows them.
    await mkdir(join(shop, 'public'));
    await copyFile(join(ROOT, 'demo/site/garments/linen-shirt.png'), join(shop, 'public/linen-shirt.png'));
    for (const name of ['public/index.html', 'server.mjs'] as const) {
      await mkdir(dirname(join(shop, name)), { recursive: true });
      await writeFile(join(shop, name), block(name));
    }

    // 4. Start: the variables and the command of the block, on a free port.
    const start = commandAndOutput(block('start'));
    const words = start.command.trim().split(/\s+/);
    const env: Record<string, string> = {};
    while (/^[A-Z_]+=/.test(words[0] ?? '')) {
      const [name, ...value] = words.shift()!.split('=');
      env[name!] = value.join('=');
    }
    expect(words).toEqual(['node', 'server.mjs']);
    const child = spawn(process.execPath, ['server.mjs'], {
      cwd: shop,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server = child;
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    const [shownStart] = start.shown;
    expect(shownStart).toMatch(/^Shop: http:\/\/127\.0\.0\.1:3000\/$/);
    const printed = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the server printed no address: ${output}`)), 20_000);
      const look = () => {
        const line = output.split('\n').find((l) => l.startsWith('Shop: '));
        if (line) {
          clearTimeout(timer);
          resolve(line);
        }
      };
      child.stdout.on('data', look);
      child.on('close', () => reject(new Error(`the server stopped: ${output}`)));
    });
    const origin = /^Shop: (http:\/\/127\.0\.0\.1:\d+)\/$/.exec(printed)?.[1];
    expect(printed.replace(/:\d+\//, ':3000/'), 'the line the README shows').toBe(shownStart);

    // 5. The curl of the README, with this server's port, prints what the README shows.
    const health = commandAndOutput(block('health'));
    expect(health.command).toMatch(/^curl -s http:\/\/127\.0\.0\.1:3000\/\S+$/);
    const curl = await run('sh', ['-c', health.command.replace('http://127.0.0.1:3000', origin!)], { cwd: shop });
    expect(curl.code, curl.stderr).toBe(0);
    expect(curl.stdout.trim().split('\n')).toEqual(health.shown);

    // The cache headers the README promises: the entry revalidated, hashed chunks kept for good.
    const entry = await fetch(`${origin}/cdn/try-on-button.js`);
    expect([entry.status, entry.headers.get('cache-control'), entry.headers.get('content-type')]).toEqual([
      200,
      'no-cache',
      'text/javascript',
    ]);
    const chunk = /["'`]\.\/chunks\/([\w-]+\.js)["'`]/.exec(await entry.text())?.[1];
    expect(chunk, 'the entry imports a hashed chunk').toBeDefined();
    const chunkAnswer = await fetch(`${origin}/cdn/chunks/${chunk}`);
    expect([chunkAnswer.status, chunkAnswer.headers.get('cache-control')]).toEqual([200, 'public, max-age=31536000, immutable']);
    expect((await fetch(`${origin}/cdn/../server.mjs`)).status).toBe(404);

    // 6. A shopper's try-on on that page in Chromium.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const problems = watchProblems(page);
    try {
      const photoPath = join(shop, 'shopper.jpg');
      await writeFile(photoPath, await makeShopperPhoto(browser));
      const widget = await openWidget(page, `${origin}/`);
      await openPanel(page, widget);
      await widget.locator('[part="consent-checkbox"]').check();
      await (await choosePhoto(widget, photoPath)).click();
      const final = await waitForStatus(page, ['complete', 'error'], 60_000);
      const errorText = final === 'error' ? await widget.locator('[part="error"]').innerText() : '';
      expect(final, `the try-on failed: ${errorText}\n${output}`).toBe('complete');
      await waitForResultImage(page);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
    expect(output).toMatch(/"method":"POST","path":"\/api\/try-on\/jobs","status":202/);
  } finally {
    server?.kill('SIGTERM');
    await rm(shop, { recursive: true, force: true });
  }
}
