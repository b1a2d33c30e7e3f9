// The page words the core's remedies (Hint) for its own controls, and rephrases any message that
// still names a command-line option.
import { describe, expect, it } from 'vitest';
import { errorReport, OxidationStateError, type Hint } from '../../src/errors.js';
import { pageHint, pageMessage } from '../../src/web/page-errors.js';

describe('pageHint', () => {
  const hints: [Hint, RegExp][] = [
    [{ kind: 'give-oxidation-states', elements: ['Li', 'O', 'P'], example: { Li: 1, O: -2, P: 3 } }, /oxidation-state table \(e\.g\. Li \+1, O −2, P \+3\)/],
    [{ kind: 'give-oxidation-states', elements: ['Fe'] }, /state of Fe in the oxidation-state table/],
    [{ kind: 'check-oxidation-state', species: 'S-' }, /S- .*oxidation-state table/],
    [{ kind: 'name-ion-charge', element: 'Fe', example: 'Fe2+' }, /mobile ion with its charge, e\.g\. Fe2\+/],
    [{ kind: 'webgpu-unavailable' }, /CPU \(Web Workers\)/],
  ];
  it.each(hints)('%j', (h, expected) => {
    expect(pageHint(h)).toMatch(expected);
    expect(pageHint(h)).not.toMatch(/--\w/);
  });

  it('words an error that crossed the worker boundary as a report', () => {
    const e = new OxidationStateError('no charge-neutral assignment for X', ['P'], {
      hint: { kind: 'give-oxidation-states', elements: ['P'], example: { P: 5 } },
    });
    const text = pageMessage(structuredClone(errorReport(e)));
    expect(text).toBe('no charge-neutral assignment for X; enter the states in the oxidation-state table (e.g. P +5) and press Compute');
  });
});

describe('pageMessage', () => {
  it.each([
    [
      'no BVSE parameters for Li+ with S-; known counter-ions of Li+: N3-, O2-, S2-; if S- is a wrong oxidation state, fix it with --oxi',
      /fix it with the oxidation-state table/,
    ],
    [
      'no charge-neutral oxidation-state assignment for Li4P2O7 (x.cif): ... Give the states explicitly, e.g. --oxi Li=1,O=-2,P=3',
      /Enter the states in the oxidation-state table, e\.g\. Li \+1, O −2, P \+3/,
    ],
    ['oxidation states are not charge-neutral in X: net charge 2 e per cell; check the occupancies or give --oxi', /give the oxidation-state table/],
    ['--oxi gives Zr, which is not in LiI (x.cif)', /^the oxidation-state table gives Zr/],
    ['Li has several charges; name the mobile ion with its charge, e.g. --ion Li+', /e\.g\. enter Li\+ as the mobile ion/],
    ['no WebGPU adapter found (x). Install a GPU driver ..., or use --backend cpu', /choose 'CPU \(Web Workers\)' under Compute on/],
  ])('%s', (message, expected) => {
    const out = pageMessage(message);
    expect(out).toMatch(expected);
    expect(out).not.toMatch(/--\w/);
  });

  it('leaves messages without flags alone', () => {
    const m = 'x.cif:12: unterminated quoted string';
    expect(pageMessage(m)).toBe(m);
  });
});
