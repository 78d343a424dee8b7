import { eventBusContract, type TestBus } from './testing/contract.spec-helper';
import { startPrivateNats } from './testing/private-nats.spec-helper';
import { JetStreamEventBus } from './jetstream-event-bus';

const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

// the shared local NATS (JetStream on) for the contract, streams unique per test and deleted after;
// the outage test starts a nats-server of its own
eventBusContract('NATS JetStream (real nats-server)', async () => {
  const prefix = `test_${process.pid}_${Date.now().toString(36)}`;
  const admin = new JetStreamEventBus(NATS_URL, { prefix });
  const open = (url = NATS_URL): TestBus => new JetStreamEventBus(url, { prefix, pollMs: 1_000, publishTimeoutMs: 1_500 });
  return {
    open: () => open(),
    dropStream: (s) => admin.deleteStream(s),
    privateBroker: async () => {
      const n = await startPrivateNats();
      return { open: () => open(n.url), stop: () => n.stop(), dispose: () => n.dispose() };
    },
    close: () => admin.close(),
  };
});

describe('JetStreamEventBus names', () => {
  it('maps a stream to a JetStream stream and subject under the prefix', () => {
    const bus = new JetStreamEventBus('nats://127.0.0.1:1', { prefix: 'frontier:prod' });
    expect(bus.streamName('recsys-events')).toBe('frontier_prod_recsys-events');
    expect(bus.streamName('recsys-events.dead')).toBe('frontier_prod_recsys-events_dead');
    expect(bus.subject('recsys-events')).toBe('frontier_prod.recsys-events');
    bus.abort();
  });
});
