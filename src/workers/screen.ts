// Worker-thread entry of `bvscape screen` (bundled to dist/workers/screen.js).
import { workerMain } from '../screen/worker-main.js';
import { createBvseProcessor } from '../screen/bvse-processor.js';

await workerMain(createBvseProcessor);
