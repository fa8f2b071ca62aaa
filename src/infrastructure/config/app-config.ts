import { existsSync } from 'node:fs';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';
import { isValidTimeZone } from '../time/time-zone';

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : /^-?\d+$/.test(String(value)) ? Number(value) : value;
const toNumber = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : /^-?\d+(\.\d+)?$/.test(String(value)) ? Number(value) : value;
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/**
 * Every environment variable the service reads, validated once at boot.
 * A missing optional URL means "start the embedded component" (see DESIGN.md).
 */
export class AppConfig {
  /** PostgreSQL connection URL. Unset: an embedded PostgreSQL is started with data under DATA_DIR. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgres:// or postgresql:// URL' })
  @Transform(emptyToUndefined)
  DATABASE_URL?: string;

  /** MQTT broker URL. Unset: an embedded Aedes broker is started on EMBEDDED_MQTT_PORT. */
  @IsOptional()
  @Matches(/^(mqtts?|wss?|tcp|tls):\/\/.+/, { message: 'must be an mqtt://, mqtts://, ws:// or wss:// URL' })
  @Transform(emptyToUndefined)
  MQTT_URL?: string;

  @IsString()
  @MinLength(1)
  DATA_DIR = './data';

  /** Media storage; defaults to DATA_DIR/media. */
  @IsOptional()
  @IsString()
  @Transform(emptyToUndefined)
  MEDIA_DIR?: string;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer port number' })
  @Min(1)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  /** Express `trust proxy`: which proxies' X-Forwarded-For to believe for the client address (e.g. loopback behind nginx); default: none. */
  @IsOptional()
  @IsString()
  TRUST_PROXY?: string;

  /** The console map's tiles, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png; unset: the plain boundary view, no tile server needed. */
  @IsOptional()
  @IsString()
  @Matches(/^https?:\/\/[^\s/]+\/\S*\{z\}\S*\{x\}\S*\{y\}\S*$/, { message: 'MAP_TILE_URL phải là địa chỉ http(s) có {z}, {x}, {y}' })
  MAP_TILE_URL?: string;

  /**
   * A development aid: every payload the service publishes to devices is checked against the
   * protocol's schemas (docs/contract) and each violation appended to this file (the test suite
   * sets it and fails on any). Unset: nothing is checked (publishing stays as fast as it is).
   */
  @IsOptional()
  @IsString()
  CONTRACT_CHECK_FILE?: string;

  /** Bearer token for GET /metrics (Prometheus); unset: no metrics endpoint. */
  @IsOptional()
  @IsString()
  @MinLength(16)
  METRICS_TOKEN?: string;

  /** PEM certificate (chain) and key: the embedded broker also listens with TLS (mqtts) on EMBEDDED_MQTTS_PORT. */
  @IsOptional()
  @IsString()
  MQTT_TLS_CERT_FILE?: string;

  @IsOptional()
  @IsString()
  MQTT_TLS_KEY_FILE?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  EMBEDDED_MQTTS_PORT = 18883;

  /** Where the embedded broker listens for devices; default: HOST. */
  @IsOptional()
  @IsString()
  EMBEDDED_MQTT_HOST?: string;

  @IsOptional()
  @IsString()
  @Transform(emptyToUndefined)
  FFMPEG_PATH?: string;

  @IsOptional()
  @IsString()
  @Transform(emptyToUndefined)
  FFPROBE_PATH?: string;

  @Matches(/^[a-z0-9._-]{3,64}$/, { message: 'must be 3-64 characters: lowercase letters, digits, . _ -' })
  ADMIN_USERNAME = 'admin';

  /** Unset on first start: a random password is generated and printed once. */
  @IsOptional()
  @MinLength(10, { message: 'must be at least 10 characters' })
  @Transform(emptyToUndefined)
  ADMIN_PASSWORD?: string;

  /** Signs access tokens; all instances behind a load balancer must share it.
   *  Unset: a random secret is generated and kept in DATA_DIR/token-secret. */
  @IsOptional()
  @MinLength(32, { message: 'must be at least 32 characters' })
  @Transform(emptyToUndefined)
  TOKEN_SECRET?: string;

  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(30 * 24 * 3600)
  TOKEN_TTL_S = 12 * 3600;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  EMBEDDED_PG_PORT = 54329;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  EMBEDDED_MQTT_PORT = 18830;

  @Matches(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, { message: 'must be a topic prefix such as bcast/v1' })
  MQTT_TOPIC_PREFIX = 'bcast/v1';

  @IsString()
  DEFAULT_TIMEZONE = 'Asia/Ho_Chi_Minh';

  @IsIn(['debug', 'info', 'warn', 'error'])
  LOG_LEVEL: 'debug' | 'info' | 'warn' | 'error' = 'info';

  /** Largest JSON body accepted by the API, in bytes. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  JSON_BODY_LIMIT = 1024 * 1024;

  /** Largest upload accepted, in megabytes (an hour of WAV is about 600 MB). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  MEDIA_UPLOAD_LIMIT_MB = 700;

  /** Longest audio accepted, in seconds. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  MEDIA_MAX_DURATION_S = 4 * 3600;

  /** Delivery profile: EBU R128 integrated loudness target (LUFS) and true-peak ceiling (dBTP). */
  @Transform(toNumber)
  @IsNumber()
  @Min(-40)
  @Max(-5)
  MEDIA_TARGET_LUFS = -16;

  @Transform(toNumber)
  @IsNumber()
  @Min(-10)
  @Max(0)
  MEDIA_TRUE_PEAK_DB = -1;

  /** Delivery profile: MP3 mono CBR bit rate (kbit/s) and sample rate (Hz). */
  @Transform(toInt)
  @IsIn([32, 40, 48, 56, 64, 80, 96, 112, 128])
  MEDIA_AUDIO_BITRATE_KBPS = 64;

  @Transform(toInt)
  @IsIn([22050, 24000, 32000, 44100, 48000])
  MEDIA_AUDIO_SAMPLE_RATE = 44100;

  /** Parallel processing jobs per instance (each uses about one core). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(16)
  MEDIA_WORKERS = 1;

  /** Seconds before another instance takes over a job whose instance stopped answering. */
  @Transform(toInt)
  @IsInt()
  @Min(2)
  MEDIA_JOB_LEASE_S = 60;

  /** Days of schedule a playlist carries (from local midnight today). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(31)
  PLAYLIST_HORIZON_DAYS = 7;

  /** A device not heard from for this long is flagged offline. */
  @Transform(toInt)
  @IsInt()
  @Min(30)
  DEVICE_OFFLINE_AFTER_S = 900;

  /** A device still on an older playlist this long after a newer one was published is flagged. */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  PLAYLIST_STALE_AFTER_S = 600;

  /** An airing of a channel with devices that no device reported this long after its end is missed (and made up). At least the 10 minutes a report may come after the end. */
  @Transform(toInt)
  @IsInt()
  @Min(600)
  EVIDENCE_GRACE_S = 900;

  /** How long to wait for a database connection before answering 503 (ms). */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(120_000)
  DB_CONNECT_TIMEOUT_MS = 3000;

  /** Longest a statement may run (server side) and a query may wait for its answer (client side), ms. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  DB_STATEMENT_TIMEOUT_MS = 120_000;

  /** Events a device may send per second on average (beyond it events are refused and the device flagged). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  DEVICE_EVENT_RATE = 100;

  /** Events a device may send at once above that rate (a day of backlog after an outage). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  DEVICE_EVENT_BURST = 20_000;

  /** MQTT connections per instance that take in device events and status (shared subscription on external brokers). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  MQTT_INGEST_CONNECTIONS = 8;

  /** Names this instance's persistent MQTT sessions; unique per instance (default: the host name). */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'must be 1–64 letters, digits, _, . or -' })
  @Transform(emptyToUndefined)
  INSTANCE_ID?: string;

  /** Whether the external broker supports `$share/` subscriptions (Mosquitto ≥ 1.6, EMQX do); without them one connection ingests. */
  @Transform(({ value }) => (value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value))
  @IsBoolean({ message: 'must be true or false' })
  MQTT_SHARED_SUBSCRIPTIONS = true;

  /** Where the service keeps Mosquitto's `passwd` and `acl` files current (external Mosquitto only). */
  @IsOptional()
  @IsString()
  @Transform(emptyToUndefined)
  MOSQUITTO_EXPORT_DIR?: string;

  /** The external broker is Mosquitto with its dynamic security plugin (docker/mosquitto): the service keeps every device's broker account there, and revoking or rotating ends the device's session at once. */
  @Transform(({ value }) => (value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value))
  @IsBoolean({ message: 'must be true or false' })
  MOSQUITTO_DYNSEC = false;

  /** Shared-subscription group of the service instances on an external broker. */
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'must be letters, digits, _ or -' })
  MQTT_SHARED_GROUP = 'bcast';

  /** Text-to-speech: `espeak` (offline, built in) or `http` (TTS_HTTP_URL). */
  @IsIn(['espeak', 'http'])
  TTS_PROVIDER: 'espeak' | 'http' = 'espeak';

  @IsOptional()
  @Matches(/^https?:\/\/.+/, { message: 'must be an http:// or https:// URL' })
  @Transform(emptyToUndefined)
  TTS_HTTP_URL?: string;

  @IsOptional()
  @IsString()
  @Transform(emptyToUndefined)
  TTS_HTTP_TOKEN?: string;

  /** Comma-separated voice names of the HTTP provider, the first being the default. */
  @IsString()
  TTS_HTTP_VOICES = 'vi';

  get mediaDir(): string {
    return this.MEDIA_DIR ?? `${this.DATA_DIR}/media`;
  }
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Cấu hình không hợp lệ / invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/** Validates the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.keys(new AppConfig());
  const input: Record<string, string> = {};
  for (const key of [...known, 'DATABASE_URL', 'MQTT_URL', 'MEDIA_DIR', 'FFMPEG_PATH', 'FFPROBE_PATH', 'ADMIN_PASSWORD', 'TOKEN_SECRET', 'TTS_HTTP_URL', 'TTS_HTTP_TOKEN', 'INSTANCE_ID', 'MOSQUITTO_EXPORT_DIR', 'EMBEDDED_MQTT_HOST', 'METRICS_TOKEN', 'TRUST_PROXY', 'MAP_TILE_URL', 'MQTT_TLS_CERT_FILE', 'MQTT_TLS_KEY_FILE', 'CONTRACT_CHECK_FILE']) {
    if (env[key] !== undefined) input[key] = env[key] as string;
  }
  const config = plainToInstance(AppConfig, input);
  const errors = validateSync(config, { skipMissingProperties: false });
  const problems = errors.map(
    (e) => `${e.property}: ${Object.values(e.constraints ?? {}).map((msg) => msg.replace(new RegExp(`^${e.property}\\s*`), '')).join('; ')}`,
  );
  if (!!config.MQTT_TLS_CERT_FILE !== !!config.MQTT_TLS_KEY_FILE) problems.push('MQTT_TLS_CERT_FILE / MQTT_TLS_KEY_FILE: give both, or neither');
  for (const key of ['MQTT_TLS_CERT_FILE', 'MQTT_TLS_KEY_FILE'] as const) if (config[key] && !existsSync(config[key]!)) problems.push(`${key}: ${config[key]} does not exist`);
  if (config.TTS_PROVIDER === 'http' && !config.TTS_HTTP_URL) problems.push('TTS_HTTP_URL: is required when TTS_PROVIDER=http');
  if (!isValidTimeZone(config.DEFAULT_TIMEZONE)) {
    problems.push('DEFAULT_TIMEZONE: must be an IANA time zone such as Asia/Ho_Chi_Minh');
  }
  if (problems.length) throw new ConfigError(problems);
  return config;
}
