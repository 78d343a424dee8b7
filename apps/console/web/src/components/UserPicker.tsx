import { useId, useState } from 'react';

/** Which user's memories the page shows (the key acts for every user of its tenant). */
export function UserPicker({ userId, onChange }: { userId: string; onChange: (userId: string) => void }) {
  const id = useId();
  const [draft, setDraft] = useState(userId);
  return (
    <form
      className="row wrap card"
      onSubmit={(e) => {
        e.preventDefault();
        onChange(draft.trim());
      }}
    >
      <div className="field">
        <label htmlFor={id}>User id</label>
        <input id={id} value={draft} onChange={(e) => setDraft(e.target.value)} required />
      </div>
      <button type="submit">Show</button>
    </form>
  );
}
