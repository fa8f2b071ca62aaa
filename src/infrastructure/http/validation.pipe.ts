import { ValidationPipe } from '@nestjs/common';
import { AppError } from './app-error';
import { toFieldProblems } from './validation-messages';

/** Unknown fields are refused (not silently dropped), types are checked, every problem is named. */
export function apiValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new AppError('VALIDATION_FAILED', {}, toFieldProblems(errors)),
  });
}
