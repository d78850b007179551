import { CURRENCY_CODES, isSupportedCurrency } from '@collabpay/currency';
import { invalid, StripeApiError } from '../errors';
import type { ParamObject, ParamValue } from '../params';
import type { Node, Spec } from './schema';

/**
 * Checks request parameters against a schema before the handler runs, with Stripe's codes, `param` (the full
 * bracket path, e.g. `automatic_payment_methods[enabld]`) and wording. Throws the first error found.
 */
export function validateParams(fields: Readonly<Record<string, Spec<unknown>>>, params: ParamObject): void {
  const missingParams: string[] = [];
  checkFields(fields, params, '', missingParams);
  // a malformed or unknown parameter is reported before a missing one
  if (missingParams.length) throw missing(missingParams[0]);
}

/** as Stripe lists them: usd first */
const CURRENCY_LIST = ['usd', ...CURRENCY_CODES.filter((c) => c !== 'usd')].join(', ');

const join = (prefix: string, key: string) => (prefix ? `${prefix}[${key}]` : key);

function checkFields(fields: Readonly<Record<string, Spec<unknown>>>, value: ParamObject, prefix: string, missingParams: string[]): void {
  for (const key of Object.keys(value)) {
    if (!Object.prototype.hasOwnProperty.call(fields, key)) throw unknownParam(join(prefix, key));
  }
  for (const [key, s] of Object.entries(fields)) {
    const v = value[key];
    if (v === undefined) {
      if (s.isRequired) missingParams.push(join(prefix, key));
      continue;
    }
    checkValue(s, v, join(prefix, key), missingParams);
  }
}

function checkValue(s: Spec<unknown>, v: ParamValue, path: string, missingParams: string[]): void {
  if (v === '') {
    if (s.isRequired) return void missingParams.push(path);
    if (s.emptyable) return;
    throw invalid(
      `You passed an empty string for '${path}'. We assume empty values are an attempt to unset a parameter; however '${path}' cannot be unset. You should remove '${path}' from your request or supply a non-empty value.`,
      path,
      'parameter_invalid_empty',
    );
  }
  const problem = checkNode(s.node, v, path, missingParams);
  if (problem) throw problem;
}

/** null when `v` fits `node`, else the error Stripe would answer */
function checkNode(node: Node, v: ParamValue, path: string, missingParams: string[]): StripeApiError | null {
  switch (node.kind) {
    case 'unsupported':
      return invalid(
        `The Stripe emulator does not implement ${path} (Stripe accepts it). Remove it, or teach the emulator (backend/stripe-emulator/src/schemas).`,
        path,
        'parameter_unsupported_by_emulator',
      );
    case 'string':
      return typeof v === 'string' ? null : invalid(`Invalid string: ${show(v)}`, path);
    case 'decimal':
      if (typeof v !== 'string') return invalid(`Invalid decimal: ${show(v)}`, path);
      return /^-?\d+(\.\d+)?$/.test(v) ? null : invalid(`Invalid decimal: ${v}`, path);
    case 'int':
      if (typeof v !== 'string' || !/^-?\d+$/.test(v) || !Number.isSafeInteger(Number(v)))
        return invalid(`Invalid integer: ${show(v)}`, path, 'parameter_invalid_integer');
      return null;
    case 'bool':
      return v === 'true' || v === 'false' ? null : invalid(`Invalid boolean: ${show(v)}`, path);
    case 'enum':
      if (typeof v === 'string' && node.values.includes(v)) return null;
      return invalid(`Invalid ${path}: must be one of ${oneOfList(node.values)}`, path);
    case 'currency':
      if (typeof v === 'string' && isSupportedCurrency(v)) return null;
      return invalid(`Invalid currency: ${show(v)}. Stripe currently supports these currencies: ${CURRENCY_LIST}`, path);
    case 'expand': {
      const list = asArray(v);
      if (!list) return invalid('Invalid array', path);
      for (let i = 0; i < list.length; i++)
        if (typeof list[i] !== 'string' || list[i] === '') return invalid(`Invalid string: ${show(list[i])}`, `${path}[${i}]`);
      return null;
    }
    case 'metadata':
      return checkMetadata(v, path);
    case 'array': {
      const list = asArray(v);
      if (!list) return invalid('Invalid array', path);
      for (let i = 0; i < list.length; i++) {
        const p = checkNode(node.of, list[i], `${path}[${i}]`, missingParams);
        if (p) return p;
      }
      return null;
    }
    case 'object':
      if (typeof v !== 'object' || Array.isArray(v)) return invalid('Invalid hash', path);
      try {
        checkFields(node.fields, v, path, missingParams);
      } catch (e) {
        if (e instanceof StripeApiError) return e;
        throw e;
      }
      return null;
    case 'oneOf': {
      let first: StripeApiError | null = null;
      for (const option of node.options) {
        const optionMissing: string[] = [];
        const p = checkNode(option, v, path, optionMissing);
        if (!p) {
          missingParams.push(...optionMissing);
          return null;
        }
        // the error of the option that has the value's shape explains best (a hash for a hash, ...)
        if (!first || (typeof v === 'object') === (option.kind === 'object' || option.kind === 'array')) first = p;
      }
      return first;
    }
  }
}

function checkMetadata(v: ParamValue, path: string): StripeApiError | null {
  if (typeof v !== 'object' || Array.isArray(v)) return invalid('Invalid hash', path);
  const keys = Object.keys(v);
  if (keys.length > 50) return invalid('Metadata can have up to 50 keys.', path);
  for (const k of keys) {
    const val = v[k];
    if (k.length > 40) return invalid(`Metadata keys can have up to 40 characters. The key '${k}' has ${k.length}.`, join(path, k));
    if (typeof val !== 'string') return invalid(`Metadata values must be strings: ${show(val)}`, join(path, k));
    if (val.length > 500)
      return invalid(`Metadata values can have up to 500 characters, but you passed in a value that is ${val.length} characters.`, join(path, k));
  }
  return null;
}

/** `list[]=a` / `list[0]=a` arrive as arrays; any other hash is not a list */
function asArray(v: ParamValue): ParamValue[] | null {
  return Array.isArray(v) ? v : null;
}

function oneOfList(values: readonly string[]): string {
  return values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')}, or ${values[values.length - 1]}`;
}

function show(v: ParamValue | undefined): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function unknownParam(path: string): StripeApiError {
  return invalid(`Received unknown parameter: ${path}`, path, 'parameter_unknown');
}
function missing(path: string): StripeApiError {
  return invalid(`Missing required param: ${path}.`, path, 'parameter_missing');
}
