import { type FormEvent, useCallback, useEffect, useState } from "react";
import type { Invitation, Member, Role } from "../../backend/types";
import { ErrorMessage } from "../../components/ErrorMessage";
import { CopyField } from "../../components/CopyField";
import { useBackend } from "../../context";
import { formatTime } from "../../format";

export const ROLES: Role[] = ["admin", "marketer", "support"];

export function Members({ selfId }: { selfId: string }) {
  const backend = useBackend();
  const [members, setMembers] = useState<Member[]>([]);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("marketer");
  const [status, setStatus] = useState<string | null>(null);
  const [invitation, setInvitation] = useState<Invitation | null>(null);
  const [error, setError] = useState<unknown>(null);

  const refresh = useCallback(() => backend.listMembers().then(setMembers, setError), [backend]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  async function run(action: () => Promise<void>, done: string) {
    setError(null);
    setStatus(null);
    try {
      await action();
      setStatus(done);
      await refresh();
    } catch (caught) {
      setError(caught);
    }
  }

  function invite(event: FormEvent) {
    event.preventDefault();
    const address = email.trim();
    void run(async () => {
      setInvitation(await backend.inviteMember({ email: address, role }));
      setEmail("");
    }, `Invited ${address} as ${role}.`);
  }

  return (
    <section aria-labelledby="members-title">
      <h2 id="members-title">Members</h2>
      <table>
        <caption className="visually-hidden">Members of the account</caption>
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {members.map((member) => (
            <tr key={member.id}>
              <th scope="row">{member.email}</th>
              <td>{member.name || "—"}</td>
              <td>
                <select
                  aria-label={`Role of ${member.email}`}
                  value={member.role}
                  disabled={!member.active || member.id === selfId}
                  onChange={(event) => {
                    const next = event.target.value as Role;
                    void run(() => backend.setMemberRole({ memberId: member.id, role: next }), `${member.email} is now ${next}.`);
                  }}
                >
                  {ROLES.map((option) => (
                    <option key={option} value={option}>{option}</option>
                  ))}
                </select>
              </td>
              <td>{member.active ? "Active" : "Deactivated"}</td>
              <td>
                {member.active && member.id !== selfId && (
                  <button
                    type="button"
                    className="danger"
                    aria-label={`Deactivate ${member.email}`}
                    onClick={() => void run(() => backend.deactivateMember(member.id), `Deactivated ${member.email}.`)}
                  >
                    Deactivate
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="controls" onSubmit={invite} noValidate>
        <label>
          Email to invite
          <input type="email" value={email} onChange={(event) => setEmail(event.target.value)} required />
        </label>
        <label>
          Role
          <select value={role} onChange={(event) => setRole(event.target.value as Role)}>
            {ROLES.map((option) => (
              <option key={option} value={option}>{option}</option>
            ))}
          </select>
        </label>
        <button type="submit">Invite</button>
      </form>
      {status !== null && <p role="status">{status}</p>}
      {invitation !== null && (
        <div className="callout" role="region" aria-label="New invitation">
          <p>
            Send this invitation token to {invitation.email}. It is shown only once and works until {formatTime(invitation.expiresAt)}.
          </p>
          <CopyField label="Invitation token" value={invitation.token} onDone={() => setInvitation(null)} />
        </div>
      )}
      <ErrorMessage error={error} />
    </section>
  );
}
