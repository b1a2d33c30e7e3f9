// Error texts for the page. Domain errors carry their remedy as data (Hint, src/errors.ts); the page
// words it for its own controls (pageHint). Messages that still name a command-line option (a few
// readers' texts) get the page's control names instead (pageText).
import { describeError, type ErrorReport, type Hint } from '../errors.js';

const stateText = (el: string, q: number) => `${el} ${q < 0 ? '−' : '+'}${Math.abs(q)}`;

/** The page's words for a remedy. */
export function pageHint(h: Hint): string {
  switch (h.kind) {
    case 'give-oxidation-states':
      return h.example
        ? `enter the states in the oxidation-state table (e.g. ${Object.entries(h.example)
            .map(([el, q]) => stateText(el, q))
            .join(', ')}) and press Compute`
        : `enter the state${h.elements.length === 1 ? ` of ${h.elements[0]}` : 's'} in the oxidation-state table and press Compute`;
    case 'check-oxidation-state':
      return `if ${h.species} is a wrong oxidation state, correct it in the oxidation-state table`;
    case 'name-ion-charge':
      return `enter the mobile ion with its charge, e.g. ${h.example}`;
    case 'webgpu-unavailable':
      return "this browser offers no WebGPU adapter; choose 'CPU (Web Workers)' under Compute on";
  }
}

/** Oxidation states written as CLI text "Li=1,O=-2" -> "Li +1, O −2". */
function statesInWords(list: string): string {
  return list
    .split(',')
    .map((item) => {
      const m = /^([A-Za-z]{1,2})=([+-]?[\d.]+)$/.exec(item.trim());
      if (!m) return item.trim();
      const q = Number(m[2]);
      return `${m[1]} ${q < 0 ? '−' : '+'}${Math.abs(q)}`;
    })
    .join(', ');
}

const RULES: [RegExp, string | ((...m: string[]) => string)][] = [
  [
    /Give the states explicitly, e\.g\. --oxi ([A-Za-z0-9=,+.-]+)/g,
    (_m, list) => `Enter the states in the oxidation-state table, e.g. ${statesInWords(list!)}`,
  ],
  [/give them with --oxi, e\.g\. --oxi ([A-Za-z0-9=,+.-]+)/g, (_m, list) => `enter them in the oxidation-state table, e.g. ${statesInWords(list!)}`],
  [/--oxi gives (\w+)/g, (_m, el) => `the oxidation-state table gives ${el}`],
  [/--oxi(: )?/g, (_m, colon) => (colon ? 'oxidation-state table: ' : 'the oxidation-state table')],
  [/e\.g\. --ion ([A-Za-z0-9+-]+)/g, (_m, ion) => `e.g. enter ${ion} as the mobile ion`],
  [/\(--ion ([A-Za-z0-9+-]+)\)/g, (_m, ion) => `(mobile ion ${ion})`],
  [/--ion/g, 'the mobile-ion field'],
  [/or use --backend cpu/g, "or choose 'CPU (Web Workers)' under Compute on"],
  [/--backend/g, "'Compute on'"],
  [/--model/g, "'Model'"],
  [/--resolution/g, "'Grid spacing'"],
  // The page reads the first data block of a CIF; the CLI's remedy for several blocks does not apply.
  [/\s*bvscape \w+ \S+ --block NAME/g, ' (the page reads the first data block)'],
  [/--block \S+ ignored: /g, ''],
];

/** A message with every command-line remedy rephrased for the page's controls. */
export function pageText(message: string): string {
  let out = message;
  for (const [re, to] of RULES) out = out.replace(re, to as (substring: string, ...args: string[]) => string);
  return out;
}

/** An error (or its report from a worker, or a message) in the page's words. */
export function pageMessage(e: unknown): string {
  return pageText(typeof e === 'string' ? e : describeError(e as ErrorReport | Error, pageHint));
}
