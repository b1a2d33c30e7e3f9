// The command line's words for the remedies that domain errors carry as data (Hint in src/errors.ts):
// each names the option that applies the fix.
import { describeError, type Hint } from '../errors.js';

export function cliHint(h: Hint): string {
  switch (h.kind) {
    case 'give-oxidation-states':
      return h.example
        ? `give them with --oxi, e.g. --oxi ${Object.entries(h.example)
            .map(([el, q]) => `${el}=${q}`)
            .join(',')}`
        : 'give them with --oxi';
    case 'check-oxidation-state':
      return `if ${h.species} is a wrong oxidation state, fix it with --oxi`;
    case 'name-ion-charge':
      return `name the mobile ion with its charge, e.g. --ion ${h.example}`;
    case 'webgpu-unavailable':
      return (
        'install a GPU driver with Vulkan support, or a software Vulkan driver: Mesa >= 24 lavapipe ' +
        '(Debian 12: apt-get install -t bookworm-backports mesa-vulkan-drivers libvulkan1), or use --backend cpu'
      );
  }
}

/** An error's text for the terminal, its remedy in terms of bvscape's options. */
export function cliErrorText(e: unknown): string {
  return describeError(e, cliHint);
}
