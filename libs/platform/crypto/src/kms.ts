/** A data key wrapped (encrypted) by a master key, as stored beside the data. */
export interface WrappedKey {
  /** Id of the master key that wrapped it. */
  masterKeyId: string;
  wrapped: Uint8Array;
}

/**
 * Key management port: wraps and unwraps data keys with master keys the application never
 * stores beside the data. Adapters: {@link LocalKeyManagementService} (keys from configuration);
 * a cloud KMS or Vault transit adapter implements the same four members.
 */
export interface KeyManagementService {
  /** The master key new wraps use. */
  currentKeyId(): string;
  /** Every master key this service can unwrap with (the current one included). */
  keyIds(): string[];
  /** Wraps `dataKey` under the current master key; `context` is bound to it (unwrap needs the same). */
  wrap(dataKey: Uint8Array, context: string): Promise<WrappedKey>;
  /** Unwraps with the master key the wrap names; throws when it is unknown or the wrap fails to authenticate. */
  unwrap(key: WrappedKey, context: string): Promise<Uint8Array>;
}
