// The inbox's landing file, on SQLite. The front door's inbox insert used to take the database's
// one write lock, which plan work holds most of the time under load: a core transaction whose
// thread was descheduled on a busy machine held acknowledgements back (lock waits of 250-500 ms
// at the 99th percentile, `npm run bench -- slack-ack`). So the front door writes what arrives
// to a file of its own beside the database (`<database>-inbox`), durably, before it acknowledges;
// nobody else writes there but the importer's short deletes. The inbox processor moves landed
// entries into InboxEntry, and only once that commit is durable deletes them from the landing
// file: a move repeated after a crash meets InboxEntry's primary key and writes nothing, as a
// retried delivery does. On PostgreSQL (row locks, no file lock) the front door writes
// InboxEntry directly.
import { groupCommitter } from './group-commit.ts';
import { databaseNow } from './sql.ts';
import { inSqliteTransaction, isBusy, SqliteConnection } from './sqlite-connection.ts';
import { SQLITE_LANDING_PRAGMAS } from './sqlite-pragmas.ts';
import { inboxLandingStatements as statements, inboxStatements } from './statements.ts';
import type { InboxDraft } from './inbox.ts';
import type { Store } from './store.ts';
import { walSync } from './wal-sync.ts';

/** The landing file beside a SQLite database file. */
export const landingFile = (databaseFile: string) => `${databaseFile}-inbox`;

/** Entries moved per transaction. */
const MOVE_BATCH = 256;

async function openLanding(databaseFile: string): Promise<SqliteConnection> {
  const connection = new SqliteConnection(landingFile(databaseFile), SQLITE_LANDING_PRAGMAS);
  await inSqliteTransaction(connection, (runner) => runner.execute(statements.createLanding()));
  return connection;
}

export interface InboxLanding {
  /** Resolves once the entry is on disk: the front door may acknowledge it. */
  land(draft: InboxDraft): Promise<void>;
  close(): Promise<void>;
}

/** The front door's side: lands entries, group-committed (one flush for what commits together). */
export async function openInboxLanding(databaseFile: string): Promise<InboxLanding> {
  const connection = await openLanding(databaseFile);
  // The importer's connection checkpoints the file; this one never stalls its thread doing so.
  connection.pragma('wal_autocheckpoint = 0');
  const wal = walSync(landingFile(databaseFile), () => connection.totalChanges());
  // A group's flush starts as soon as it commits, beside the previous group's if that one is
  // still under way: an entry that arrives during a slow flush waits for its own, not for both.
  const commit = groupCommitter((body) => inSqliteTransaction(connection, body), isBusy);
  return {
    land: async (draft) => {
      await commit((runner) => runner.execute(statements.land(draft)));
      await wal.flush();
    },
    close: async () => {
      await wal.close();
      connection.close();
    },
  };
}

export interface LandingImporter {
  /** Moves landed entries into InboxEntry; returns how many. */
  importLanded(): Promise<number>;
  close(): void;
}

/** The inbox processor's side, for a SQLite store; null on PostgreSQL, where nothing lands. */
export async function openLandingImporter(store: Store): Promise<LandingImporter | null> {
  if (store.target.provider !== 'sqlite') return null;
  const connection = await openLanding(store.target.file);
  return {
    async importLanded() {
      let moved = 0;
      for (;;) {
        const landed = await connection.query(statements.landed(MOVE_BATCH));
        if (landed.length === 0) return moved;
        await store.transaction(async (runner) => {
          for (const { seq: _seq, ...draft } of landed) await runner.execute(inboxStatements.insertInboxEntry({ ...draft, receivedAt: databaseNow() }));
        });
        await inSqliteTransaction(connection, (runner) => runner.execute(statements.clearLanded(landed.at(-1)!.seq)));
        moved += landed.length;
      }
    },
    close: () => connection.close(),
  };
}
