// Worker-thread entry of `bvscape screen` (bundled to dist/workers/screen.js).
import { workerMain } from './worker-main.js';
import { createBvseProcessor } from './bvse-processor.js';

await workerMain(createBvseProcessor);
