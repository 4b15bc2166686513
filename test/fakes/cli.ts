/**
 * Starts one provider fake for manual runs of the endpoint or the demo:
 *
 *   npm run fake -- <provider> [--port 4010] [--key some-key]
 *   (the script is `tsx test/fakes/cli.ts`)
 *
 * and prints the environment that points the endpoint at it. Each fake adds itself to
 * `fakes` below.
 */
import type { FakeProvider } from './common.ts';
import { startFakePixazo } from './pixazo.ts';
import { startFakeVirtufit } from './virtufit.ts';
import { startFakeVistoure } from './vistoure.ts';
import { startFakeVtry } from './vtry.ts';
import { startFakeVtryon } from './vtryon.ts';

type StartFake = (init: { apiKey: string; port?: number }) => Promise<FakeProvider>;

const fakes: Record<string, StartFake> = {
  vtryon: startFakeVtryon,
  virtufit: startFakeVirtufit,
  // One VistoureAI fake serves both the Try-On and the Try-On Pro routes.
  vistoure: startFakeVistoure,
  'vistoure-pro': startFakeVistoure,
  pixazo: startFakePixazo,
  vtry: startFakeVtry,
};

function usage(problem: string): never {
  console.error(`${problem}\nUsage: npm run fake -- <${Object.keys(fakes).join('|')}> [--port N] [--key KEY]`);
  process.exit(2);
}

const args = process.argv.slice(2);
const name = args[0];
if (!name || name.startsWith('-')) usage('Name the provider to fake.');
const start = fakes[name];
if (!start) usage(`There is no fake for "${name}".`);

const flag = (flagName: string) => {
  const at = args.indexOf(flagName);
  return at >= 0 ? args[at + 1] : undefined;
};
const portText = flag('--port');
const port = portText === undefined ? 0 : Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65535) usage(`--port must be a port number, not "${portText}".`);
const apiKey = flag('--key') ?? `fake-${name}-key`;

const fake = await start({ apiKey, port });
console.log(`TRYON_PROVIDER=${name} TRYON_PROVIDER_URL=${fake.url} TRYON_API_KEY=${apiKey}`);

const stop = () => void fake.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
