import { Injectable } from '@nestjs/common';

/** Where the process is in its life: readiness answers 503 while it drains for shutdown. */
@Injectable()
export class Lifecycle {
  draining = false;
}
