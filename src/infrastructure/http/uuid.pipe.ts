import { ParseUUIDPipe } from '@nestjs/common';
import { AppError } from './app-error';

/** A path id that is not a UUID is a 400 naming the parameter, not a database error. */
export const ParseId = new ParseUUIDPipe({
  exceptionFactory: () => AppError.field('id', 'isUUID', 'phải là mã UUID hợp lệ', 'must be a UUID'),
});
