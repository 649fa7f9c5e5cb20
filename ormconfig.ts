/** The TypeORM DataSource chosen from DATABASE_URL, for the server and the TypeORM CLI. */
import { loadConfig } from './src/config';
import { createDataSource } from './src/db/data-source';

export default createDataSource(loadConfig().databaseUrl);
