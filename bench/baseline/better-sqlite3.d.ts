// The few parts of better-sqlite3 the baseline uses (the package ships no types; TypeORM drives it elsewhere).
declare module 'better-sqlite3' {
  namespace Database {
    interface Statement {
      all(...params: unknown[]): unknown[];
      get(...params: unknown[]): unknown;
    }
  }
  class Database {
    constructor(file: string, options?: { readonly?: boolean });
    prepare(sql: string): Database.Statement;
    close(): void;
  }
  export = Database;
}
