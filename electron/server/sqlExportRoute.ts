import type { FastifyInstance } from 'fastify';
import { SQL_EXPORT_PATH, type SqlExports } from '../admin/sql/SqlExports';

/**
 * The download of an SQL editor export: `GET /sql-export/<ticket>`, where the ticket is the
 * one-time, minute-long address `sql.export` gave the page (so a plain link works, and the browser
 * writes the file to disk as it streams). Anything else is 404.
 */
export function mountSqlExportRoute(app: FastifyInstance, exports: () => Promise<SqlExports>): void {
  app.get<{ Params: { ticket: string } }>(`${SQL_EXPORT_PATH}/:ticket`, async (req, reply) => {
    const download = (await exports()).open(req.params.ticket);
    if (!download) {
      return reply
        .code(404)
        .type('text/plain; charset=utf-8')
        .send('This export link was used already or has expired. Export again from the SQL editor.');
    }
    return reply
      .header('content-type', download.contentType)
      .header('content-disposition', `attachment; filename="${download.fileName.replace(/[^\w.-]/g, '_')}"`)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .send(download.body);
  });
}
