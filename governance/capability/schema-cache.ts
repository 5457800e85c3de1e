/**
 * @module Argument schemas compiled once per tool. Every object schema is closed (extra properties
 * rejected) unless the tool author explicitly opened it, and types are never coerced ("1" is not 1).
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { digestJson } from '../../lib/canonical-json.js';

// why the cast: ajv-formats is CommonJS; under NodeNext its default export is the module object
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

// why these options: allErrors reports every problem at once; ownProperties stops `required`
// being met by inherited names such as `toString`; strict:false accepts annotation keywords that
// MCP servers put in their schemas (`x-...`), while unknown formats still fail to compile.
const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: true, coerceTypes: false, useDefaults: false, removeAdditional: false, ownProperties: true });
addFormats(ajv);

const MAX_CACHED = 2_000;
const byDigest = new Map<string, ValidateFunction>();
const bySchemaObject = new WeakMap<object, ValidateFunction>();

/** Subschema keywords whose value is itself a value schema (it describes a property or an item). */
const VALUE_SCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'];
const VALUE_SCHEMAS = ['items', 'additionalProperties', 'contains', 'propertyNames', 'unevaluatedItems', 'not', 'if', 'then', 'else'];
const IN_PLACE_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];

/**
 * A copy of `schema` with `unevaluatedProperties: false` wherever an object schema leaves extra
 * properties unsaid. why unevaluated, not additional: it sees through allOf/anyOf/$ref, so closing
 * a schema never rejects a property that a combined branch declares. In-place branches (allOf...)
 * are not closed themselves, only the schema that combines them.
 */
export function closeSchema(schema: unknown, inPlace = false): unknown {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$schema') continue; // why: MCP tools often declare draft-07; the 2020 vocabulary is a superset for what we check
    if (VALUE_SCHEMA_MAPS.includes(key) && isRecord(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, closeSchema(v, key === '$defs' || key === 'definitions' || key === 'dependentSchemas')]));
    } else if (VALUE_SCHEMAS.includes(key)) {
      out[key] = closeSchema(value, key === 'not' || key === 'if' || key === 'then' || key === 'else');
    } else if (IN_PLACE_LISTS.includes(key) && Array.isArray(value)) {
      out[key] = value.map((v) => closeSchema(v, key !== 'prefixItems'));
    } else {
      out[key] = value;
    }
  }
  const declaresOpenness = 'additionalProperties' in out || 'unevaluatedProperties' in out;
  if (!inPlace && !declaresOpenness) out['unevaluatedProperties'] = false;
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The compiled validator for a tool's argument schema (cached); throws when the schema does not compile. */
export function validatorFor(toolName: string, argsSchema: Record<string, unknown>): ValidateFunction {
  const cached = bySchemaObject.get(argsSchema);
  if (cached) return cached;
  const key = `${toolName}\n${digestJson(argsSchema)}`;
  let validate = byDigest.get(key);
  if (!validate) {
    validate = ajv.compile(closeSchema(argsSchema) as Record<string, unknown>);
    if (byDigest.size >= MAX_CACHED) byDigest.clear();
    byDigest.set(key, validate);
  }
  bySchemaObject.set(argsSchema, validate);
  return validate;
}

/** One readable line per ajv error: JSON pointer of the offending value, then what is wrong. */
export function describeAjvError(e: ErrorObject): string {
  const pointer = e.instancePath === '' ? '/' : e.instancePath;
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'unevaluatedProperties' || e.keyword === 'additionalProperties') {
    const extra = String(params['unevaluatedProperty'] ?? params['additionalProperty']);
    return `\`${pointer}\`: unexpected property \`${extra}\``;
  }
  if (e.keyword === 'required') return `\`${pointer}\`: missing required property \`${String(params['missingProperty'])}\``;
  return `\`${pointer}\`: ${e.message ?? 'is invalid'}`;
}
