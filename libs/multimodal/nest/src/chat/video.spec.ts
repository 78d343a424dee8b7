import { framePath, frameTimes, safetyTimes } from './video';

describe('frameTimes: the plan’s sampling as frame times inside the clip', () => {
  const probe = { durationS: 6.2, keyframesS: [0, 2, 3, 5] };

  it('samples every 1/fps seconds from 0, at most the planned frames', () => {
    expect(frameTimes(probe, 'fps', 1, 7)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(frameTimes(probe, 'fps', 0.5, 10)).toEqual([0, 2, 4, 6]);
    expect(frameTimes(probe, 'fps', 2, 3)).toEqual([0, 0.5, 1]);
  });

  it('takes the keyframes in keyframes mode (the first frame when the container lists none)', () => {
    expect(frameTimes(probe, 'keyframes', null, 4)).toEqual([0, 2, 3, 5]);
    expect(frameTimes(probe, 'keyframes', null, 2)).toEqual([0, 2]);
    expect(frameTimes({ durationS: 3, keyframesS: [] }, 'keyframes', null, 1)).toEqual([0]);
  });

  it('names a frame by its part and time', () => {
    expect(framePath('messages[0].content[1]', 83.25)).toBe('messages[0].content[1]@1:23.2');
  });
});

describe('safetyTimes: at least one frame per 5 s reaches the image safety check', () => {
  it('adds the middle of every 5-s window no planned frame falls in', () => {
    expect(safetyTimes(20, [0, 5, 10, 15])).toEqual([]);
    expect(safetyTimes(20, [0, 12])).toEqual([7.5, 17.5]);
    expect(safetyTimes(12, [])).toEqual([2.5, 7.5, 11]);
  });
});
