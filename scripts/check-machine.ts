/**
 * Runs before `npm test`: says in one sentence what this machine lacks for the suites, and how
 * to get it, instead of letting a browser or Redis test fail with a launcher's stack trace.
 */
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const has = (command: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const missing: Array<[what: string, debianPackage: string]> = [];
if (!existsSync(chromium)) missing.push([`Chromium at ${chromium}`, 'chromium']);
if (!has('redis-server')) missing.push(['redis-server', 'redis-server']);
if (!has('php')) missing.push(['php', 'php-cli']);

if (missing.length > 0) {
  console.error(
    `npm test needs ${missing.map(([what]) => what).join(', ')}. On Debian or Ubuntu: ` +
      `sudo apt-get install -y ${missing.map(([, pkg]) => pkg).join(' ')} ` +
      `(or run \`bash .ci/run\` as root, which installs them; set CHROMIUM_PATH for another Chromium).`,
  );
  process.exit(1);
}
