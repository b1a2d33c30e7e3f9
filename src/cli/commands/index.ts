// The command registry. Each command lives in its own module.
import type { Command } from '../command.js';
import { info } from './info.js';
import { energy } from './energy.js';
import { landscape } from './landscape.js';
import { screen } from './screen.js';
import { merge } from './merge.js';
import { plot } from './plot.js';
import { preview } from './preview.js';
import { bench } from './bench.js';
import { percolateCommand } from './percolate.js';
import { transport } from './transport.js';

export const commands: Command[] = [info, energy, landscape, percolateCommand, transport, screen, merge, plot, preview, bench];
