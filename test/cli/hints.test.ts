// Domain errors carry their remedy as data; the CLI words it with its options, other front ends their own way.
import { describe, expect, it } from 'vitest';
import { describeError, errorReport, InputError, MissingBvParamError, NoAdapterError, OxidationStateError, plainHint, type Hint } from '../../src/errors.js';
import { cliErrorText, cliHint } from '../../src/cli/hints.js';

describe('error hints', () => {
  const noStates = new OxidationStateError('no oxidation states known for element Xx', ['Xx'], {
    hint: { kind: 'give-oxidation-states', elements: ['Xx'], example: { Xx: 2 } },
  });

  it('the message states the problem and the remedy in plain words, naming no option', () => {
    expect(noStates.statement).toBe('no oxidation states known for element Xx');
    expect(noStates.message).toBe('no oxidation states known for element Xx; give the oxidation states explicitly, e.g. Xx +2');
    const gpu = new NoAdapterError('requestAdapter() returned null');
    expect(gpu.statement).toBe('no WebGPU adapter found (requestAdapter() returned null)');
    for (const e of [noStates, gpu]) expect(e.message).not.toMatch(/--\w/);
  });

  it('the CLI names its options', () => {
    expect(cliErrorText(noStates)).toBe('no oxidation states known for element Xx; give them with --oxi, e.g. --oxi Xx=2');
    expect(cliErrorText(new NoAdapterError())).toMatch(/^no WebGPU adapter found; install a GPU driver .*lavapipe .*or use --backend cpu$/);
    // Errors without a hint, and non-input errors, keep their message.
    expect(cliErrorText(new InputError('plain'))).toBe('plain');
    expect(cliErrorText(new RangeError('bug'))).toBe('bug');
    expect(cliErrorText('text')).toBe('text');
  });

  it('another front end words the same hint its own way, also across a worker boundary', () => {
    const page = (h: Hint) => (h.kind === 'give-oxidation-states' ? `enter ${h.elements.join(', ')} in the table` : plainHint(h));
    expect(describeError(noStates, page)).toBe('no oxidation states known for element Xx; enter Xx in the table');
    const report = structuredClone(errorReport(noStates));
    expect(report.kind).toBe('OxidationStateError');
    expect(describeError(report, page)).toBe('no oxidation states known for element Xx; enter Xx in the table');
    expect(describeError(report, cliHint)).toBe(cliErrorText(noStates));
  });

  it('every hint kind has a plain and a CLI wording', () => {
    const hints: Hint[] = [
      { kind: 'give-oxidation-states', elements: ['S'] },
      { kind: 'check-oxidation-state', species: 'Te2-' },
      { kind: 'name-ion-charge', element: 'Fe', example: 'Fe2+' },
      { kind: 'webgpu-unavailable' },
    ];
    expect(hints.map(plainHint)).toEqual([
      'give the oxidation state of S explicitly',
      'if Te2- is a wrong oxidation state, give the states explicitly',
      'name the mobile ion with its charge, e.g. Fe2+',
      'install a GPU driver with Vulkan support (or the software Vulkan driver Mesa >= 24 lavapipe), or compute on the CPU',
    ]);
    expect(hints.map(cliHint).map((t) => /--(oxi|ion|backend)\b/.test(t))).toEqual([true, true, true, true]);
    expect(new MissingBvParamError('Li+', 'Te2-', '', { hint: hints[1]! }).message).toBe(
      'no BVSE parameters for Li+ with Te2-; if Te2- is a wrong oxidation state, give the states explicitly',
    );
  });
});
