import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AdvisoryLock } from '../infrastructure/database/advisory-locks';
import { PasswordHasher } from './password-hasher';

export interface BootstrapResult {
  created: boolean;
  username: string;
  /** Set only when the password was generated: shown once, never stored in clear. */
  generatedPassword?: string;
}

/** On an empty database, creates the national administrator (once, even with several instances starting). */
export async function ensureAdmin(db: DataSource, hasher: PasswordHasher, username: string, password?: string): Promise<BootstrapResult> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [AdvisoryLock.AdminBootstrap]);
    const [{ n }] = await tx.query('SELECT count(*)::int AS n FROM users');
    if (n > 0) return { created: false, username };
    const generatedPassword = password ? undefined : randomBytes(12).toString('base64url');
    const hash = await hasher.hash(password ?? generatedPassword!);
    const [{ id }] = await tx.query(
      `INSERT INTO users (username, display_name, password_hash, role, unit_id) VALUES ($1, $2, $3, 'admin', NULL) RETURNING id`,
      [username, 'Quản trị viên', hash],
    );
    await tx.query(
      `INSERT INTO audit_log (actor_name, action, entity_type, entity_id, unit_path, changes) VALUES ('system', 'user.create', 'user', $1, NULL, $2)`,
      [id, JSON.stringify({ after: { username, role: 'admin' }, reason: 'first start' })],
    );
    return { created: true, username, generatedPassword };
  });
}
