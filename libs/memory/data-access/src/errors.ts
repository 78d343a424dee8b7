// Memory's errors are the workspace's typed errors (platform-util): 400 / 404 / 409 naming the
// field. Re-exported so memory's callers need one import.
export { ConflictError, InvalidInputError as BadRequestError, NotFoundError } from '@frontier/platform-util';
