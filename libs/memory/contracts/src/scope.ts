/** Every memory operation is scoped to one tenant's user. */
export interface MemoryScope {
  tenantId: string;
  userId: string;
}
