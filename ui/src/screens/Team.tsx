import type { SessionInfo } from "../backend/types";
import { Audit, UploadKey } from "./team/Audit";
import { Members } from "./team/Members";
import { Tokens } from "./team/Tokens";

export function Team({ session }: { session: SessionInfo }) {
  return (
    <section aria-labelledby="team-title" className="screen">
      <h1 id="team-title">Team</h1>
      <Members selfId={session.memberId} />
      <Tokens />
      <UploadKey />
      <Audit />
    </section>
  );
}
