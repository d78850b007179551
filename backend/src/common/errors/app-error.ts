import { HttpException, HttpStatus } from '@nestjs/common';

/** An error with a stable UPPER_SNAKE `code`; the exception filter turns it into the contract's error JSON. */
export class AppError extends HttpException {
  constructor(
    status: HttpStatus,
    public readonly code: string,
    message: string,
    public readonly details?: Record<string, unknown>,
  ) {
    super({ code, message, ...(details ?? {}) }, status);
  }
}

export const badRequest = (code: string, message: string, details?: Record<string, unknown>) => new AppError(HttpStatus.BAD_REQUEST, code, message, details);
export const unauthorized = (code = 'UNAUTHORIZED', message = 'Authentication required') => new AppError(HttpStatus.UNAUTHORIZED, code, message);
export const forbidden = (code = 'FORBIDDEN', message = 'You are not allowed to do this') => new AppError(HttpStatus.FORBIDDEN, code, message);
export const notFound = (code = 'NOT_FOUND', message = 'Not found') => new AppError(HttpStatus.NOT_FOUND, code, message);
export const conflict = (code: string, message: string, details?: Record<string, unknown>) => new AppError(HttpStatus.CONFLICT, code, message, details);
export const unprocessable = (code: string, message: string) => new AppError(HttpStatus.UNPROCESSABLE_ENTITY, code, message);
export const tooManyRequests = (message = 'Too many requests, slow down') => new AppError(HttpStatus.TOO_MANY_REQUESTS, 'RATE_LIMITED', message);
export const badGateway = (code: string, message: string) => new AppError(HttpStatus.BAD_GATEWAY, code, message);
export const serviceUnavailable = (code: string, message: string) => new AppError(HttpStatus.SERVICE_UNAVAILABLE, code, message);
