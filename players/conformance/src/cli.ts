#!/usr/bin/env node
/**
 * bcast-conformance — checks a device against the bcast/v1 protocol, through the real service.
 *
 *   npx bcast-conformance device --server https://bcast.tinh.gov.vn --broker mqtts://bcast.tinh.gov.vn:8883 \
 *     --username admin --password … --unit <commune id> [--server-mqtt-username … --server-mqtt-password …] \
 *     [--device-command "my-player --id {deviceId} --token {token} --server {serverUrl} --broker {brokerUrl}"] \
 *     [--topic-prefix bcast/v1] [--report report.txt]
 *
 *   npx bcast-conformance server --server … --broker … --username … --password … --unit <id> [--report report.txt]
 *     the runner plays devices against a server (an implementation of the service side) and checks its promises
 *
 *   npx bcast-conformance simulate --server … --broker … --username … --password … --unit <id> --devices 1000 [--channel <id>] [--minutes 10]
 *     runs that many simulated devices (registered on a channel through the API) that behave as the
 *     protocol says: for load tests, and for trying a server without hardware.
 *
 * Exit code 0 when every check that ran passed, 1 when one failed, 2 when the run could not start.
 */
import { writeFileSync } from 'node:fs';
import { checkDevice } from './device-checks';
import { formatReport } from './report';
import { ServiceApi } from './service-api';
import { checkServer } from './server-checks';
import { simulate } from './simulator';

function args(argv: string[]): { mode: string; flags: Record<string, string> } {
  const [mode = '', ...rest] = argv;
  const flags: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    if (!rest[i].startsWith('--')) throw new Error(`unexpected argument ${rest[i]}`);
    flags[rest[i].slice(2)] = rest[i + 1] ?? '';
    i++;
  }
  return { mode, flags };
}

async function main(): Promise<number> {
  process.exitCode = 2; // should the run stop half-way with nothing left to wait for, it did not run
  const { mode, flags } = args(process.argv.slice(2));
  if (mode !== 'device' && mode !== 'simulate' && mode !== 'server') {
    process.stderr.write(
      'usage: bcast-conformance device --server URL --broker URL (--token T | --username U --password P) --unit ID [--server-mqtt-username U --server-mqtt-password P] [--device-command CMD] [--topic-prefix bcast/v1] [--report FILE] [--verbose true]\n' +
        '       bcast-conformance server --server URL --broker URL (--token T | --username U --password P) --unit ID [--topic-prefix bcast/v1] [--report FILE]\n' +
        '       bcast-conformance simulate --server URL --broker URL (--token T | --username U --password P) --unit ID --devices N [--channel ID] [--minutes M] [--topic-prefix bcast/v1]\n',
    );
    return 2;
  }
  for (const f of ['server', 'broker', 'unit']) if (!flags[f]) throw new Error(`--${f} is required`);
  const api = flags.token ? new ServiceApi(flags.server, flags.token) : await ServiceApi.login(flags.server, flags.username ?? '', flags.password ?? '');
  if (mode === 'simulate') {
    const devices = Number(flags.devices ?? 10);
    if (!Number.isInteger(devices) || devices < 1 || devices > 100_000) throw new Error('--devices must be 1 to 100000');
    const sim = await simulate({ api, brokerUrl: flags.broker, topicPrefix: flags['topic-prefix'] || 'bcast/v1', unitId: flags.unit, channelId: flags.channel, devices, log: (line) => process.stdout.write(`${line}\n`) });
    process.stdout.write(`channel ${sim.channelId}: schedule on it and watch the devices report; Ctrl-C stops\n`);
    await new Promise<void>((resolve) => {
      const timer = flags.minutes ? setTimeout(resolve, Number(flags.minutes) * 60_000) : null;
      process.once('SIGINT', () => (timer && clearTimeout(timer), resolve()));
      process.once('SIGTERM', () => (timer && clearTimeout(timer), resolve()));
    });
    await sim.stop();
    process.stdout.write(`${devices} devices sent ${sim.events()} events\n`);
    return 0;
  }
  const started = new Date();
  if (mode === 'server') {
    const results = await checkServer({ api, brokerUrl: flags.broker, topicPrefix: flags['topic-prefix'] || 'bcast/v1', unitId: flags.unit });
    const report = formatReport([`bcast/v1 conformance report (server side) — @bcast/conformance 1.1.0 (contract 1.1.0)`, `service: ${flags.server}   broker: ${flags.broker}   started: ${started.toISOString()}`], results);
    process.stdout.write(report);
    if (flags.report) writeFileSync(flags.report, report);
    return results.some((r) => r.outcome === 'fail') ? 1 : 0;
  }
  const run = await checkDevice({
    api,
    brokerUrl: flags.broker,
    topicPrefix: flags['topic-prefix'] || 'bcast/v1',
    unitId: flags.unit,
    serverMqtt: flags['server-mqtt-username'] ? { username: flags['server-mqtt-username'], password: flags['server-mqtt-password'] ?? '' } : undefined,
    deviceCommand: flags['device-command'],
    log: flags.verbose === 'true' ? (line) => process.stderr.write(`${line}\n`) : (line) => (line.startsWith('configure') ? process.stderr.write(`${line}\n`) : undefined),
  });
  const report = formatReport(
    [
      `bcast/v1 conformance report — @bcast/conformance 1.1.0 (contract 1.1.0)`,
      `device under test: ${run.deviceId}${run.protocol ? `, announces ${run.protocol}${run.features.length ? ` (${run.features.join(', ')})` : ''}` : ''}`,
      `service: ${flags.server}   broker: ${flags.broker}   started: ${started.toISOString()}`,
    ],
    run.results,
  );
  process.stdout.write(report);
  if (flags.report) writeFileSync(flags.report, report);
  return run.results.some((r) => r.outcome === 'fail') ? 1 : 0;
}

main().then(
  (code) => {
    // not process.exit(): the report written to a pipe must be flushed first; anything left open ends soon anyway
    process.exitCode = code;
    setTimeout(() => process.exit(code), 2000).unref();
  },
  (err) => {
    process.stderr.write(`bcast-conformance: ${err instanceof Error ? err.message : err}\n`);
    process.exit(2);
  },
);
