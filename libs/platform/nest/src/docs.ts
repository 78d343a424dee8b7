import { UnauthorizedException, type INestApplication, type INestApplicationContext } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { presentsToken } from './auth/operator-token';
import { PlatformSettings } from './settings';

/** The app's settings, when its root module imports PlatformModule (tests may build bare apps). */
export function settingsOf(app: INestApplicationContext): PlatformSettings | undefined {
  try {
    return app.get(PlatformSettings, { strict: false });
  } catch {
    return undefined;
  }
}

/**
 * OpenAPI at /docs (JSON at /docs-json) unless `DOCS_ENABLED=false`; with `DOCS_TOKEN` set, both
 * answer 401 without `Authorization: Bearer <token>` or `?token=<token>`.
 */
export function installDocs(app: INestApplication, meta: { service: string; title?: string; version?: string }): void {
  const { enabled = true, token } = settingsOf(app)?.docs ?? {};
  if (!enabled) return;
  if (token) {
    app.use(['/docs', '/docs-json'], (req: Request, res: Response, next: NextFunction) => {
      if (presentsToken(req, token, true)) return next();
      const e = new UnauthorizedException('the API docs need "Authorization: Bearer <DOCS_TOKEN>" or ?token=<DOCS_TOKEN>');
      res.status(401).json(e.getResponse());
    });
  }
  const doc = new DocumentBuilder()
    .setTitle(meta.title ?? meta.service)
    .setVersion(meta.version ?? '0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Tenant API key fk_… (or the admin token on admin routes)' })
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc), { jsonDocumentUrl: 'docs-json' });
}
