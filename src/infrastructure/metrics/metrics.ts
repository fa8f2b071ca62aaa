import { Counter, Histogram, Registry } from 'prom-client';

/**
 * The service's Prometheus metrics. Counters and histograms are updated where things happen;
 * gauges that the database knows (devices online, job queue, pending playlists) are read at scrape
 * time (see MetricsEndpoint). One registry per process.
 */
export const registry = new Registry();

export const httpDuration = new Histogram({
  name: 'bcast_http_request_duration_seconds',
  help: 'HTTP requests by method, route and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const eventsStored = new Counter({ name: 'bcast_device_events_stored_total', help: 'Device events stored (acknowledged)', labelNames: ['source'] as const, registers: [registry] });
export const eventsDuplicate = new Counter({ name: 'bcast_device_events_duplicate_total', help: 'Device events received again and not stored twice', labelNames: ['source'] as const, registers: [registry] });
export const eventsRefused = new Counter({ name: 'bcast_device_events_refused_total', help: 'Device events refused and kept with their reason (dead letters)', labelNames: ['source', 'stage'] as const, registers: [registry] });
export const acousticChecks = new Counter({ name: 'bcast_acoustic_checks_total', help: 'Airings graded by their monitors (heard, not-heard, silent, unverifiable)', labelNames: ['verdict'] as const, registers: [registry] });
export const playlistsPublished = new Counter({ name: 'bcast_playlists_published_total', help: 'Playlists published to devices', registers: [registry] });
export const brokerMemoryLost = new Counter({ name: 'bcast_broker_memory_lost_total', help: 'Times the broker was found to have forgotten retained playlists (every playlist was published again)', registers: [registry] });
