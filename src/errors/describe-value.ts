// Moved to src/options/describe-value.ts. This re-export only keeps src/handler/ compiling
// while it is rewritten: remove it once src/handler/ imports ../options/describe-value.js.
export { describeValue } from '../options/describe-value.js';
