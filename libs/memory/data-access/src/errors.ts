/** Input the memory services refuse; apps map it to 400 naming `field`. */
export class BadRequestError extends Error {
  override name = 'BadRequestError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The memory (or session) does not exist for this user; apps map it to 404. */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The request contradicts what is stored (e.g. a session id re-posted with other turns): 409. */
export class ConflictError extends Error {
  override name = 'ConflictError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
