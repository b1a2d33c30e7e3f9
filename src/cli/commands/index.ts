// The command registry. Each command lives in its own module.
import type { Command } from '../command.js';

export const commands: Command[] = [];
