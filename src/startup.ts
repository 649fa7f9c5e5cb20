import { openDatabase } from './db/data-source';
import { ensureCatalog } from './modules/catalog/catalog';

/**
 * Start-up's database step (server, CLI, tests): opens the database of `url`, applies pending
 * migrations and seeds the catalog prices that have no row yet. Returns how many migrations ran.
 */
export async function openAppDatabase(url: string): ReturnType<typeof openDatabase> {
  const opened = await openDatabase(url);
  await ensureCatalog(opened.dataSource);
  return opened;
}
