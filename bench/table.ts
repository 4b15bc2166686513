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
  const { rows: all } = report.photo;
  const engines = report.photo.engines.map((e) => e.engine);
  const find = (engine: string, rate: number, input: string, method: string) =>
    all.find((r) => r.engine === engine && r.cpuRate === rate && r.input === input && r.method === method) as PhotoRow;
  for (const { engine, version } of report.photo.engines) {
    for (const rate of [...new Set(all.filter((r) => r.engine === engine).map((r) => r.cpuRate))]) {
      const rows: (string | number)[][] = [];
      for (const input of report.photo.inputs) {
        const ours = find(engine, rate, input.name, 'ours');
        const floor = find(engine, rate, input.name, 'floor');
        for (const row of all.filter((r) => r.engine === engine && r.cpuRate === rate && r.input === input.name)) {
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
            row.method === 'ours' ? `${row.path} q${row.quality}` : '',
          ]);
        }
      }
      const sample = all.find((r) => r.engine === engine && r.cpuRate === rate)!;
      out.push(
        `Photo pipeline, ${version}, ${rate}x CPU (median of ${sample.runsMs.length} runs; long tasks by ${sample.longTaskMethod}; "time/ours" > 1 means slower than ours)`,
        table(
          ['input', 'method', 'median', 'time/ours', 'time/floor', 'long tasks', 'output', 'PSNR dB', 'SSIM', 'EXIF/GPS', 'path'],
          rows,
        ),
        '',
      );
    }
  }
  const goals: (string | number)[][] = [];
  for (const engine of engines) {
    for (const input of report.photo.inputs) {
      const ours = find(engine, 1, input.name, 'ours');
      const bic = find(engine, 1, input.name, 'browser-image-compression');
      const chromium = find('chromium', 1, input.name, 'ours');
      const vsChromium = chromium ? ours.medianMs / chromium.medianMs : NaN;
      const vsBic = bic.medianMs / ours.medianMs;
      const budget = (ours.bytes ?? Infinity) <= 350_000;
      goals.push([
        `${engine} ${input.name}`,
        x(vsChromium),
        verdict(vsChromium <= 2),
        x(vsBic),
        verdict(vsBic >= 1),
        x(ours.medianMs / find(engine, 1, input.name, 'floor').medianMs),
        `${ours.longTasks} (worst frame gap ${ours.worstFrameGapMs.toFixed(0)} ms)`,
        verdict(ours.longTasks === 0),
        `${kb(ours.bytes)}, PSNR ${ours.psnr?.toFixed(2)} (b-i-c ${kb(bic.bytes)}, ${bic.psnr?.toFixed(2)})`,
        verdict(budget && !ours.exif && !ours.gps),
      ]);
    }
  }
  out.push(
    'Photo goals per engine (issue 14): <= 2x Chromium, at least as fast as browser-image-compression in the same engine, 0 long tasks, <= 350 KB without metadata',
  );
  out.push(table(['engine input', 'ours/Chromium', '', 'b-i-c/ours', '', 'ours/floor', 'long tasks', '', 'upload', ''], goals));
  if (report.photo.stages?.length) {
    out.push(
      '',
      'Where the time goes, per engine (median of 3 in a worker): full decode (the floor), resize after it, ImageDecoder at reduced scale incl. resize, one-call decode and resize (WebKit, JPEG), one encode at 0.9, the aimed encode',
    );
    out.push(
      table(
        ['engine', 'input', 'full decode', 'resize', 'resampler', 'scaled decode', 'one-call decode', 'encode 0.9', 'aimed encode'],
        report.photo.stages.map(({ engine, input, times: t }) => [
          engine,
          input,
          ms(t.decodeFullMs),
          ms(t.resizeMs),
          t.resizeHigh ? "'high'" : 'halving',
          t.scaledDecodeMs === undefined ? 'n/a' : ms(t.scaledDecodeMs),
          t.resizedDecodeMs === undefined ? 'n/a' : ms(t.resizedDecodeMs),
          `${ms(t.encodeMs)}, ${kb(t.encodeBytes)}`,
          `${ms(t.aimedMs)}, ${kb(t.aimedBytes)} at q${t.aimedQuality} (${t.aimedEncodes} encode${t.aimedEncodes > 1 ? 's' : ''})`,
        ]),
      ),
    );
  }
  const reach = report.photo.throttleReach ?? [];
  if (reach.length > 1) {
    const [one, four] = [reach[0]!, reach[1]!];
    out.push(
      '',
      `CPU throttle reach (Chromium, fixed loop): main thread ${x(four.mainMs / one.mainMs)} slower at ${four.rate}x, workers ${x(four.workerMs / one.workerMs)} slower.`,
    );
  }
  return out.join('\n');
}

function pageTable(report: BenchReport): string {
  if (!report.page) return '';
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
  if (!report.endpoint) return '';
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
  if (!report.fleet) return '';
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
