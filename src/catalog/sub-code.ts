/**
 * The syntax of a sub-code, in one place: the status, a dot, and a number
 * of one to four digits without leading zeros (`401.24`, `409.1`, `404.0`),
 * so that `460.1` and `460.01` cannot be two codes that read as one.
 */
const NUMBER = '(?:0|[1-9][0-9]{0,3})';

/** A sub-code of any status, as a JSON Schema / OpenAPI `pattern`. */
export const SUB_CODE_PATTERN = `^[1-5][0-9]{2}\\.${NUMBER}$`;

/** A sub-code, with its status as the first group. */
export const SUB_CODE = new RegExp(`^([1-5][0-9]{2})\\.${NUMBER}$`);

/** Whether `subCode` is a sub-code of `status`: `"<status>.<number>"`. */
export function isSubCodeOf(status: number, subCode: unknown): boolean {
  if (typeof subCode !== 'string') return false;
  const match = SUB_CODE.exec(subCode);
  return match !== null && Number(match[1]) === status;
}
