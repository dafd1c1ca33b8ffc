// POST /api/live/:id/join {device}   take my seat in my team (or take it back on this device)
//   → the personal state (see live-me.ts)
// A member listed in a team is seated in that team. Joining again from the same device changes
// nothing (a reload or a dropped connection resumes the seat); joining from another device of the
// same person moves the seat there — the old device's actions are then refused — rather than
// seating the person twice.
import type { Config } from '@netlify/functions';
import { z } from 'zod';
import { forbidden, handle, json, readJson } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { idParam } from './_lib/params.ts';
import { DeviceSchema, lockedAppend } from './_lib/live.ts';
import { personalState } from '../src/core/live-contest.ts';

const JoinSchema = z.strictObject({ device: DeviceSchema });

export default handle({
  async POST(req, { params }) {
    const claims = await requireUser(req);
    const id = idParam(params, 'id', 'live contest');
    const { device } = await readJson(req, JoinSchema);
    const out = await lockedAppend(claims, id, null, async ({ tx, entry, memberId }) => {
      const [t] = await tx`select tm.team_id, m.name from app.live_team_members tm join app.members m on m.id = tm.member_id
        where tm.contest_id = ${id} and tm.member_id = ${memberId}`;
      if (!t) throw forbidden('You are not in a team of this contest. Ask the host to add you to your team.');
      const seat = entry.state.seats[memberId];
      const reply = () => ({ serverNow: Date.now(), memberId, teamId: t.team_id as string, ...personalState(entry.loaded.setup, entry.state, memberId, device) });
      if (seat && seat.device === device && seat.teamId === t.team_id) return { reply };
      return { event: { kind: 'join', host: false, data: { memberId, teamId: t.team_id as string, name: t.name as string, device }, idemKey: null }, reply };
    });
    return json(out);
  },
});

export const config: Config = { path: '/api/live/:id/join' };
