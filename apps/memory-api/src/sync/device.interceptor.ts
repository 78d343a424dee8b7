import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { Observable } from 'rxjs';
import { asWriter, BadRequestError, SERVER_DEVICE } from '@frontier/memory-data-access';
import { parseDeviceId } from '@frontier/memory-nest';

/** The device a request comes from: `X-Device-Id` (else the route's `device_id`), validated; none → the server device. */
export function requestDevice(req: Pick<Request, 'headers'>, fieldValue?: string): string | undefined {
  const header = req.headers['x-device-id'];
  if (Array.isArray(header)) throw new BadRequestError('X-Device-Id', 'X-Device-Id must be given once');
  const [raw, field] = header !== undefined ? [header, 'X-Device-Id'] : [fieldValue, 'device_id'];
  if (raw === undefined) return undefined;
  const id = parseDeviceId(raw, field);
  if (id === SERVER_DEVICE) throw new BadRequestError(field, `${field} "${SERVER_DEVICE}" is reserved for changes the server makes`);
  return id;
}

/**
 * Every memory change a request makes is logged (cross-device sync) as its device's: the
 * `X-Device-Id` header; requests without one act as the anonymous server device.
 */
@Injectable()
export class DeviceInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const deviceId = requestDevice(ctx.switchToHttp().getRequest<Request>());
    if (!deviceId) return next.handle();
    // subscribed inside the device's context: the handler (and every await after) runs in it
    return new Observable((subscriber) => asWriter({ deviceId }, () => next.handle().subscribe(subscriber)));
  }
}
