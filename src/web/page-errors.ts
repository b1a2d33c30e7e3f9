// Error texts for the page. The core modules phrase remedies for the command line ("fix it with
// --oxi", "e.g. --ion Li+", "or use --backend cpu"); the page has its own controls for each of these,
// so their names replace the flags here.

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
  [/Give the states explicitly, e\.g\. --oxi ([A-Za-z0-9=,+.-]+)/g, (_m, list) => `Enter the states in the oxidation-state table, e.g. ${statesInWords(list!)}`],
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

/** The message with every command-line remedy rephrased for the page's controls. */
export function pageMessage(message: string): string {
  let out = message;
  for (const [re, to] of RULES) out = out.replace(re, to as (substring: string, ...args: string[]) => string);
  return out;
}
