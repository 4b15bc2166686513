/**
 * `npm run bench`: every benchmark of issues 7, 14 and 16 in one run, printed as tables with ratios
 * against the named alternatives, plus the raw figures as JSON in test-results/bench/last-run.json.
 * `npm run bench:smoke` (or `--smoke`) runs one iteration of each at small sizes. `--photo` runs
 * the photo bench alone; `--engines=firefox,webkit` (or TEST_ENGINES) limits its engines.
 */
import { cpus, totalmem } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runEndpointBench, type EndpointBenchOptions, type EndpointReport } from './endpoint/suite.ts';
import { runPageBench, type PageBenchOptions, type PageReport } from './page/suite.ts';
import { runPhotoBench, type PhotoBenchOptions, type PhotoReport } from './photo/suite.ts';
import { runFleetBench, type FleetBenchOptions, type FleetReport } from './fleet/suite.ts';
import { formatReport } from './table.ts';
import { selectedEngines } from '../test/engines.ts';

export interface BenchConfig {
  photo: PhotoBenchOptions;
  page: PageBenchOptions;
  endpoint: EndpointBenchOptions;
  fleet: FleetBenchOptions;
}

export const FULL: BenchConfig = {
  photo: { iterations: 5, throttledIterations: 3, scale: 1, stages: true },
  page: { iterations: 5, cpuRate: 4 },
  endpoint: { loadSeconds: 10, connections: 16, probeRequests: 2000, pollJobs: 20, widgetsPerJob: 5, pollSeconds: 30, memoryJobs: 1000 },
  fleet: { memoryJobs: 1000, loadSeconds: 10, connections: 16, probeRequests: 2000 },
};

/** One iteration of everything at small sizes: checks the benches work, asserts no timing. */
export const SMOKE: BenchConfig = {
  photo: { iterations: 1, throttledIterations: 0, scale: 0.25, stages: true },
  page: { iterations: 1, cpuRate: 4 },
  endpoint: { loadSeconds: 1, connections: 4, probeRequests: 50, pollJobs: 2, widgetsPerJob: 2, pollSeconds: 2, memoryJobs: 50 },
  fleet: { memoryJobs: 50, loadSeconds: 1, connections: 4, probeRequests: 50 },
};

export interface BenchReport {
  machine: { cpus: string; cores: number; memoryGb: number; node: string; chromium?: string };
  photo: PhotoReport;
  /** Absent in a photo-only run (`--photo`). */
  page?: PageReport;
  endpoint?: EndpointReport;
  fleet?: FleetReport;
  seconds: number;
}

export async function runAll(
  config: BenchConfig,
  log: (line: string) => void = () => {},
  options: { photoOnly?: boolean } = {},
): Promise<BenchReport> {
  const started = Date.now();
  const photo = await runPhotoBench({ ...config.photo, log });
  const page = options.photoOnly ? undefined : await runPageBench({ ...config.page, log });
  const endpoint = options.photoOnly ? undefined : await runEndpointBench({ ...config.endpoint, log });
  const fleet = options.photoOnly ? undefined : await runFleetBench({ ...config.fleet, log });
  return {
    machine: {
      cpus: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    photo,
    page,
    endpoint,
    fleet,
    seconds: (Date.now() - started) / 1000,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const smoke = process.argv.includes('--smoke');
  const enginesArg = process.argv.find((a) => a.startsWith('--engines='))?.slice('--engines='.length);
  const config = smoke ? SMOKE : FULL;
  const engines = selectedEngines(enginesArg ?? process.env.TEST_ENGINES);
  const report = await runAll({ ...config, photo: { ...config.photo, engines } }, (line) => console.error(line), {
    photoOnly: process.argv.includes('--photo'),
  });
  console.log(formatReport(report));
  const dir = fileURLToPath(new URL('../test-results/bench/', import.meta.url));
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}${smoke ? 'smoke' : 'last-run'}.json`, JSON.stringify(report, null, 2));
  console.error(`\nRaw figures: test-results/bench/${smoke ? 'smoke' : 'last-run'}.json (${report.seconds.toFixed(0)} s)`);
}
