import { BadRequestException, ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { idProblem, textProblem } from '@frontier/platform-util';

function flatten(errors: ValidationError[], parent = ''): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of errors) {
    const path = parent ? `${parent}.${e.property}` : e.property;
    if (e.constraints) out[path] = Object.values(e.constraints);
    if (e.children?.length) Object.assign(out, flatten(e.children, path));
  }
  return out;
}

/** The 400 every validation failure answers: `{statusCode, error, message: [...], fields: {path: [...]}}`. */
export function badRequest(fields: Record<string, string[]>, fullPaths = false): BadRequestException {
  // top-level messages already start with the field name; nested ones get their full path (unless they already say it)
  const message = Object.entries(fields).flatMap(([path, msgs]) => msgs.map((m) => (path.includes('.') && !fullPaths ? `${path}: ${m}` : m)));
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message, fields });
}

/** Most characters of a path parameter (an id) and of a single query value read without a DTO. */
export const PARAM_MAX = 512;
export const QUERY_VALUE_MAX = 4_096;

/**
 * The global pipe. DTO bodies and queries go through class-validator (see `decorators.ts` for the
 * shared field rules); path parameters are ids — no NUL, lone surrogates, whitespace, control or
 * invisible characters (`/v1/memories/%00` is a 400 naming the parameter, checked before any
 * parameter-specific pipe) — and query values read one by one (`@Query('q')`) are one line of
 * storable text.
 */
class FrontierValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const name = metadata.data;
    if (name && (metadata.type === 'param' || metadata.type === 'query') && value !== undefined) {
      const problem = metadata.type === 'param' ? idProblem(value, { max: PARAM_MAX }) : textProblem(value, { max: QUERY_VALUE_MAX, min: 0, line: true });
      if (problem) throw badRequest({ [name]: [`${name} ${problem}`] });
    }
    return super.transform(value, metadata);
  }
}

/**
 * Body/query/params validation for every route: unknown fields are refused, types converted,
 * and a 400 names each bad field — `{statusCode, error, message: [...], fields: {path: [...]}}`.
 */
export function createValidationPipe(): ValidationPipe {
  return new FrontierValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => badRequest(flatten(errors)),
  });
}
