import { LoggerService } from '@nestjs/common';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof LEVELS;

/** Nest's start-up lines (one per module and route) are debug detail, not operations news. */
const FRAMEWORK_CHATTER = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

/** Structured logs: one JSON object per line on stdout (errors on stderr). */
export class JsonLogger implements LoggerService {
  constructor(private readonly minLevel: Level = 'info', private readonly out: (line: string, level: Level) => void = defaultOut) {}

  log(message: unknown, context?: string): void {
    this.write(context && FRAMEWORK_CHATTER.has(context) ? 'debug' : 'info', message, context);
  }
  info(message: unknown, context?: string): void {
    this.write('info', message, context);
  }
  error(message: unknown, traceOrContext?: string, context?: string): void {
    this.write('error', message, context ?? traceOrContext, context ? traceOrContext : undefined);
  }
  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }

  private write(level: Level, message: unknown, context?: string, stack?: string): void {
    if (LEVELS[level] < LEVELS[this.minLevel]) return;
    const fields = message && typeof message === 'object' && !(message instanceof Error) ? message : { msg: message instanceof Error ? message.message : String(message) };
    const entry = { time: new Date().toISOString(), level, context, ...fields, ...(stack ? { stack } : {}) };
    this.out(JSON.stringify(entry), level);
  }
}

function defaultOut(line: string, level: Level): void {
  (level === 'error' ? process.stderr : process.stdout).write(line + '\n');
}
