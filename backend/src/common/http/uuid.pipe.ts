import { Injectable, PipeTransform } from '@nestjs/common';
import { notFound } from '../errors/app-error';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A malformed id can never name a resource: answer 404 (as for ids that exist but are not yours). */
@Injectable()
export class UuidPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (typeof value !== 'string' || !UUID_RE.test(value)) throw notFound('NOT_FOUND', 'No such resource');
    return value.toLowerCase();
  }
}

export const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID_RE.test(v);
