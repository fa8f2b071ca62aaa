import { compiled } from './script';

/**
 * The peak resident set size of this process (the service runs in it in every benchmark), sampled
 * every 50 ms from the moment this module is loaded: what the "RSS under 500 MB" goal reads.
 */
let peak = process.memoryUsage.rss();
let phasePeak = peak;
/** When this module loads (each benchmark imports it after the service's modules): Node, the code (and ts-node with the TypeScript compiler, if run through it). */
const atStart = peak;
const timer = setInterval(() => {
  const rss = process.memoryUsage.rss();
  peak = Math.max(peak, rss);
  phasePeak = Math.max(phasePeak, rss);
}, 50);
timer.unref();

const mb = (bytes: number) => Math.round(bytes / (1024 * 1024));

/** "peak RSS 312 MB (goal < 500 MB)" */
export function peakRssLine(): string {
  peak = Math.max(peak, process.memoryUsage.rss());
  const start = compiled
    ? `${mb(atStart)} MB before anything ran (Node and the compiled code, as deployed)`
    : `${mb(atStart)} MB before anything ran (Node, the code, and ts-node with the TypeScript compiler: over 100 MB that the deployed service does not carry; npm run bench:build runs it compiled)`;
  return `peak RSS ${mb(peak)} MB of this process, the service included (goal < 500 MB: ${mb(peak) < 500 ? 'met' : 'NOT met'}); ${start}`;
}

/**
 * The peak since the previous call (where the memory goes): "[peak RSS 212 MB]". Run with
 * `node --expose-gc`, it also collects garbage and says how much of the heap is still in use — what
 * the phase left live, as against what V8 let the heap grow to meanwhile: "[peak RSS 544 MB; heap
 * live after GC 96 MB of 420 MB]".
 */
export function phaseRss(): string {
  const seen = Math.max(phasePeak, process.memoryUsage.rss());
  const gc = (globalThis as { gc?: () => void }).gc;
  let live = '';
  if (gc) {
    const before = process.memoryUsage().heapTotal;
    gc();
    const m = process.memoryUsage();
    live = `; heap live after GC ${mb(m.heapUsed)} MB of ${mb(before)} MB, outside the heap ${mb(m.external)} MB`;
  }
  phasePeak = process.memoryUsage.rss();
  return `[peak RSS ${mb(seen)} MB${live}]`;
}
