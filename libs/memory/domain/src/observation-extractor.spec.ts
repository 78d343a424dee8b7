import { observationsFromTurns, turnObservationExtractor } from './observation-extractor';

describe('turnObservationExtractor', () => {
  it('emits each non-empty turn verbatim as a context memory with its turn id and time', async () => {
    const at = new Date('2023-05-08T13:56:00Z');
    const out = await turnObservationExtractor.extract([
      { id: 'D1:1', role: 'user', text: ' Caroline: I went to a support group yesterday. ', at },
      { id: 'D1:2', role: 'assistant', text: '   ' },
      { id: 'D1:3', role: 'assistant', text: 'Melanie: That is great!' },
    ]);
    expect(out).toEqual([
      { text: 'Caroline: I went to a support group yesterday.', type: 'context', confidence: 0.9, turnIds: ['D1:1'], validAt: at },
      { text: 'Melanie: That is great!', type: 'context', confidence: 0.9, turnIds: ['D1:3'] },
    ]);
    expect(turnObservationExtractor.id).toBe('turn-observations-v1');
  });

  it('keeps confidence configurable and above the pipeline gate by default', () => {
    expect(observationsFromTurns([{ id: 't', role: 'user', text: 'x' }], 0.75)[0]?.confidence).toBe(0.75);
    expect(observationsFromTurns([{ id: 't', role: 'user', text: 'x' }])[0]?.confidence).toBeGreaterThan(0.7);
  });
});
