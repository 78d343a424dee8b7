export { DecryptionError, KeyDestroyedError, MasterKeyConfigError } from './errors';
export type { KeyManagementService, WrappedKey } from './kms';
export { LocalKeyManagementService, localKmsFromEnv, parseMasterKeys, devMasterKey, DEV_MASTER_KEY_ID, type LocalKmsOptions, type MasterKeyEnv } from './local-kms';
export { sealBytes, openBytes, sealText, openText, isSealedBytes, isSealedText, sealedKeyId, SEALED_TEXT_PREFIX, type DataKey } from './envelope';
export { DataKeyRing, InMemoryDataKeyStore, wrapContext, type DataKeyStore, type DataKeyRingOptions, type KeySubject, type StoredDataKey, type RotationReport } from './key-ring';
