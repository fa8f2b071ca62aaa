/**
 * The peak resident set size of this process (the service runs in it in every benchmark), sampled
 * every 50 ms from the moment this module is loaded: what the "RSS under 500 MB" goal reads.
 */
let peak = process.memoryUsage.rss();
const timer = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage.rss());
}, 50);
timer.unref();

/** "peak RSS 312 MB (goal < 500 MB)" */
export function peakRssLine(): string {
  peak = Math.max(peak, process.memoryUsage.rss());
  const mb = Math.round(peak / (1024 * 1024));
  return `peak RSS ${mb} MB of this process, the service included (goal < 500 MB: ${mb < 500 ? 'met' : 'NOT met'})`;
}
