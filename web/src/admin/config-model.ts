/**
 * The config form as data, generated from the JSON Schema of `GameConfig`
 * (scripts/config-schema.ts writes it from the zod schema at build time): one
 * field per setting, with its bounds, its default and its description. Pure,
 * so the generator is tested in Node; config-form.ts renders it.
 *
 * A setting is a plain input (a choice, a number, a switch, a text) or a group
 * of them (an object such as `trend` or `bounds`). What has no single input
 * (a union of objects such as `season`, a list such as `tiers`) is edited as
 * JSON, its schema summarised beside it.
 */

/** The part of JSON Schema zod emits for the config. */
export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  default?: unknown;
  description?: string;
}

/** What every field carries: where it sits, and what a reader needs to fill it. */
interface FieldBase {
  /** Dotted from the config's root, as the server's 400 details name it: `trend.short`. */
  path: string;
  key: string;
  description: string | undefined;
  /** null is a value of the field (it turns the setting off). */
  nullable: boolean;
  /** May be left out (inside a group): an empty input sends nothing. */
  optional: boolean;
  default: unknown;
}

export type Field =
  | (FieldBase & { kind: "choice"; options: string[] })
  | (FieldBase & { kind: "number"; integer: boolean; min?: number; max?: number; above?: number; below?: number })
  | (FieldBase & { kind: "switch" })
  | (FieldBase & { kind: "text"; minLength?: number; maxLength?: number })
  | (FieldBase & { kind: "group"; fields: Field[] })
  | (FieldBase & { kind: "json"; shape: string });

const isNull = (s: JsonSchema) => s.type === "null";

/** The schema without its null branch, and whether it had one. */
function withoutNull(schema: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  if (Array.isArray(schema.type) && schema.type.includes("null")) {
    const rest = schema.type.filter((t) => t !== "null");
    return { schema: { ...schema, type: rest.length === 1 ? rest[0] : rest }, nullable: true };
  }
  if (schema.anyOf?.some(isNull)) {
    const rest = schema.anyOf.filter((s) => !isNull(s));
    const only = rest.length === 1 ? rest[0] : undefined;
    const inner = only ? { ...only, description: schema.description ?? only.description } : { ...schema, anyOf: rest };
    return { schema: inner, nullable: true };
  }
  return { schema, nullable: false };
}

const at = (value: unknown, key: string): unknown =>
  value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;

/** The fields of a config object schema, with the defaults (a config, or the part of one) beside it. */
export function configFields(schema: JsonSchema, defaults: unknown, prefix = ""): Field[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([key, property]) =>
    fieldOf(key, property, prefix === "" ? key : `${prefix}.${key}`, !required.has(key), at(defaults, key)),
  );
}

function fieldOf(key: string, raw: JsonSchema, path: string, optional: boolean, fallback: unknown): Field {
  const { schema, nullable } = withoutNull(raw);
  const base: FieldBase = {
    path,
    key,
    description: schema.description ?? raw.description,
    nullable,
    optional,
    // null is a default too (a setting off), so only an absent one falls back to the schema's.
    default: fallback === undefined ? schema.default : fallback,
  };
  if (schema.enum?.every((v) => typeof v === "string")) return { ...base, kind: "choice", options: schema.enum };
  if (schema.type === "integer" || schema.type === "number") {
    const bounds = {
      min: schema.minimum,
      max: schema.maximum,
      above: schema.exclusiveMinimum,
      below: schema.exclusiveMaximum,
    };
    const defined = Object.fromEntries(Object.entries(bounds).filter(([, v]) => v !== undefined));
    return { ...base, kind: "number", integer: schema.type === "integer", ...defined };
  }
  if (schema.type === "boolean") return { ...base, kind: "switch" };
  if (schema.type === "string") {
    const lengths = { minLength: schema.minLength, maxLength: schema.maxLength };
    return { ...base, kind: "text", ...Object.fromEntries(Object.entries(lengths).filter(([, v]) => v !== undefined)) };
  }
  if (schema.type === "object" && schema.properties && schema.anyOf === undefined)
    return { ...base, kind: "group", fields: configFields(schema, fallback ?? schema.default, path) };
  return { ...base, kind: "json", shape: shapeOf(schema) };
}

/** A short reading of a schema, for a field edited as JSON: `{every: hour|day|week|month, timezone?} or {cron, timezone?}`. */
function shapeOf(schema: JsonSchema): string {
  if (schema.anyOf) return schema.anyOf.map(shapeOf).join(" or ");
  if (schema.enum) return schema.enum.map(String).join("|");
  if (schema.type === "array") {
    const count = schema.maxItems === undefined ? "" : ` (${schema.minItems ?? 0}-${schema.maxItems})`;
    return `[${schema.items ? shapeOf(schema.items) : "…"}, …]${count}`;
  }
  if (schema.type === "object" || schema.properties) {
    const required = new Set(schema.required ?? []);
    const keys = Object.entries(schema.properties ?? {}).map(([key, value]) => {
      const inner = value.enum ? `: ${shapeOf(value)}` : "";
      return `${key}${required.has(key) ? "" : "?"}${inner}`;
    });
    return `{${keys.join(", ")}}`;
  }
  if (schema.type === "null") return "null";
  return String(schema.type ?? "any");
}

/** The range a number field accepts, in words: `A whole number from 1 to 100`, `A number, more than 0, at most 1`. */
export function rangeText(field: Extract<Field, { kind: "number" }>): string {
  const low = field.min !== undefined ? `${field.min}` : field.above !== undefined ? `more than ${field.above}` : "";
  const high = field.max !== undefined ? `${field.max}` : field.below !== undefined ? `less than ${field.below}` : "";
  const whole = field.integer ? "whole number" : "number";
  if (low !== "" && high !== "")
    return field.min !== undefined && field.max !== undefined
      ? `A ${whole} from ${low} to ${high}`
      : `A ${whole}, ${low}, at most ${high}`;
  if (low !== "") return `A ${whole}, ${field.min !== undefined ? "at least " : ""}${low}`;
  if (high !== "") return `A ${whole}, at most ${high}`;
  return `A ${whole}`;
}

/** The field a server's 400 detail names: the deepest field whose path starts its path (`tiers[0].name` is `tiers`). */
export function fieldForIssue(fields: Field[], issuePath: string): Field | undefined {
  const steps = issuePath.replace(/\[\d+\]/g, "").split(".");
  let found: Field | undefined;
  let level = fields;
  for (const step of steps) {
    const next = level.find((f) => f.key === step);
    if (next === undefined) break;
    found = next;
    if (next.kind !== "group") break;
    level = next.fields;
  }
  return found;
}
