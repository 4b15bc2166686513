/**
 * Runs before `npm test`, so the README's two commands are enough on a fresh Debian machine:
 * as root it installs what the suites need (the three browser engines: Chromium, Firefox ESR and
 * WebKitGTK's WebDriver with xvfb for its display; redis-server and redis-cli, php-cli, openssl) from Debian's
 * packages; otherwise it says in one sentence what is missing and how to get it, instead of
 * letting a browser or Redis test fail with a launcher's stack trace.
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
const firefox = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
const webkitDriver = process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver';
const missing: Array<[what: string, debianPackage: string]> = [];
if (!existsSync(chromium)) missing.push([`Chromium at ${chromium}`, 'chromium']);
if (!existsSync(firefox)) missing.push([`Firefox ESR at ${firefox}`, 'firefox-esr']);
if (!existsSync(webkitDriver)) missing.push([`WebKitWebDriver at ${webkitDriver}`, 'webkit2gtk-driver']);
if (!has('xvfb-run')) missing.push(['xvfb-run', 'xvfb']);
if (!has('redis-server')) missing.push(['redis-server', 'redis-server']);
if (!has('redis-cli')) missing.push(['redis-cli', 'redis-tools']);
if (!has('php')) missing.push(['php', 'php-cli']);
if (!has('openssl')) missing.push(['openssl', 'openssl']);

const packages = missing.map(([, pkg]) => pkg);
const customPaths = ['CHROMIUM_PATH', 'FIREFOX_PATH', 'WEBKIT_DRIVER_PATH'].some((name) => process.env[name]);
if (missing.length > 0 && process.getuid?.() === 0 && has('apt-get') && !customPaths) {
  console.log(`npm test: installing Debian packages the suites need: ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env,
  });
  missing.length = 0;
}

if (missing.length > 0) {
  console.error(
    `npm test needs ${missing.map(([what]) => what).join(', ')}. On Debian or Ubuntu: ` +
      `sudo apt-get install -y ${packages.join(' ')} ` +
      `(or run \`bash .ci/run\` as root, which installs them; set CHROMIUM_PATH, FIREFOX_PATH or WEBKIT_DRIVER_PATH for other builds).`,
  );
  process.exit(1);
}
