/** What the platform module needs from an app's validated env. */
export abstract class PlatformSettings {
  abstract readonly service: string;
  abstract readonly databaseUrl: string;
  abstract readonly redisUrl: string;
  abstract readonly redisPrefix: string;
  /** Token for tenant administration (`Authorization: Bearer <token>`); unset disables admin routes. */
  readonly adminToken?: string;
}
