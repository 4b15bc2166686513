/** axe-core in the test page, run on an element's shadow DOM. */
import type { AxeResults, ImpactValue, RunOptions } from 'axe-core';

declare global {
  interface Window {
    axe?: typeof import('axe-core');
  }
}

/** WCAG 2.0/2.1/2.2 A and AA, plus axe's best practices. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

// axe ships as a UMD script; a classic script tag is the way it is meant to be loaded in a page.
async function loadAxe(): Promise<NonNullable<Window['axe']>> {
  if (!window.axe) {
    await new Promise<void>((resolve, reject) => {
      const script = document.createElement('script');
      script.src = '/node_modules/axe-core/axe.min.js';
      script.onload = () => resolve();
      script.onerror = () => reject(new Error('axe-core did not load'));
      document.head.append(script);
    });
  }
  return window.axe!;
}

export interface AxeReport {
  /** Violations of serious or critical impact, as "rule: target (summary)". */
  severe: string[];
  /** Every violation (any impact), for the log. */
  all: string[];
  /** Ids of the rules that applied to something (passed, failed or needing review). */
  rulesChecked: string[];
}

const SEVERE: ReadonlySet<ImpactValue> = new Set<ImpactValue>(['serious', 'critical']);

/** Runs axe on `el` (its shadow DOM included) and summarises the result. */
export async function axeCheck(el: Element, options: RunOptions = {}): Promise<AxeReport> {
  const axe = await loadAxe();
  const results: AxeResults = await axe.run(el, { runOnly: { type: 'tag', values: AXE_TAGS }, resultTypes: ['violations'], ...options });
  const describe = (v: AxeResults['violations'][number]) =>
    v.nodes.map((n) => `${v.id} [${v.impact}]: ${JSON.stringify(n.target)} ${n.failureSummary?.replace(/\s+/g, ' ') ?? ''}`);
  return {
    severe: results.violations.filter((v) => v.impact && SEVERE.has(v.impact)).flatMap(describe),
    all: results.violations.flatMap(describe),
    rulesChecked: [...new Set([...results.passes, ...results.violations, ...results.incomplete].map((r) => r.id))].sort(),
  };
}
