import type { Turn } from '../parts';
import { historyGroups } from './budget';

const t = (role: Turn['role']): Turn => ({ role, parts: [] });

describe('historyGroups', () => {
  it('groups a user turn with the assistant and tool turns answering it, oldest first', () => {
    const turns = [t('system'), t('user'), t('assistant'), t('user'), t('assistant'), t('tool'), t('assistant'), t('user')];
    expect(historyGroups(turns)).toEqual([[1, 2], [3, 4, 5, 6]]);
  });

  it('never offers system turns or anything from the last user turn on', () => {
    expect(historyGroups([t('user'), t('system'), t('assistant'), t('user'), t('assistant')])).toEqual([[0, 2]]);
    expect(historyGroups([t('system'), t('user')])).toEqual([]);
    expect(historyGroups([t('user'), t('assistant'), t('tool')])).toEqual([]); // a tool result answering the last user turn stays
  });

  it('groups leading assistant turns on their own and keeps the last turn when there is no user turn', () => {
    expect(historyGroups([t('assistant'), t('tool'), t('user'), t('assistant'), t('user')])).toEqual([[0, 1], [2, 3]]);
    expect(historyGroups([t('assistant'), t('assistant'), t('assistant')])).toEqual([[0, 1]]);
    expect(historyGroups([])).toEqual([]);
  });
});
