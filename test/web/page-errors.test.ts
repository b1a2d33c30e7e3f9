// The page rephrases the core's command-line remedies for its own controls.
import { describe, expect, it } from 'vitest';
import { pageMessage } from '../../src/web/page-errors.js';

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
