import { openDatabase } from './db/data-source';
import { ensureCatalog } from './modules/catalog/catalog';

/**
 * Start-up's database step (server, CLI, tests): opens the database of `url`, applies pending
 * migrations and seeds the catalog prices that have no row yet, both under the migration lock (so
 * instances starting at once never seed twice). Returns how many migrations ran.
 */
export async function openAppDatabase(url: string): ReturnType<typeof openDatabase> {
  return openDatabase(url, ensureCatalog);
}
