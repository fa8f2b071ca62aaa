import type { ALGORITHM } from '../../../players/src/monitor/signature';
import type { HeardWindow } from './signature-match';

/**
 * What a `play.monitored` event carries (docs/protocol.md, "Acoustic monitoring"; its schema is
 * docs/contract/schemas/monitored-detail.schema.json, which every event is validated with).
 */
export interface MonitoredDetail {
  algorithm: typeof ALGORITHM;
  windows: Array<HeardWindow & { levelDb: number }>;
}
