/** @module admin/literals — a TypeBox union of string literals that keeps each literal's type. */
import type { TLiteral, TUnion } from "@sinclair/typebox";
import { t } from "elysia";

type Literals<T extends readonly string[]> = { -readonly [K in keyof T]: TLiteral<T[K]> };

/** `t.Union` of `t.Literal`s for `values`; `error` is the message a mismatch reports. */
export function oneOf<const T extends readonly string[]>(values: T, error = `expected one of: ${values.join(", ")}`): TUnion<Literals<T>> {
  return t.Union(values.map((v) => t.Literal(v)) as Literals<T>, { error }) as TUnion<Literals<T>>;
}
