import { createConnection } from 'mysql2/promise';

/** Drops and creates the database named in a mysql:// URL; returns the URL. */
export async function recreateMysqlDatabase(url: string): Promise<string> {
  const parsed = new URL(url.replace(/^mariadb:/, 'mysql:'));
  const database = parsed.pathname.replace(/^\//, '');
  if (!/^\w+$/.test(database)) throw new Error(`Refusing odd database name "${database}"`);
  const connection = await createConnection({
    host: parsed.hostname,
    port: Number(parsed.port || 3306),
    user: decodeURIComponent(parsed.username || 'root'),
    password: decodeURIComponent(parsed.password || ''),
  });
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await connection.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await connection.end();
  }
  return url;
}

/** Drops the database named in a mysql:// URL. */
export async function dropMysqlDatabase(url: string): Promise<void> {
  const parsed = new URL(url.replace(/^mariadb:/, 'mysql:'));
  const database = parsed.pathname.replace(/^\//, '');
  const connection = await createConnection({
    host: parsed.hostname,
    port: Number(parsed.port || 3306),
    user: decodeURIComponent(parsed.username || 'root'),
    password: decodeURIComponent(parsed.password || ''),
  });
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${database}\``);
  } finally {
    await connection.end();
  }
}
