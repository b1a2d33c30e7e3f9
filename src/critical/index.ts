// Critical points of the continuous BVSE field: the analytic field, minimum and saddle searches, saddle verification,
// harmonic frequencies. See docs/continuum.md.
export { createAnalyticField, type AnalyticField, type AnalyticFieldOptions } from './field.js';
export { eigenSym3, type Eigen3 } from './eigen.js';
export {
  findMinimum,
  findSaddle,
  GRADIENT_TOLERANCE,
  KNOWN_STEP,
  KNOWN_TOLERANCE,
  MAX_EVALUATIONS,
  type KnownMinimum,
  type MinimumOptions,
  type SaddleOptions,
  type SearchOptions,
} from './search.js';
export { verifySaddle, type SaddleVerification, type VerifyOptions } from './verify.js';
export { harmonicFrequencies, harmonicFrequency, vineyardFrequency } from './frequency.js';
export type { CriticalPoint, FieldSample, ScalarField, Vec3 } from './types.js';
export { PairEnvelope, pairRangeMinimum, pairThird, type BallBounds } from './ball.js';
