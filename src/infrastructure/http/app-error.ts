import { ERROR_CATALOG, ErrorCode } from './error-catalog';

/** A field-level problem, as returned under `fields` in a 400 answer. */
export interface FieldProblem {
  field: string;
  /** Stable codes, e.g. isString, whitelistValidation, csv.parentUnknown */
  codes: string[];
  message: string;
  messageEn?: string;
}

/** The one exception type the services throw for anything a client did wrong. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly params: Record<string, unknown> = {},
    readonly fields?: FieldProblem[],
  ) {
    super(code);
    this.status = ERROR_CATALOG[code].status;
  }

  /** A 400 about one field: `field: <vi>` / `field: <en>`. */
  static field(field: string, code: string, vi: string, en: string): AppError {
    return new AppError('VALIDATION_FAILED', {}, [{ field, codes: [code], message: `${field}: ${vi}`, messageEn: `${field}: ${en}` }]);
  }

  /** A 422: the thing named by `field` exists but is of the wrong kind for this use (e.g. an image as a program's audio). */
  static wrongKind(field: string, vi: string, en: string): AppError {
    return new AppError('WRONG_KIND', { reason: `${field}: ${vi}`, reasonEn: `${field}: ${en}` }, [{ field, codes: ['kind'], message: `${field}: ${vi}`, messageEn: `${field}: ${en}` }]);
  }

  static notFound(what: { vi: string; en: string }): AppError {
    return new AppError('NOT_FOUND', { what });
  }
}
