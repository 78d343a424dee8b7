import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

function flatten(errors: ValidationError[], parent = ''): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of errors) {
    const path = parent ? `${parent}.${e.property}` : e.property;
    if (e.constraints) out[path] = Object.values(e.constraints);
    if (e.children?.length) Object.assign(out, flatten(e.children, path));
  }
  return out;
}

/**
 * Body/query/params validation for every route: unknown fields are refused, types converted,
 * and a 400 names each bad field — `{statusCode, error, message: [...], fields: {path: [...]}}`.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      // top-level messages already start with the field name; nested ones get their full path
      const message = Object.entries(fields).flatMap(([path, msgs]) => msgs.map((m) => (path.includes('.') ? `${path}: ${m}` : m)));
      return new BadRequestException({ statusCode: 400, error: 'Bad Request', message, fields });
    },
  });
}
