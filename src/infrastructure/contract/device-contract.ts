import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The payloads of the device protocol, each with its JSON Schema in docs/contract/schemas. */
export type ContractPayload = 'playlist' | 'alert' | 'command' | 'event' | 'events' | 'status' | 'media' | 'monitored-detail' | 'events-answer';

export interface ContractProblem {
  /** Where, as a dotted path ("detail.windows.0.sig"; "" for the payload itself). */
  path: string;
  keyword: string;
  message: string;
  messageEn: string;
}

/** docs/contract, found upwards from here (the repository, or /app in the image, which copies it). */
export function contractDir(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'docs', 'contract');
    if (existsSync(join(candidate, 'schemas'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`docs/contract/schemas not found above ${from}`);
  }
}

/**
 * The device protocol's JSON Schemas, compiled once: the one contract the service validates device
 * payloads with, its tests check what it publishes against, and vendors read (docs/contract).
 */
export class DeviceContract {
  private readonly validators = new Map<ContractPayload, ValidateFunction>();
  readonly version: string;

  constructor(dir = contractDir()) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const schemas = join(dir, 'schemas');
    const read = readdirSync(schemas)
      .filter((f) => f.endsWith('.schema.json'))
      .map((file) => ({ name: file.replace('.schema.json', '') as ContractPayload, schema: JSON.parse(readFileSync(join(schemas, file), 'utf8')) as { $id: string } }));
    // all added first: they refer to each other by $id
    for (const { schema } of read) ajv.addSchema(schema);
    for (const { name, schema } of read) this.validators.set(name, ajv.getSchema(schema.$id)!);
    this.version = /^\s*version:\s*([\d.]+)/m.exec(readFileSync(join(dir, 'asyncapi.yaml'), 'utf8'))?.[1] ?? 'unknown';
  }

  /** What is wrong with `value` as a `payload`; empty when it conforms. */
  problems(payload: ContractPayload, value: unknown): ContractProblem[] {
    const validate = this.validators.get(payload);
    if (!validate) throw new Error(`no schema for ${payload}`);
    if (validate(value)) return [];
    return collapse(validate.errors ?? []).map(describe);
  }
}

/** The failing branch of an if/then says more than "must match then": keep the others. */
function collapse(errors: ErrorObject[]): ErrorObject[] {
  const kept = errors.filter((e) => e.keyword !== 'if' && !(e.keyword === 'oneOf' && errors.length > 1));
  return kept.length ? kept : errors;
}

function describe(e: ErrorObject): ContractProblem {
  const segments = e.instancePath.split('/').filter(Boolean).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'required') segments.push(String(p.missingProperty));
  if (e.keyword === 'additionalProperties') segments.push(String(p.additionalProperty));
  const [vi, en] = words(e, p);
  return { path: segments.join('.'), keyword: e.keyword, message: vi, messageEn: en };
}

/** Each JSON Schema keyword in Vietnamese (as people read it) and English. */
function words(e: ErrorObject, p: Record<string, unknown>): [string, string] {
  switch (e.keyword) {
    case 'required':
      return ['bắt buộc', 'is required'];
    case 'additionalProperties':
      return ['không có trong giao thức', 'is not part of the protocol'];
    case 'type':
      return [`phải là ${TYPE_VI[String(p.type)] ?? p.type}`, `must be ${p.type}`];
    case 'enum':
      return [`phải là một trong: ${(p.allowedValues as unknown[]).join(', ')}`, `must be one of: ${(p.allowedValues as unknown[]).join(', ')}`];
    case 'const':
      return [`phải là ${JSON.stringify(p.allowedValue)}`, `must be ${JSON.stringify(p.allowedValue)}`];
    case 'format':
      return [`sai định dạng ${p.format}`, `must be a ${p.format}`];
    case 'pattern':
      return ['sai định dạng (có ký tự không được phép hoặc thiếu múi giờ)', `must match ${p.pattern}`];
    case 'minLength':
      return [`phải dài ít nhất ${p.limit} ký tự`, `must have at least ${p.limit} characters`];
    case 'maxLength':
      return [`dài quá ${p.limit} ký tự`, `must have at most ${p.limit} characters`];
    case 'minimum':
      return [`phải từ ${p.limit} trở lên`, `must be ${p.limit} or more`];
    case 'maximum':
      return [`phải từ ${p.limit} trở xuống`, `must be ${p.limit} or less`];
    case 'minItems':
      return [`phải có ít nhất ${p.limit} phần tử`, `must hold at least ${p.limit} items`];
    case 'maxItems':
      return [`có quá ${p.limit} phần tử`, `must hold at most ${p.limit} items`];
    default:
      return [`không đúng giao thức (${e.keyword})`, e.message ?? e.keyword];
  }
}

const TYPE_VI: Record<string, string> = { string: 'chuỗi ký tự', integer: 'số nguyên', number: 'số', boolean: 'true hoặc false', object: 'một đối tượng', array: 'một danh sách', 'integer,null': 'số nguyên hoặc null', 'string,null': 'chuỗi hoặc null' };
