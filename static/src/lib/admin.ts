// The admin page's data (server: --auth=password; docs/api.md, Access
// control): users and API tokens as the API answers them, checked field by
// field, and the ready-to-paste commands shown with a new token's secret.
// Pure functions: the requests are in admin.ts.

/** The roles, from least to most (auth.Roles). */
export const ROLES = ["viewer", "editor", "admin"] as const;

/** What each role may do, one line each (auth.Role's comments). */
export const ROLE_HELP: Record<string, string> = {
  viewer: "reads boards, playlists, snapshots and data",
  editor: "also changes boards, playlists, images and snapshots; pushes data",
  admin: "also manages users, API tokens and sources: everything",
};

/** The scopes of API tokens, in the order they are documented (auth.Scopes), with what each allows. */
export const SCOPES: ReadonlyArray<{ name: string; help: string }> = [
  { name: "ingest", help: "push data to the ingest endpoints (agents, flexboard push) and nothing else" },
  { name: "read", help: "read boards, playlists, snapshots and data, as a viewer does" },
  { name: "write", help: "read, and change boards, playlists, images and snapshots, as an editor does" },
];

/** Used until GET /users says otherwise (auth.MinPasswordLength). */
export const DEFAULT_MIN_PASSWORD = 12;

/** A user as GET /api/v1/users lists them. */
export interface AdminUser {
  id: number;
  name: string;
  role: string;
  createdAt: string;
  lastLoginAt: string | null;
}

/** An API token as GET /api/v1/tokens lists them (never its secret). */
export interface AdminToken {
  id: number;
  name: string;
  scopes: string[];
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

function rec(v: unknown): Record<string, unknown> | null {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

function optStr(v: unknown): string | null {
  return typeof v === "string" && v !== "" ? v : null;
}

/** Parses GET /api/v1/users; null when the answer is not that shape. */
export function parseUsers(body: unknown): { users: AdminUser[]; minPasswordLength: number } | null {
  const b = rec(body);
  if (!b || !Array.isArray(b["users"])) return null;
  const users: AdminUser[] = [];
  for (const raw of b["users"]) {
    const u = rec(raw);
    if (!u || typeof u["id"] !== "number" || str(u["name"]) === "") continue;
    users.push({ id: u["id"], name: str(u["name"]), role: str(u["role"]), createdAt: str(u["created_at"]), lastLoginAt: optStr(u["last_login_at"]) });
  }
  const min = b["min_password_length"];
  return { users, minPasswordLength: typeof min === "number" && min > 0 ? min : DEFAULT_MIN_PASSWORD };
}

/** Parses one token (a list entry, or POST /tokens' answer). */
export function parseToken(raw: unknown): AdminToken | null {
  const t = rec(raw);
  if (!t || typeof t["id"] !== "number" || str(t["name"]) === "") return null;
  const scopes = Array.isArray(t["scopes"]) ? t["scopes"].filter((s): s is string => typeof s === "string") : [];
  return {
    id: t["id"],
    name: str(t["name"]),
    scopes,
    createdBy: str(t["created_by"]),
    createdAt: str(t["created_at"]),
    lastUsedAt: optStr(t["last_used_at"]),
    revokedAt: optStr(t["revoked_at"]),
  };
}

/** Parses GET /api/v1/tokens; null when the answer is not that shape. */
export function parseTokens(body: unknown): AdminToken[] | null {
  const b = rec(body);
  if (!b || !Array.isArray(b["tokens"])) return null;
  const out: AdminToken[] = [];
  for (const raw of b["tokens"]) {
    const t = parseToken(raw);
    if (t) out.push(t);
  }
  return out;
}

/** What is wrong with a new password before it is sent, "" when nothing (the server checks again). */
export function passwordProblem(pw: string, min: number): string {
  const n = Array.from(pw).length;
  if (n === 0) return `Enter a password of at least ${min} characters.`;
  if (n < min) return `${n} characters: a password needs at least ${min}.`;
  return "";
}

/** Quotes s for a POSIX shell (single quotes). */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'"'"'`)}'`;
}

/**
 * Ready-to-paste commands that use a new token, one per thing its scopes
 * allow: a push (flexboard push, and curl) for ingest, a read (curl) for
 * read or write. origin is the server's base URL.
 */
export function tokenExamples(origin: string, secret: string, scopes: readonly string[]): { label: string; command: string }[] {
  const out: { label: string; command: string }[] = [];
  const auth = shellQuote(`Authorization: Bearer ${secret}`);
  if (scopes.includes("ingest")) {
    out.push({
      label: "Push a value with flexboard push",
      command: `echo 'demo_temperature{room="lab"} 21.5' | flexboard push --format prometheus --url ${shellQuote(origin)} --token ${shellQuote(secret)}`,
    });
    out.push({
      label: "Push a value with curl",
      command:
        `curl -X POST ${shellQuote(origin + "/api/v1/ingest")} -H ${auth} -H 'Content-Type: application/json' ` +
        `-d '{"points":[{"metric":"demo_temperature","labels":{"room":"lab"},"value":21.5}]}'`,
    });
  }
  if (scopes.includes("read") || scopes.includes("write")) {
    out.push({ label: "List the boards with curl", command: `curl ${shellQuote(origin + "/api/v1/boards")} -H ${auth}` });
  }
  return out;
}

/**
 * Turns a server message about one field into a sentence shown beside it:
 * "is 5 characters; …" → "Password is 5 characters; …", "a user named …"
 * → "A user named …".
 */
export function fieldSentence(label: string, message: string): string {
  const m = message.trim();
  if (m === "") return "";
  if (/^(is|are|may|must) /.test(m)) return `${label} ${m}`;
  return m.charAt(0).toUpperCase() + m.slice(1);
}
