import type {
  AuditEntry,
  Campaign,
  Member,
  Role,
  TokenInfo,
  UploadEvent,
  UploadSummary,
  ValidationSummary,
} from "../types";

/** A demo user of the in-memory service. */
export interface DemoUser {
  email: string;
  password: string;
  role: Role;
  memberId: string;
  /** The TOTP code this user must give, when the account asks for one. */
  totp?: string;
}

export const DEMO_PASSWORD = "demo-password";
export const DEMO_TOTP = "123456";

export const DEMO_USERS: DemoUser[] = [
  { email: "admin@acme.example", password: DEMO_PASSWORD, role: "admin", memberId: "m-admin", totp: DEMO_TOTP },
  { email: "marketer@acme.example", password: DEMO_PASSWORD, role: "marketer", memberId: "m-marketer" },
  { email: "support@acme.example", password: DEMO_PASSWORD, role: "support", memberId: "m-support" },
];

const day = 24 * 60 * 60 * 1000;
const base = Date.UTC(2026, 10, 2, 9, 30);
const at = (offsetDays: number) => new Date(base + offsetDays * day).toISOString();

export function demoMembers(): Member[] {
  return [
    { id: "m-admin", email: "admin@acme.example", name: "Alex Admin", role: "admin", active: true, totpEnabled: true, createdAt: at(-90) },
    { id: "m-marketer", email: "marketer@acme.example", name: "Morgan Marketer", role: "marketer", active: true, totpEnabled: false, createdAt: at(-80) },
    { id: "m-support", email: "support@acme.example", name: "Sam Support", role: "support", active: true, totpEnabled: false, createdAt: at(-70) },
    { id: "m-former", email: "former@acme.example", name: "Fran Former", role: "marketer", active: false, totpEnabled: false, createdAt: at(-200) },
  ];
}

export function demoCampaigns(): Campaign[] {
  return [
    { id: "c-spring", name: "Spring catalogue", ownerId: "m-marketer", status: "submitted", createdAt: at(-20) },
    { id: "c-winback", name: "Win-back letters", ownerId: "m-admin", status: "ready", createdAt: at(-10) },
    { id: "c-xmas", name: "Christmas cards", ownerId: "m-marketer", status: "draft", createdAt: at(-2) },
  ];
}

const summary = (rows: number, errors: number): ValidationSummary => ({
  rows,
  rowsWithErrors: errors,
  rowsWithWarnings: Math.floor(rows / 53),
  countsByCode: errors > 0 ? { invalid_postcode: errors, duplicate: Math.floor(rows / 53) } : { duplicate: Math.floor(rows / 53) },
});

export interface DemoUpload {
  summary: UploadSummary;
  events: UploadEvent[];
  validation?: ValidationSummary;
}

function timeline(id: string, createdAt: string, final: string, reason?: string): UploadEvent[] {
  const start = Date.parse(createdAt);
  const step = (seconds: number) => new Date(start + seconds * 1000).toISOString();
  const kinds = ["created", "received", "scanning", "validating", final];
  return kinds.map((kind, index) => ({
    at: step(index * 40),
    kind,
    requestId: `req-${id}-${index + 1}`,
    details: kind === final && reason !== undefined ? { reason } : {},
  }));
}

export function demoUploads(): DemoUpload[] {
  const rows: [string, string, string, string, number, string?][] = [
    ["u-0001", "m-marketer", "c-spring", "accepted", 48_200_000],
    ["u-0002", "m-marketer", "c-spring", "rejected", 1_200_000, "412 rows have errors: invalid_postcode"],
    ["u-0003", "m-admin", "c-winback", "accepted", 9_800_000],
    ["u-0004", "m-marketer", "c-xmas", "quarantined", 220_000, "The scanner found Eicar-Test-Signature"],
    ["u-0005", "m-admin", "c-winback", "scanning", 3_100_000],
  ];
  return rows.map(([id, ownerId, campaignId, state, length, reason], index) => {
    const createdAt = at(-15 + index * 3);
    return {
      summary: { id, ownerId, campaignId, state, length, offset: length, ...(reason !== undefined ? { reason } : {}), createdAt },
      events: timeline(id, createdAt, state, reason),
      ...(state === "accepted" || state === "rejected" ? { validation: summary(Math.floor(length / 96), state === "rejected" ? 412 : 0) } : {}),
    };
  });
}

export function demoTokens(): TokenInfo[] {
  return [
    { id: "t-ci", memberId: "m-admin", name: "Nightly export", permissions: ["uploads:create", "campaigns:read"], createdAt: at(-30), lastUsedAt: at(-1), expiresAt: at(60) },
    { id: "t-old", memberId: "m-admin", name: "Old script", permissions: ["uploads:read_all"], createdAt: at(-120), revokedAt: at(-40) },
  ];
}

export function demoAudit(): AuditEntry[] {
  const actions: [string, string, string?][] = [
    ["session.create", "admin@acme.example"],
    ["session.create_failed", "marketer@acme.example"],
    ["member.invite", "admin@acme.example", "new@acme.example"],
    ["upload.create", "marketer@acme.example", "u-0001"],
    ["upload.accepted", "system", "u-0001"],
    ["token.create", "admin@acme.example", "t-ci"],
    ["member.role_change", "admin@acme.example", "m-support"],
    ["upload.quarantined", "system", "u-0004"],
  ];
  return actions.map(([action, actor, target], index) => ({
    seq: index + 1,
    at: at(-20 + index * 2),
    actor,
    action,
    ...(target !== undefined ? { target } : {}),
    outcome: action.endsWith("failed") ? "failure" : "success",
    clientAddress: "127.0.0.1",
    requestId: `req-audit-${index + 1}`,
  }));
}
