/**
 * Checks a value against the JSON Schema (2020-12) that `toOpenApi` writes,
 * so that the contract check needs no validator at run time. It knows the
 * keywords the generator uses and no others: a schema with any other
 * keyword throws, rather than pass what it cannot check. The test suite
 * holds it to Ajv's answers on the same schemas.
 */

type Schema = Readonly<Record<string, unknown>>;

// Annotations (JSON Schema 2020-12 §9, and `format`, an annotation by default): nothing to check.
const ANNOTATIONS = new Set(['title', 'description', 'examples', 'format']);
const ASSERTIONS = new Set([
  '$ref',
  'allOf',
  'type',
  'const',
  'enum',
  'properties',
  'required',
  'pattern',
  'minLength',
  'minimum',
  'maximum',
]);

/**
 * What is wrong with `value` against `schema`, one message per failure,
 * each starting with the location in `value` (`body.status`); none if it
 * validates. `$ref`s are local (`#/components/...`), resolved in `root`.
 */
export function schemaFailures(
  schema: Schema,
  value: unknown,
  root: unknown,
  at: string,
): string[] {
  const failures: string[] = [];
  check(schema, value, root, at, failures);
  return failures;
}

function check(
  schema: Schema,
  value: unknown,
  root: unknown,
  at: string,
  failures: string[],
): void {
  for (const keyword of Object.keys(schema)) {
    if (!ANNOTATIONS.has(keyword) && !ASSERTIONS.has(keyword)) {
      throw new Error(`schema keyword \`${keyword}\` at ${at} is not one the contract check knows`);
    }
  }
  if (typeof schema.$ref === 'string') check(resolve(root, schema.$ref), value, root, at, failures);
  if (Array.isArray(schema.allOf)) {
    for (const part of schema.allOf as Schema[]) check(part, value, root, at, failures);
  }
  if ('const' in schema && !Object.is(value, schema.const) && value !== schema.const) {
    failures.push(`${at} must be ${JSON.stringify(schema.const)}, got ${show(value)}`);
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    const listed = schema.enum.map((each) => JSON.stringify(each)).join(', ');
    failures.push(`${at} must be one of ${listed}, got ${show(value)}`);
  }
  if (typeof schema.type === 'string' && !hasType(value, schema.type)) {
    failures.push(`${at} must be of type ${schema.type}, got ${show(value)}`);
    return;
  }
  checkString(schema, value, at, failures);
  checkNumber(schema, value, at, failures);
  checkObject(schema, value, root, at, failures);
}

function checkString(schema: Schema, value: unknown, at: string, failures: string[]): void {
  if (typeof value !== 'string') return;
  // 2020-12 §6.3.3: ECMA-262 regular expressions, unanchored unless the pattern anchors itself.
  if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) {
    failures.push(`${at} must match ${schema.pattern}, got ${show(value)}`);
  }
  // §6.3.2: length in code points.
  if (typeof schema.minLength === 'number' && [...value].length < schema.minLength) {
    failures.push(`${at} must be at least ${schema.minLength} characters long, got ${show(value)}`);
  }
}

function checkNumber(schema: Schema, value: unknown, at: string, failures: string[]): void {
  if (typeof value !== 'number') return;
  if (typeof schema.minimum === 'number' && value < schema.minimum) {
    failures.push(`${at} must be ${schema.minimum} or more, got ${value}`);
  }
  if (typeof schema.maximum === 'number' && value > schema.maximum) {
    failures.push(`${at} must be ${schema.maximum} or less, got ${value}`);
  }
}

function checkObject(
  schema: Schema,
  value: unknown,
  root: unknown,
  at: string,
  failures: string[],
): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
  const object = value as Record<string, unknown>;
  for (const name of (schema.required as string[] | undefined) ?? []) {
    if (!Object.hasOwn(object, name)) failures.push(`${at}.${name} is required, and missing`);
  }
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  for (const [name, propertySchema] of Object.entries(properties)) {
    if (Object.hasOwn(object, name)) {
      check(propertySchema, object[name], root, `${at}.${name}`, failures);
    }
  }
}

/** §6.1.1: `integer` is any number with a zero fractional part. */
function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'null':
      return value === null;
    default:
      return typeof value === type;
  }
}

function resolve(root: unknown, ref: string): Schema {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported, got ${ref}`);
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    node =
      typeof node === 'object' && node !== null
        ? (node as Record<string, unknown>)[key]
        : undefined;
  }
  if (typeof node !== 'object' || node === null) throw new Error(`$ref ${ref} resolves to nothing`);
  return node as Schema;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
