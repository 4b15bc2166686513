/** Plain-text tables of a bench report, with each figure's goal (issues 7 and 16) and whether it is met. */
import type { BenchReport } from './run.ts';
import type { PhotoRow } from './photo/suite.ts';
import type { PollingFigures } from './endpoint/suite.ts';

function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(n < 10 ? 2 : 0)} ms` : 'n/a');
const kb = (n: number | undefined) => (n === undefined ? '' : `${(n / 1024).toFixed(1)} KB`);
const x = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}x` : 'n/a');
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

function photoTables(report: BenchReport): string {
  const out: string[] = [];
  const rates = [...new Set(report.photo.rows.map((r) => r.cpuRate))];
  for (const rate of rates) {
    const rows: (string | number)[][] = [];
    for (const input of report.photo.inputs) {
      const of = (m: string) => report.photo.rows.find((r) => r.cpuRate === rate && r.input === input.name && r.method === m) as PhotoRow;
      const ours = of('ours');
      const floor = of('floor');
      for (const row of report.photo.rows.filter((r) => r.cpuRate === rate && r.input === input.name)) {
        rows.push([
          input.name,
          row.method,
          ms(row.medianMs),
          row.method === 'ours' ? '1.00x' : x(row.medianMs / ours.medianMs),
          x(row.medianMs / floor.medianMs),
          `${row.longTasks}${row.longTaskMs ? ` (${row.longTaskMs.toFixed(0)} ms)` : ''}`,
          kb(row.bytes),
          row.psnr !== undefined ? row.psnr.toFixed(2) : row.notComparable ? 'wrong size' : '',
          row.ssim !== undefined ? row.ssim.toFixed(4) : '',
          row.method === 'floor' ? '' : row.exif || row.gps ? 'KEPT' : 'stripped',
        ]);
      }
    }
    out.push(
      `Photo pipeline at ${rate}x CPU (median of ${report.photo.rows.find((r) => r.cpuRate === rate)!.runsMs.length} runs; "time/ours" > 1 means slower than ours)`,
      table(['input', 'method', 'median', 'time/ours', 'time/floor', 'long tasks', 'output', 'PSNR dB', 'SSIM', 'EXIF/GPS'], rows),
      '',
    );
  }
  const goals: (string | number)[][] = [];
  for (const rate of rates) {
    for (const input of report.photo.inputs) {
      const of = (m: string) => report.photo.rows.find((r) => r.cpuRate === rate && r.input === input.name && r.method === m)!;
      const ours = of('ours');
      const bic = of('browser-image-compression');
      const speedup = bic.medianMs / ours.medianMs;
      const floorRatio = ours.medianMs / of('floor').medianMs;
      goals.push([
        `${input.name} @${rate}x`,
        x(speedup),
        verdict(speedup >= 1.5),
        x(floorRatio),
        verdict(floorRatio <= 1.3),
        ours.longTasks,
        verdict(ours.longTasks === 0),
      ]);
      if (rate === 1) {
        const smaller = (ours.bytes ?? Infinity) <= (bic.bytes ?? 0);
        const better = (ours.psnr ?? 0) >= (bic.psnr ?? Infinity);
        goals.push([
          `  vs b-i-c output`,
          `${kb(ours.bytes)} vs ${kb(bic.bytes)}`,
          verdict(smaller),
          `PSNR ${ours.psnr?.toFixed(2)} vs ${bic.psnr?.toFixed(2)}`,
          verdict(better),
          ours.exif || ours.gps ? 'metadata KEPT' : 'no metadata',
          verdict(!ours.exif && !ours.gps),
        ]);
      }
    }
  }
  out.push(
    'Photo goals: >=1.5x faster than browser-image-compression, <=1.3x the floor, 0 long tasks, no larger at >= quality, no metadata',
  );
  out.push(table(['input', 'b-i-c/ours', '', 'ours/floor', '', 'long tasks', ''], goals));
  const reach = report.photo.throttleReach ?? [];
  if (reach.length > 1) {
    const [one, four] = [reach[0]!, reach[1]!];
    out.push(
      '',
      `CPU throttle reach (fixed loop): main thread ${x(four.mainMs / one.mainMs)} slower at ${four.rate}x, workers ${x(four.workerMs / one.workerMs)} slower.`,
    );
  }
  return out.join('\n');
}

function pageTable(report: BenchReport): string {
  const s = report.page.summary;
  const rows = [
    [
      'widget bytes before use (gzip, network)',
      kb(s.widgetTransferBytes),
      `page total +${kb(s.addedTransferBytes)} vs no widget`,
      '< 10 KB',
      verdict(s.widgetTransferBytes < 10 * 1024),
    ],
    [
      'define + first render, main thread busy',
      ms(s.defineAndRenderBusyMs),
      `no widget: ${ms(s.defineAndRenderBusyBareMs)}`,
      '< 20 ms',
      verdict(s.defineAndRenderBusyMs - s.defineAndRenderBusyBareMs < 20),
    ],
    ['define + first render, wall (incl. chunk fetch)', ms(s.defineAndRenderMs), `no widget: ${ms(s.defineAndRenderBareMs)}`, '', ''],
    [
      'added main-thread script (trace, whole load)',
      ms(s.addedScriptMs),
      `style/layout/paint ${s.addedStyleLayoutMs >= 0 ? '+' : ''}${ms(s.addedStyleLayoutMs)}`,
      '',
      '',
    ],
    [
      'layout shift from the button',
      s.clsFromButton.toFixed(4),
      `page CLS ${s.clsWidget.toFixed(4)} vs ${s.clsBare.toFixed(4)} without`,
      '0',
      verdict(s.clsFromButton === 0),
    ],
    ['click to interactive panel (cold, no hover)', ms(s.clickToInteractiveMs), `fetches ${kb(s.panelTransferBytes)}`, '', ''],
  ];
  return [
    `Page cost: demo product page at ${report.page.cpuRate}x CPU, fresh cache, gzip (median of ${report.page.widget.length} loads)`,
    table(['figure', 'with widget', 'beside it', 'goal', ''], rows),
  ].join('\n');
}

function endpointTable(report: BenchReport): string {
  const e = report.endpoint;
  const rows = [
    [
      'throughput (autocannon)',
      `${e.viaEndpoint.requestsPerSec.toFixed(0)} req/s`,
      `${e.direct.requestsPerSec.toFixed(0)} req/s`,
      x(e.direct.requestsPerSec / e.viaEndpoint.requestsPerSec) + ' fewer',
      '',
      '',
    ],
    [
      'p50 under load (autocannon, whole ms)',
      ms(e.viaEndpoint.p50Ms),
      ms(e.direct.p50Ms),
      `+${ms(e.viaEndpoint.p50Ms - e.direct.p50Ms)}`,
      '',
      '',
    ],
    [
      'p99 under load (autocannon, whole ms)',
      ms(e.viaEndpoint.p99Ms),
      ms(e.direct.p99Ms),
      `+${ms(e.viaEndpoint.p99Ms - e.direct.p99Ms)}`,
      '',
      '',
    ],
    [
      'p50 sequential probe',
      ms(e.viaEndpoint.probeP50Ms),
      ms(e.direct.probeP50Ms),
      `+${ms(e.viaEndpoint.probeP50Ms - e.direct.probeP50Ms)}`,
      '< 2 ms added',
      verdict(e.viaEndpoint.probeP50Ms - e.direct.probeP50Ms < 2),
    ],
    [
      'p99 sequential probe',
      ms(e.viaEndpoint.probeP99Ms),
      ms(e.direct.probeP99Ms),
      `+${ms(e.viaEndpoint.probeP99Ms - e.direct.probeP99Ms)}`,
      '',
      '',
    ],
    ['errors / non-2xx', `${e.viaEndpoint.errors} / ${e.viaEndpoint.non2xx}`, `${e.direct.errors} / ${e.direct.non2xx}`, '', '', ''],
    ['provider status calls during endpoint load', String(e.providerCallsDuringLoad), '', '', '', ''],
  ];
  const polling = e.polling.map((p) =>
    'error' in p
      ? [p.provider, 'failed', p.error, '', '']
      : [
          p.provider,
          `${(p as PollingFigures).widgets} widgets on ${p.jobs} jobs, ${p.seconds} s, ${p.widgetPolls} polls`,
          `${p.callsPerJobPerMinute.toFixed(1)} (max ${p.maxCallsPerJobPerMinute.toFixed(1)})`,
          `<= ${p.documentedPerMinute}`,
          verdict(p.maxCallsPerJobPerMinute <= p.documentedPerMinute),
        ],
  );
  const m = e.memory;
  return [
    'Endpoint: status polls through the endpoint vs straight to the VirtuFit fake (loopback, 2 cores)',
    table(['figure', 'via endpoint', 'direct to fake', 'added', 'goal', ''], rows),
    '',
    'Polling discipline: every widget polls every 500 ms; provider status calls per job per minute',
    table(['provider', 'load', 'calls/job/min', 'documented', ''], polling),
    '',
    `Memory per in-flight job (${m.jobs} jobs, ${kb(m.photoBytes)} photo each): ${kb(m.bytesPerJob)} (heap ${kb(m.heapPerJob)} + buffers ${kb(m.buffersPerJob)}; RSS ${kb(m.rssPerJob)}); beyond the photo's bytes ${kb(m.beyondPhotoPerJob)} (goal <= 50 KB: ${verdict(m.beyondPhotoPerJob <= 50 * 1024)})`,
  ].join('\n');
}

function fleetTable(report: BenchReport): string {
  const f = report.fleet;
  const { memoryStore: mem, redisStore: red } = f.memory;
  const one = f.polls.oneInstance;
  const two = f.polls.twoInstances;
  const memoryRows = [
    [
      'memory store',
      `${kb(mem.bytesPerJob)} (heap ${kb(mem.heapPerJob)}, buffers ${kb(mem.buffersPerJob)})`,
      kb(mem.beyondPhotoPerJob),
      '',
      verdict(mem.beyondPhotoPerJob <= 50 * 1024),
    ],
    [
      'Redis store',
      `${kb(red.bytesPerJob)} (heap ${kb(red.heapPerJob)}, buffers ${kb(red.buffersPerJob)})`,
      kb(red.beyondPhotoPerJob),
      `${kb(red.redisBytesPerJob)} (one photo key: ${kb(red.photoKeyBytes)})`,
      verdict(red.beyondPhotoPerJob <= 50 * 1024),
    ],
  ];
  const pollRows = [
    ['one instance', `${one.requestsPerSec.toFixed(0)} req/s`, ms(one.p50Ms), ms(one.p99Ms), `${one.errors} / ${one.non2xx}`],
    [
      `two instances (${two.perInstance.map((p) => p.requestsPerSec.toFixed(0)).join(' + ')})`,
      `${two.requestsPerSec.toFixed(0)} req/s`,
      ms(two.p50Ms),
      ms(two.p99Ms),
      `${two.errors} / ${two.non2xx}`,
    ],
  ];
  return [
    `Fleet: memory per in-flight job (${mem.jobs} jobs, ${kb(mem.photoBytes)} photo each; goal <= 50 KB beyond the photo)`,
    table(['store', 'endpoint process per job', 'beyond the photo', 'Redis per job', 'goal'], memoryRows),
    '',
    'Fleet: status polls of one job on one Redis (autocannon, the same total connections)',
    table(['instances', 'throughput', 'p50', 'p99', 'errors / non-2xx'], pollRows),
    '',
    `Fleet: sequential poll probe p50 / p99: memory store ${ms(f.probe.memoryP50Ms)} / ${ms(f.probe.memoryP99Ms)}, Redis store ${ms(f.probe.redisP50Ms)} / ${ms(f.probe.redisP99Ms)}; Redis adds ${ms(f.probe.redisP50Ms - f.probe.memoryP50Ms)} at p50`,
  ].join('\n');
}

export function formatReport(report: BenchReport): string {
  const m = report.machine;
  return [
    `try-on-button bench: ${m.cpus}, ${m.cores} cores, ${m.memoryGb} GB, Node ${m.node}, ${report.seconds.toFixed(0)} s`,
    '',
    photoTables(report),
    '',
    pageTable(report),
    '',
    endpointTable(report),
    '',
    fleetTable(report),
  ].join('\n');
}
