/**
 * @module http/response-integer
 * The integer type for response schemas. Elysia's `t.Integer` is a transform
 * (it also accepts numeric strings, which query parameters need), and one
 * transform anywhere in a response schema makes Elysia run a full TypeBox
 * Encode over every answer of that status. This is the plain JSON Schema
 * integer, which Elysia only checks (a few µs less per ingest request).
 */
import { type IntegerOptions, type TInteger, Type } from "@sinclair/typebox";

export function ResponseInteger(options?: IntegerOptions): TInteger {
  return Type.Integer(options);
}
