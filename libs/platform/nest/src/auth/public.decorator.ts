import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'frontier:public';
export const ADMIN_ONLY = 'frontier:admin-only';
export const REQUIRED_SCOPES = 'frontier:scopes';

/** The route needs no credentials (health, metrics). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
/** The route needs the operator's admin token, not a tenant key. */
export const AdminOnly = () => SetMetadata(ADMIN_ONLY, true);
/** The tenant key must carry every listed scope (a key with scope `*` carries all). */
export const RequireScopes = (...scopes: string[]) => SetMetadata(REQUIRED_SCOPES, scopes);
