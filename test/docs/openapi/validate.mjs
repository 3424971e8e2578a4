// Validates an OpenAPI document file against the OpenAPI 3.1 JSON Schema, with
// @seriousme/openapi-schema-validator (an ES module, which jest's CommonJS
// runtime cannot load: test/docs/openapi.test.ts runs this in a child process).
// Prints the validator's result as JSON.
import process from 'node:process';
import { Validator } from '@seriousme/openapi-schema-validator';

const validator = new Validator();
const result = await validator.validate(process.argv[2]);
process.stdout.write(`${JSON.stringify({ ...result, version: validator.version })}\n`);
