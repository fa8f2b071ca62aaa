/**
 * Load generator for bench/distribution.ts, run as its own process so it does not share the
 * service's event loop: `concurrency` keep-alive loops of GET /api/v1/devices/{id}/playlist with
 * If-None-Match for random devices, for `seconds`; prints one JSON line of counts. With `once` in
 * place of the seconds, every device pulls exactly once (bench/reconnect-storm.ts: a fleet after a
 * service restart), and the line carries the seconds it took.
 */
import { Agent, request } from 'node:http';

const once = process.argv[3] === 'once';
const [base, seconds, concurrency, devicesJson] = [process.argv[2], once ? 0 : Number(process.argv[3]), Number(process.argv[4]), process.argv[5]];
const devices: Array<{ id: string; token: string; etag: string }> = JSON.parse(require('node:fs').readFileSync(devicesJson, 'utf8'));
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const url = new URL(base);
const counts: Record<string, number> = {};
const latencies: number[] = [];
const deadline = Date.now() + seconds * 1000;
const started = Date.now();
let next = 0;

function one(): Promise<void> {
  const d = once ? devices[next++] : devices[Math.floor(Math.random() * devices.length)];
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const req = request({ host: url.hostname, port: url.port, path: `/api/v1/devices/${d.id}/playlist`, agent, headers: { Authorization: `Bearer ${d.token}`, 'If-None-Match': d.etag } }, (res) => {
      res.resume();
      res.on('end', () => {
        counts[res.statusCode!] = (counts[res.statusCode!] ?? 0) + 1;
        if (latencies.length < 200_000) latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        resolve();
      });
    });
    req.on('error', () => {
      counts.error = (counts.error ?? 0) + 1;
      resolve();
    });
    req.end();
  });
}

async function loop(): Promise<void> {
  if (once) while (next < devices.length) await one();
  else while (Date.now() < deadline) await one();
}

void Promise.all(Array.from({ length: concurrency }, loop)).then(() => {
  latencies.sort((a, b) => a - b);
  console.log(JSON.stringify({ counts, seconds: once ? (Date.now() - started) / 1000 : seconds, p50: latencies[Math.floor(latencies.length / 2)], p99: latencies[Math.floor(latencies.length * 0.99)] }));
  agent.destroy();
});
