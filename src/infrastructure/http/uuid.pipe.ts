import { ParseUUIDPipe } from '@nestjs/common';
import { AppError } from './app-error';

/** A path id that is not a UUID is a 400 naming the parameter, not a database error. */
export const ParseId = new ParseUUIDPipe({
  exceptionFactory: () =>
    new AppError('VALIDATION_FAILED', {}, [{ field: 'id', codes: ['isUUID'], message: 'id: phải là mã UUID hợp lệ', messageEn: 'id: must be a UUID' }]),
});
