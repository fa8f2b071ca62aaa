import { AppError } from '../infrastructure/http/app-error';
import { addDays } from './planner/local-time';

/** Local dates from..to (inclusive), in order and at most `maxDays` apart; else a 400 naming `to`. */
export function checkDateRange(from: string, to: string, maxDays: number): void {
  if (to < from) throw AppError.field('to', 'order', 'phải sau hoặc bằng from', 'must not be before from');
  if (addDays(from, maxDays) < to) throw AppError.field('to', 'range', `tối đa ${maxDays} ngày một lần`, `at most ${maxDays} days at once`);
}
