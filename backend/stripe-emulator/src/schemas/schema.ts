import type Stripe from 'stripe';

/**
 * Parameter schemas: what Stripe accepts on each endpoint, typed against the `stripe` SDK's `*Params` types.
 *
 * `{...} satisfies ParamSchema<Stripe.XParams>` makes the compiler demand every key of the SDK type (so a new SDK
 * parameter fails to compile until it is listed here) and check each spec against the key's type (an enum value
 * the SDK does not know, an integer where the SDK has a string, ... fail to compile too).
 */

export type Node =
  | { kind: 'string' | 'int' | 'bool' | 'currency' | 'decimal' | 'metadata' | 'expand' | 'unsupported' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'array'; of: Node }
  | { kind: 'object'; fields: Fields }
  | { kind: 'oneOf'; options: readonly Node[] };
export type Fields = Readonly<Record<string, Spec<unknown>>>;

declare const valueType: unique symbol;

/** A parameter's runtime rule; `V` (compile time only) is the SDK type it stands for. */
export interface Spec<V> {
  readonly node: Node;
  /** '' is accepted (Stripe: "unset this"); only where the SDK type says `Stripe.Emptyable<...>` (or a string) */
  readonly emptyable: boolean;
  readonly isRequired: boolean;
  readonly [valueType]?: V;
  orEmpty(): Spec<V | ''>;
  required(): Spec<V>;
}

/**
 * The SDK joins each enum with `OtherString` (`string & {}`) so that new values compile; a schema must list only the
 * values the SDK knows, so the open part is dropped where a union has literals (plain `string` fields stay `string`).
 */
type DropOpen<V> = V extends string ? (string extends V ? never : V) : V;
type Literals<V> = Exclude<V extends string ? (string extends V ? never : V) : never, ''>;
type Known<V> = [Literals<V>] extends [never] ? V : DropOpen<V>;

/** Every key of the SDK's Params type `T`, each with a spec for its (non-null) value type. */
export type ParamSchema<T> = { readonly [K in keyof T]-?: Spec<Known<NonNullable<T[K]>>> };

type ValueOf<X> = X extends Spec<infer V> ? V : never;

/** `'a b c'` → `'a' | 'b' | 'c'` (long enums stay one line) */
type Words<S extends string, Acc extends string = never> = S extends `${infer H} ${infer R}` ? Words<R, Acc | H> : Acc | S;

function spec<V>(node: Node, emptyable = false, isRequired = false): Spec<V> {
  return {
    node,
    emptyable,
    isRequired,
    orEmpty: () => spec<V | ''>(node, true, isRequired),
    required: () => spec<V>(node, emptyable, true),
  };
}

export const S = {
  /** free text: '' is a string too (Stripe stores it as unset) */
  string: (): Spec<string> => spec({ kind: 'string' }, true),
  /** an object id (`cus_...`, `pm_card_visa`, ...): '' is refused with `parameter_invalid_empty`, as Stripe does */
  id: (): Spec<string> => spec({ kind: 'string' }),
  int: (): Spec<number> => spec({ kind: 'int' }),
  bool: (): Spec<boolean> => spec({ kind: 'bool' }),
  /** a three-letter code from @collabpay/currency */
  currency: (): Spec<string> => spec({ kind: 'currency' }),
  decimal: (): Spec<Stripe.Decimal> => spec({ kind: 'decimal' }),
  enum: <const E extends string>(...values: E[]): Spec<E> => spec({ kind: 'enum', values }),
  words: <const W extends string>(values: W): Spec<Words<W>> => spec({ kind: 'enum', values: values.split(' ') }),
  /** `metadata[k]=v`: Stripe's only free-form hash (50 keys, key ≤ 40 chars, value ≤ 500 chars); `metadata=` clears */
  metadata: (): Spec<Stripe.MetadataParam> => spec({ kind: 'metadata' }),
  expand: (): Spec<string[]> => spec({ kind: 'expand' }),
  /** a list filter such as `created`: a timestamp, or `{gt, gte, lt, lte}` */
  range: (): Spec<number | Stripe.RangeQueryParam> =>
    S.oneOf(
      S.int(),
      S.object<Stripe.RangeQueryParam>({
        gt: S.int(),
        gte: S.int(),
        lt: S.int(),
        lte: S.int(),
      }),
    ),
  array: <E>(of: Spec<E>): Spec<E[]> => spec({ kind: 'array', of: of.node }, false),
  object: <T>(fields: ParamSchema<T>): Spec<T> => spec({ kind: 'object', fields: fields as unknown as Fields }),
  oneOf: <const T extends readonly Spec<unknown>[]>(...options: T): Spec<ValueOf<T[number]>> =>
    spec(
      { kind: 'oneOf', options: options.map((o) => o.node) },
      options.some((o) => o.emptyable),
    ),
  /**
   * Stripe accepts it, the emulator does not implement it: refused with a 400 that says so (never silently ignored,
   * so the emulator is never more forgiving than Stripe). Fits any SDK type.
   */
  unsupported: spec<never>({ kind: 'unsupported' }),
};

/** Route (`'POST /v1/payment_intents/:id'`, as in routes.ts) → its schema. */
export type SchemaTable = Readonly<Record<string, Readonly<Record<string, Spec<unknown>>>>>;
